/**
 * An attached PDF, page by page, drawn by PDF.js into a canvas (./pdf.ts: worker from 'self', no eval, no
 * WebAssembly, no font loading; nothing in the PDF can navigate or run). PDF.js is loaded when the first PDF
 * is previewed. A PDF it cannot read (damaged, encrypted) says so; Save still gives the file.
 */
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../components/Dialog';
import type { Preview } from '../model/attachments';
import type { OpenPdf } from './pdf';

/** Page width in CSS pixels: the wide dialog's content, or the window's width on a narrow one. */
function pageWidth(): number {
  return Math.max(240, Math.min(820, window.innerWidth - 96));
}

/** The PDF preview dialog. */
export function PdfPreviewDialog({ preview, onClose }: { preview: Extract<Preview, { kind: 'pdf' }>; onClose: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<OpenPdf | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    let open: OpenPdf | undefined;
    let gone = false;
    void (async () => {
      try {
        const { openPdf } = await import('./pdf');
        const doc = await openPdf(new Uint8Array(await preview.data.arrayBuffer()));
        if (gone) return void doc.close();
        open = doc;
        setPdf(doc);
      } catch (err) {
        if (!gone) setProblem(`This PDF cannot be shown here (${err instanceof Error ? err.message : String(err)}). Save it and open it with your PDF viewer.`);
      }
    })();
    return () => {
      gone = true;
      void open?.close();
    };
  }, [preview.data]);

  useEffect(() => {
    const el = canvas.current;
    if (pdf === undefined || el === null) return;
    pdf.render(page, el, pageWidth()).catch((err: unknown) => setProblem(`Page ${page} cannot be drawn (${err instanceof Error ? err.message : String(err)}).`));
  }, [pdf, page]);

  const pages = pdf?.pages ?? 0;
  const nav = (
    <>
      <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)} aria-label="Previous page">
        ‹ Previous
      </button>
      <span className="muted small pdf-page-number" data-testid="pdf-page">
        {pages === 0 ? '' : `Page ${page} of ${pages}`}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)} aria-label="Next page">
        Next ›
      </button>
      <button type="button" onClick={onClose} data-autofocus>
        Close
      </button>
    </>
  );
  return (
    <Dialog title={preview.name} wide onCancel={onClose} testId="pdf-preview" actions={nav}>
      {problem !== undefined && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {problem === undefined && pdf === undefined && <p className="muted">Opening…</p>}
      <div className="pdf-page">
        <canvas ref={canvas} hidden={pdf === undefined} aria-label={pages === 0 ? undefined : `${preview.name}, page ${page} of ${pages}`} role="img" />
      </div>
    </Dialog>
  );
}
