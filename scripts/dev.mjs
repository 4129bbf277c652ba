#!/usr/bin/env node
// `npm run dev`: electron-vite's dev server with DOCVAULT_DEV=1, the explicit flag without which the app
// ignores ELECTRON_RENDERER_URL and opens no DevTools (see src/main/dev-mode.ts).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const child = spawn(process.execPath, [cli, 'dev', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, DOCVAULT_DEV: '1' } });
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
