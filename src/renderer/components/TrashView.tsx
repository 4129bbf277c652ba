/**
 * The Trash: documents deleted with every version, newest first. Restore brings one back as it was;
 * Delete forever (and Empty Trash) erase for good, so they ask first and say it cannot be undone.
 */
import { SafeText } from './SafeText';
import { useState } from 'react';
import type { Document, TrashedSummary } from '../../shared/types';
import { useTrash } from '../hooks/useTrash';
import { plural } from '../model/vault-screen';
import { ConfirmDialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';

type Confirm = { kind: 'one'; doc: TrashedSummary } | { kind: 'all' } | undefined;

/** The Trash view, in the editor pane. */
export function TrashView({ onRestored }: { onRestored: (doc: Document) => void }) {
  const t = useTrash(onRestored);
  const [confirm, setConfirm] = useState<Confirm>(undefined);
  return (
    <section className="editor trash" aria-label="Trash" data-testid="trash">
      <div className="editor-head">
        <h2 className="trash-title">Trash</h2>
        <span className="muted small" data-testid="trash-count">
          {plural(t.total, 'document')}
        </span>
        <span className="spacer" />
        <button type="button" className="danger" disabled={t.total === 0} onClick={() => setConfirm({ kind: 'all' })}>
          Empty Trash
        </button>
      </div>
      <p className="muted small">Deleted documents stay here, with all their versions, until you delete them forever.</p>
      <ErrorMessage error={t.error} onDismiss={t.dismissError} />
      {!t.loading && t.total === 0 && t.error === undefined && <p className="empty muted">The Trash is empty.</p>}
      <ul className="trash-list">
        {t.items.map((d) => (
          <li key={d.id} data-testid="trash-row" data-id={d.id}>
            <div className="trash-doc">
              <div className="row-title">{d.title !== '' ? <SafeText text={d.title} /> : <SafeText className="muted" text={d.id} />}</div>
              <div className="muted small">
                <SafeText text={d.id} /> · {plural(d.version, 'version')} · deleted {new Date(d.trashedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
              </div>
            </div>
            <div className="trash-actions">
              <button type="button" onClick={() => void t.restore(d.id)}>
                Restore
              </button>
              <button type="button" className="danger" onClick={() => setConfirm({ kind: 'one', doc: d })}>
                Delete forever
              </button>
            </div>
          </li>
        ))}
      </ul>
      {t.hasMore && (
        <button type="button" onClick={() => void t.more()}>
          Show more
        </button>
      )}
      {confirm !== undefined && (
        <ConfirmDialog
          title={confirm.kind === 'all' ? 'Empty the Trash?' : 'Delete forever?'}
          message={
            confirm.kind === 'all'
              ? `${plural(t.total, 'document')} and every version of them will be erased. This cannot be undone.`
              : `"\u2068${confirm.doc.title || confirm.doc.id}\u2069" and ${confirm.doc.version === 1 ? 'its only version' : `all ${confirm.doc.version} of its versions`} will be erased. This cannot be undone.`
          }
          confirmLabel={confirm.kind === 'all' ? 'Empty Trash' : 'Delete forever'}
          danger
          onConfirm={() => {
            const c = confirm;
            setConfirm(undefined);
            void (c.kind === 'all' ? t.empty() : t.purge(c.doc.id));
          }}
          onCancel={() => setConfirm(undefined)}
        />
      )}
    </section>
  );
}
