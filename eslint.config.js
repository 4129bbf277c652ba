// Layer boundaries are enforced here, not by memory (see ../shared/STYLE.md and the README's architecture).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'This layer must run under plain Node: no electron import.' };
const noElectronSubpaths = { group: ['electron/*'], message: noElectron.message };
const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'worker_threads', 'http', 'net'],
  message: 'src/shared is pure TypeScript: no Node built-ins.',
};
const testOnly = { group: ['**/service/testing', './testing'], message: 'Test-only fault injection: tests import it, src/ never does.' };
const mainFromRenderer = {
  group: ['**/main/**', '**/main', '../main/*', '**/cli/**', '**/web/**'],
  message: 'The renderer talks only to the contract in src/shared.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.native/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']", message: 'No focused tests.' },
      ],
    },
  },
  {
    // GitHub Desktop's rule: raw IPC only in the wrappers. ipcMain is handled in src/main/ipc.ts (index.ts
    // only hands the object over); ipcRenderer only in src/preload.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/ipc.ts', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Raw IPC belongs in src/main/ipc.ts (and src/preload).' }],
          patterns: [testOnly],
        },
      ],
    },
  },
  {
    files: ['src/main/storage/**/*.ts', 'src/cli/**/*.ts', 'src/web/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noElectronSubpaths, testOnly] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noElectronSubpaths, nodeBuiltins, testOnly] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noElectronSubpaths, mainFromRenderer, nodeBuiltins, testOnly] }] },
  },
);
