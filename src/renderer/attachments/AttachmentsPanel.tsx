/**
 * The files attached to the open document: name, size and type, with Preview (images), Save and Remove;
 * "Attach…" picks files, and files dropped on the document land here too (see Editor). Uploads show their
 * progress. Behaviour in ../hooks/useAttachments.ts.
 */
import { useRef } from 'react';
import { ConfirmDialog } from '../components/Dialog';
import { ErrorMessage } from '../components/ErrorMessage';
import type { AttachmentsController } from '../hooks/useAttachments';
import { formatBytes, isPreviewable } from '../model/attachments';
import { ImagePreviewDialog } from './ImagePreviewDialog';
import { PdfPreviewDialog } from './PdfPreviewDialog';

/** The attachments panel. */
export function AttachmentsPanel({ a }: { a: AttachmentsController }) {
  const { state, dispatch } = a;
  const input = useRef<HTMLInputElement>(null);
  const list = state.list ?? [];
  return (
    <section className="attachments" aria-label="Attachments" data-testid="attachments">
      <div className="attachments-head">
        <h3>Attachments{state.list !== undefined && list.length > 0 ? ` (${list.length})` : ''}</h3>
        <button type="button" onClick={() => input.current?.click()} title="Attach files to this document (a new version); or drop files on the document">
          Attach…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void a.attach(files);
          }}
        />
      </div>
      <ErrorMessage error={state.error} onDismiss={() => dispatch({ type: 'error', error: undefined })} />
      {state.list !== undefined && list.length === 0 && state.uploads.length === 0 && (
        <p className="muted small">No attachments. Attach a scan, a PDF or a photo, or drop files on the document.</p>
      )}
      <ul className="attachment-list">
        {list.map((f) => {
          const busy = state.busy.includes(f.name);
          return (
            <li key={f.name} data-testid="attachment-row">
              <bdi className="attachment-name" title={f.name}>
                {f.name}
              </bdi>
              <span className="muted small">
                {formatBytes(f.size)} · {f.mediaType}
              </span>
              <span className="attachment-actions">
                {isPreviewable(f) && (
                  <button type="button" disabled={busy} onClick={() => void a.preview(f)} aria-label={`Preview ${f.name}`}>
                    Preview
                  </button>
                )}
                <button type="button" disabled={busy} onClick={() => void a.save(f)} aria-label={`Save ${f.name}`} title="Save a copy">
                  Save
                </button>
                <button type="button" className="danger" disabled={busy} onClick={() => dispatch({ type: 'askDetach', name: f.name })} aria-label={`Remove ${f.name}`}>
                  Remove
                </button>
              </span>
            </li>
          );
        })}
        {state.uploads.map((u) => (
          <li key={`up-${u.key}`} data-testid="upload-row">
            <bdi className="attachment-name">{u.name}</bdi>
            <progress max={Math.max(1, u.size)} value={u.sent} aria-label={`Uploading ${u.name}`} />
            <span className="muted small">
              {formatBytes(u.sent)} of {formatBytes(u.size)}
            </span>
            <button type="button" onClick={() => a.cancelUpload(u.key)} aria-label={`Cancel uploading ${u.name}`}>
              Cancel
            </button>
          </li>
        ))}
      </ul>
      {state.preview?.kind === 'image' && <ImagePreviewDialog preview={state.preview} onClose={a.closePreview} />}
      {state.preview?.kind === 'pdf' && <PdfPreviewDialog preview={state.preview} onClose={a.closePreview} />}
      {state.confirmDetach !== undefined && (
        <ConfirmDialog
          title={`Remove ${state.confirmDetach}?`}
          message="The document gets a new version without this file. Older versions keep it: History can still bring it back."
          confirmLabel="Remove"
          danger
          onConfirm={() => state.confirmDetach !== undefined && a.detach(state.confirmDetach)}
          onCancel={() => dispatch({ type: 'askDetach', name: undefined })}
        />
      )}
    </section>
  );
}
