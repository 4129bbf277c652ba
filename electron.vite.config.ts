// Builds the three Electron bundles into out/: main (ESM, node), preload (CJS: a sandboxed preload
// cannot load ES modules or anything but `electron`, so everything is bundled in), renderer (React).
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

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
    build: { sourcemap: false },
    // The comparison worker (src/renderer/compare/compare.worker.ts) is an ES module worker: a file of
    // its own next to the page, so the CSP's script-src 'self' (which worker-src falls back to) allows it.
    worker: { format: 'es' },
  },
});
