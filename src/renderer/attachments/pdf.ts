/**
 * PDF rendering for the attachment preview, with PDF.js (pdfjs-dist, Mozilla's viewer library), set up to
 * live inside the window's CSP unchanged: its parser runs in a module worker served from 'self'
 * (worker-src 'self'); this build of PDF.js evaluates no code (no `eval` / `new Function` in it: PostScript
 * functions are interpreted), WebAssembly is off (`useWasm: false`: the CSP has no 'wasm-unsafe-eval'), fonts
 * are drawn as paths (`disableFontFace`: no font loading, no system fonts), the standard fonts come from
 * 'self' (copied next to the page at build time), XFA forms, annotations, links and the text layer are not
 * rendered: a page is pixels on a canvas, nothing in a PDF can navigate, run script or fetch anything.
 * Loaded on demand (a chunk of its own), so the window pays for it only when a PDF is previewed.
 */
import { AnnotationMode, GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';

// One parser worker for the window, made on first use and kept (PDF.js reuses a port it was given).
GlobalWorkerOptions.workerPort ??= new Worker(new URL('./pdf.worker.ts', import.meta.url), { type: 'module', name: 'docvault-pdf' });

/** Where the build puts PDF.js's standard fonts (electron.vite.config.ts), relative to the page. */
const STANDARD_FONTS = new URL('pdfjs/standard_fonts/', document.baseURI).href;

/** Largest image PDF.js decodes, in pixels (a hostile PDF cannot make it allocate gigabytes). */
const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

/** An open PDF: its page count, a page drawn into a canvas, and close. */
export interface OpenPdf {
  readonly pages: number;
  /** Draws page `n` (1-based) to fit `cssWidth` pixels wide; resolves when it is drawn. */
  render(n: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<void>;
  close(): Promise<void>;
}

/** Parses `bytes` (the verified attachment) in the worker. A damaged or encrypted PDF rejects. */
export async function openPdf(bytes: Uint8Array): Promise<OpenPdf> {
  const task = getDocument({
    data: bytes,
    useWasm: false,
    disableFontFace: true,
    useSystemFonts: false,
    standardFontDataUrl: STANDARD_FONTS,
    enableXfa: false,
    disableWorkerRendering: true,
    maxImageSize: MAX_IMAGE_PIXELS,
    stopAtErrors: false,
  });
  const doc: PDFDocumentProxy = await task.promise;
  return {
    pages: doc.numPages,
    async render(n, canvas, cssWidth) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const ratio = Math.min(window.devicePixelRatio || 1, 2);
      const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
      canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
      // Annotations with an appearance (a signature, a stamp) are drawn into the pixels; none becomes a link or a form.
      await page.render({ canvas, viewport, annotationMode: AnnotationMode.ENABLE }).promise;
      page.cleanup();
    },
    // Ends the document in the worker and frees what it holds (the worker itself stays for the next PDF).
    close: () => task.destroy(),
  };
}
