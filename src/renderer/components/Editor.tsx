/**
 * View and edit one document. Saves say which version they edited (`expectedVersion`), so a save after
 * someone else's is a `Conflict`: a dialog shows both versions and the user chooses, nothing is overwritten
 * silently. Behaviour lives in ../hooks/useEditor.ts and ../model/editor.ts; this file only renders.
 */
import { useImperativeHandle, useState, type Ref } from 'react';
import type { SearchTerm } from '../../shared/search';
import type { Document } from '../../shared/types';
import { shortcutOf } from '../../shared/shortcuts';
import { useEditor } from '../hooks/useEditor';
import { chordHint } from '../shortcut-keys';
import { ConflictDialog } from './ConflictDialog';
import { DocumentFields } from './DocumentFields';
import { ErrorMessage } from './ErrorMessage';
import { HistoryDialog } from '../history/HistoryDialog';
import { MarkdownPreview } from './MarkdownPreview';
import { MarkedTextarea } from './MarkedTextarea';
import { AttachmentsPanel } from '../attachments/AttachmentsPanel';
import { fileDropHandlers } from '../attachments/drop';
import { useAttachments } from '../hooks/useAttachments';

/** What the parent can ask of the editor (keyboard shortcuts, menu commands). */
export interface EditorHandle {
  save(): void;
}

/** Props of {@link Editor}. */
export interface EditorProps {
  /** The document to edit, or null for a new one. */
  readonly id: string | null;
  readonly onSaved: (doc: Document) => void;
  /** The document was moved to the Trash. */
  readonly onDeleted: (doc: Document) => void;
  readonly onDirtyChange: (dirty: boolean) => void;
  /** Words to mark in the content (the document was opened from a search hit). */
  readonly terms?: readonly SearchTerm[] | undefined;
  readonly ref?: Ref<EditorHandle>;
}

/** The document editor. */
export function Editor({ id, onSaved, onDeleted, onDirtyChange, terms, ref }: EditorProps) {
  const { state, dispatch, dirty, save, remove, showHistory, restored, attachHooks } = useEditor(id, { onSaved, onDeleted, onDirtyChange });
  const { base, draft } = state;
  const [preview, setPreview] = useState(false);
  const attachments = useAttachments(id, attachHooks);
  const [dropping, setDropping] = useState(false);
  useImperativeHandle(ref, () => ({ save: () => void (dirty ? save() : undefined) }), [dirty, save]);

  if (state.loadError !== undefined)
    return (
      <section className="editor">
        <ErrorMessage error={state.loadError} />
      </section>
    );
  if (id !== null && base === undefined) return <section className="editor muted">Loading…</section>;

  return (
    <section
      className={dropping ? 'editor dropping' : 'editor'}
      aria-label="Document editor"
      data-testid="editor"
      {...(id !== null ? fileDropHandlers((files) => void attachments.attach(files), setDropping) : {})}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="editor-head">
          <input
            className="title-input"
            name="title"
            placeholder="Untitled"
            aria-label="Title"
            value={draft.title}
            onChange={(e) => dispatch({ type: 'edit', field: 'title', value: e.target.value })}
            autoFocus={id === null}
          />
          <div className="editor-actions">
            {dirty && <span className="dirty" data-testid="dirty">Unsaved</span>}
            <button type="submit" className="primary" disabled={!dirty || state.saving} title={`Save (${chordHint(shortcutOf('save'))})`}>
              {state.saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" aria-pressed={preview} onClick={() => setPreview((p) => !p)} title="Show the content rendered as Markdown beside the editor">
              Preview
            </button>
            {id !== null && (
              <>
                <button type="button" onClick={showHistory}>
                  History
                </button>
                <button type="button" className="danger" onClick={() => void remove()} title="Move to the Trash (with every version; Undo or the Trash brings it back)">
                  Delete
                </button>
              </>
            )}
          </div>
        </div>
        <DocumentFields draft={draft} isNew={id === null} onEdit={(field, value) => dispatch({ type: 'edit', field, value })} />
        {base !== undefined && (
          <div className="muted small" data-testid="doc-info">
            Version {base.version} · {base.size.toLocaleString()} {base.size === 1 ? 'byte' : 'bytes'} · updated {new Date(base.updatedAt).toLocaleString()}
          </div>
        )}
        {state.changedElsewhere !== undefined && (
          <div className="warn" data-testid="changed-elsewhere">
            {state.changedElsewhere === 'deleted'
              ? 'This document was moved to the Trash elsewhere. Your unsaved text is still here: copy it, or restore the document from the Trash.'
              : 'This document was changed elsewhere. Saving will ask you which version to keep.'}
          </div>
        )}
        {state.notice !== undefined && !dirty && (
          <div className="notice" role="status">
            {state.notice}
          </div>
        )}
        <ErrorMessage error={state.error} onDismiss={() => dispatch({ type: 'dismissError' })} />
        <div className={preview ? 'content-split' : 'content-single'}>
          <MarkedTextarea value={draft.content} terms={terms} onChange={(value) => dispatch({ type: 'edit', field: 'content', value })} />
          {preview && <MarkdownPreview source={draft.content} />}
        </div>
      </form>
      {id !== null ? <AttachmentsPanel a={attachments} /> : <p className="muted small">Save the document to attach files to it.</p>}

      {state.history && base !== undefined && (
        <HistoryDialog current={base} dirty={dirty} onRestored={restored} onClose={() => dispatch({ type: 'history', open: false })} />
      )}

      {state.conflict !== undefined && (
        <ConflictDialog
          baseVersion={base?.version}
          mine={draft}
          theirs={state.conflict}
          onKeepEditing={() => dispatch({ type: 'keepEditing' })}
          onTakeTheirs={() => dispatch({ type: 'takeTheirs' })}
          onSaveMine={(v) => void save(v)}
        />
      )}
    </section>
  );
}
