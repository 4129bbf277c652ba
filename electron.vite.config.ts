// Builds the three Electron bundles into out/: main (ESM, node), preload (CJS: a sandboxed preload
// cannot load ES modules or anything but `electron`, so everything is bundled in), renderer (React).
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * PDF.js's standard fonts (the 14 base fonts a PDF may use without embedding them) next to the page, under
 * pdfjs/standard_fonts/, so the PDF preview loads them from 'self' (src/renderer/attachments/pdf.ts).
 */
function pdfStandardFonts(): Plugin {
  const dir = resolve('node_modules/pdfjs-dist/standard_fonts');
  return {
    name: 'docvault-pdf-standard-fonts',
    apply: 'build',
    generateBundle() {
      // Their licence files (Foxit, Liberation) go with them.
      for (const name of readdirSync(dir)) this.emitFile({ type: 'asset', fileName: `pdfjs/standard_fonts/${name}`, source: readFileSync(resolve(dir, name)) });
    },
  };
}

export default defineConfig({
  main: {},
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    plugins: [react(), pdfStandardFonts()],
    // favicon.ico and icon.svg (made by `npm run icons` from resources/icon.svg) go next to index.html.
    publicDir: resolve('resources/web'),
    build: { sourcemap: false },
    // The comparison worker (src/renderer/compare/compare.worker.ts) is an ES module worker: a file of
    // its own next to the page, so the CSP's script-src 'self' (which worker-src falls back to) allows it.
    worker: { format: 'es' },
  },
});
