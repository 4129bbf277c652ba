/**
 * PDF.js's parser as this window's own module worker: a file of its own next to the page, so the CSP's
 * worker-src 'self' allows it (as ../compare/compare.worker.ts). Importing the library in a worker starts its
 * message handler on the worker's port; ./pdf.ts hands that port to PDF.js.
 */
import 'pdfjs-dist/build/pdf.worker.min.mjs';
