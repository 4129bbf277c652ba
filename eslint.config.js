// Layer boundaries are enforced here, not by memory (see ../shared/STYLE.md and the README's architecture).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './scripts/eslint-layers.mjs';

/**
 * THE layer table (VS Code's code-layering rule is the model). Each layer lists the folders it is made of and
 * the layers it may import from; importing from itself is always allowed. `node` (Node built-ins) and
 * `electron` are pseudo-layers for modules outside the tree. Anything not listed (test/, scripts/) is not
 * layered. The rule is scripts/eslint-layers.mjs; test/lint/boundaries.test.ts checks every forbidden edge.
 */
export const LAYERS = {
  shared: { dirs: ['src/shared'], allow: [] },
  storage: { dirs: ['src/main/storage'], allow: ['shared', 'node'] },
  app: { dirs: ['src/app'], allow: ['shared', 'storage', 'bench', 'node'] },
  cli: { dirs: ['src/cli'], allow: ['shared', 'storage', 'app', 'node'] },
  web: { dirs: ['src/web'], allow: ['shared', 'storage', 'app', 'node'] },
  bench: { dirs: ['bench'], allow: ['shared', 'storage', 'node'] },
  main: { dirs: ['src/main'], allow: ['shared', 'storage', 'app', 'node', 'electron'] },
  preload: { dirs: ['src/preload'], allow: ['shared', 'electron'] },
  renderer: { dirs: ['src/renderer'], allow: ['shared'] },
};

/** GitHub Desktop's rule: raw ipcMain / ipcRenderer only in the two wrappers (main/index.ts only hands ipcMain to ipc.ts). */
export const RAW_IPC = { names: ['ipcMain', 'ipcRenderer'], files: ['src/main/ipc.ts', 'src/main/index.ts', 'src/preload/index.ts'] };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.native/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    plugins: { docvault: { rules: { layers: layersRule } } },
    rules: {
      'docvault/layers': ['error', { layers: LAYERS, rawIpc: RAW_IPC }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']", message: 'No focused tests.' },
      ],
    },
  },
  {
    // Test code (the fault worker and its injector, test/helpers/worker-faults.ts; fixtures) never reaches the product.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**'], message: 'Test code: tests import src/, src/ never imports test/.' }] }],
    },
  },
);
