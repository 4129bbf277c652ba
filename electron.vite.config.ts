// Builds the three Electron bundles into out/: main (ESM, node), preload (CJS: a sandboxed preload
// cannot load ES modules or anything but `electron`, so everything is bundled in), renderer (React).
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export default defineConfig({
  main: {},
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    plugins: [react()],
    // favicon.ico and icon.svg (made by `npm run icons` from resources/icon.svg) go next to index.html.
    publicDir: resolve('resources/web'),
    build: { sourcemap: false },
    // The comparison worker (src/renderer/compare/compare.worker.ts) is an ES module worker: a file of
    // its own next to the page, so the CSP's script-src 'self' (which worker-src falls back to) allows it.
    worker: { format: 'es' },
  },
});
