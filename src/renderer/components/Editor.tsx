/**
 * View and edit one document. Saves say which version they edited (`expectedVersion`), so a save after
 * someone else's is a `Conflict`: a dialog shows both versions and the user chooses, nothing is overwritten silently.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { Document, VersionInfo } from '../../shared/types';
import type { SerializedError } from '../../shared/errors';
import { CallError } from '../errors';
import { useApi, usePushEvents } from '../state';
import { ConfirmDialog, Dialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';

interface Draft {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly tags: string;
  readonly content: string;
}

const BLANK: Draft = { id: '', title: '', type: '', tags: '', content: '' };

function draftOf(d: Document): Draft {
  return { id: d.id, title: d.title, type: d.type, tags: d.tags.join(', '), content: d.content };
}

/** "a, b ,, a" → ["a", "b"] */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
}

function sameDraft(a: Draft, b: Draft): boolean {
  return a.id === b.id && a.title === b.title && a.type === b.type && parseTags(a.tags).join('\n') === parseTags(b.tags).join('\n') && a.content === b.content;
}

function asError(err: unknown): SerializedError {
  return err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) };
}

/** A suggested id for a new document: readable and unique enough to edit. */
function newId(): string {
  const d = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `doc-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** What the parent can ask of the editor (keyboard shortcuts). */
export interface EditorHandle {
  save(): void;
}

/** Props of {@link Editor}. */
export interface EditorProps {
  /** The document to edit, or null for a new one. */
  readonly id: string | null;
  readonly onSaved: (doc: Document) => void;
  readonly onDeleted: (id: string) => void;
  readonly onDirtyChange: (dirty: boolean) => void;
  readonly ref?: Ref<EditorHandle>;
}

/** The document editor. */
export function Editor({ id, onSaved, onDeleted, onDirtyChange, ref }: EditorProps) {
  const { call } = useApi();
  const [base, setBase] = useState<Document | undefined>(undefined);
  const [draft, setDraft] = useState<Draft>(id === null ? { ...BLANK, id: newId() } : BLANK);
  const [loadError, setLoadError] = useState<SerializedError | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const savingRef = useRef(false);
  const [conflict, setConflict] = useState<Document | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [changedElsewhere, setChangedElsewhere] = useState(false);
  const [history, setHistory] = useState<VersionInfo[] | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const dirty = id === null ? draft.title !== '' || draft.content !== '' || draft.type !== '' || draft.tags !== '' : base !== undefined && !sameDraft(draft, draftOf(base));

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const load = useCallback(
    async (docId: string) => {
      try {
        const doc = await call('doc.get', { id: docId });
        setBase(doc);
        setDraft(draftOf(doc));
        setLoadError(undefined);
        setChangedElsewhere(false);
        setHistory(undefined);
      } catch (err) {
        setLoadError(asError(err));
      }
    },
    [call],
  );

  useEffect(() => {
    setError(undefined);
    setNotice(undefined);
    if (id !== null) void load(id);
  }, [id, load]);

  usePushEvents((e) => {
    if (e.event !== 'doc.changed' || id === null || e.data.id !== id || base === undefined) return;
    if (e.data.version !== null && e.data.version <= base.version) return;
    if (e.data.change === 'deleted') setChangedElsewhere(true);
    else if (!dirty) void load(id);
    else setChangedElsewhere(true);
  });

  const fields = { title: draft.title, type: draft.type, tags: parseTags(draft.tags), content: draft.content };

  const save = useCallback(
    async (expectedVersion?: number) => {
      // A ref, not state: two saves in the same tick (button + shortcut) must not both go out.
      if (savingRef.current) return;
      savingRef.current = true;
      setSaving(true);
      setError(undefined);
      try {
        let doc: Document;
        if (id === null) doc = await call('doc.create', { document: { id: draft.id.trim(), ...fields } }, 'Saving');
        else {
          if (base === undefined) return;
          doc = await call('doc.update', { id, patch: fields, expectedVersion: expectedVersion ?? base.version }, 'Saving');
        }
        setBase(doc);
        setDraft(draftOf(doc));
        setConflict(undefined);
        setChangedElsewhere(false);
        setHistory(undefined);
        setNotice(`Saved version ${doc.version}`);
        onSaved(doc);
      } catch (err) {
        const e = asError(err);
        if (e.kind === 'Conflict' && id !== null) {
          try {
            setConflict(await call('doc.get', { id }));
          } catch (err2) {
            setError(asError(err2));
          }
        } else setError(e);
      } finally {
        savingRef.current = false;
        setSaving(false);
      }
    },
    [id, call, draft, base, onSaved],
  );

  useImperativeHandle(ref, () => ({ save: () => void (dirty ? save() : undefined) }), [dirty, save]);

  const remove = async (): Promise<void> => {
    setConfirmDelete(false);
    if (id === null || base === undefined) return;
    try {
      await call('doc.delete', { id, expectedVersion: base.version }, 'Deleting');
      onDeleted(id);
    } catch (err) {
      setError(asError(err));
    }
  };

  const showHistory = async (): Promise<void> => {
    if (id === null) return;
    try {
      setHistory(await call('doc.versions', { id }));
    } catch (err) {
      setError(asError(err));
    }
  };

  const restore = async (version: number): Promise<void> => {
    if (id === null || base === undefined) return;
    try {
      const doc = await call('doc.restore', { id, version, expectedVersion: base.version }, 'Restoring');
      setBase(doc);
      setDraft(draftOf(doc));
      setHistory(undefined);
      setNotice(`Restored version ${version} as version ${doc.version}`);
      onSaved(doc);
    } catch (err) {
      setError(asError(err));
    }
  };

  if (loadError !== undefined)
    return (
      <section className="editor">
        <ErrorMessage error={loadError} />
      </section>
    );
  if (id !== null && base === undefined) return <section className="editor muted">Loading…</section>;

  return (
    <section className="editor" aria-label="Document editor" data-testid="editor">
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
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
            autoFocus={id === null}
          />
          <div className="editor-actions">
            {dirty && <span className="dirty" data-testid="dirty">Unsaved</span>}
            <button type="submit" className="primary" disabled={!dirty || saving} title="Save (Ctrl+S)">
              {saving ? 'Saving…' : 'Save'}
            </button>
            {id !== null && (
              <>
                <button type="button" onClick={() => void showHistory()}>
                  History
                </button>
                <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
                  Delete
                </button>
              </>
            )}
          </div>
        </div>
        <div className="fields">
          <label>
            Id
            <input name="id" value={draft.id} readOnly={id !== null} onChange={(e) => setDraft({ ...draft, id: e.target.value })} />
          </label>
          <label>
            Type
            <input name="type" value={draft.type} placeholder="note, invoice, contract…" onChange={(e) => setDraft({ ...draft, type: e.target.value })} />
          </label>
          <label className="grow">
            Tags
            <input name="tags" value={draft.tags} placeholder="comma, separated" onChange={(e) => setDraft({ ...draft, tags: e.target.value })} />
          </label>
        </div>
        {base !== undefined && (
          <div className="muted small" data-testid="doc-info">
            Version {base.version} · {base.size.toLocaleString()} bytes · updated {new Date(base.updatedAt).toLocaleString()}
          </div>
        )}
        {changedElsewhere && <div className="warn">This document was changed elsewhere. Saving will ask you which version to keep.</div>}
        {notice !== undefined && !dirty && (
          <div className="notice" role="status">
            {notice}
          </div>
        )}
        <ErrorMessage error={error} onDismiss={() => setError(undefined)} />
        <textarea name="content" aria-label="Content" value={draft.content} onChange={(e) => setDraft({ ...draft, content: e.target.value })} spellCheck />
      </form>

      {history !== undefined && (
        <Dialog title="History" onCancel={() => setHistory(undefined)} actions={<button onClick={() => setHistory(undefined)}>Close</button>} testId="history-dialog">
          <ol className="history">
            {[...history].reverse().map((v) => (
              <li key={v.version}>
                <span>
                  v{v.version} · {new Date(v.createdAt).toLocaleString()} · {v.title || '(untitled)'} · {v.size} bytes
                  {v.comment !== null && <em> — {v.comment}</em>}
                </span>
                {base !== undefined && v.version !== base.version && (
                  <button type="button" onClick={() => void restore(v.version)}>
                    Restore
                  </button>
                )}
              </li>
            ))}
          </ol>
        </Dialog>
      )}

      {confirmDelete && base !== undefined && (
        <ConfirmDialog
          title="Delete document?"
          message={`"${base.title || base.id}" and all ${base.version} of its versions will be deleted for good.`}
          confirmLabel="Delete"
          danger
          onConfirm={() => void remove()}
          onCancel={() => setConfirmDelete(false)}
        />
      )}

      {conflict !== undefined && (
        <Dialog
          title="This document was changed elsewhere"
          wide
          testId="conflict-dialog"
          onCancel={() => setConflict(undefined)}
          actions={
            <>
              <button type="button" onClick={() => setConflict(undefined)} data-autofocus>
                Keep editing
              </button>
              <button
                type="button"
                onClick={() => {
                  setBase(conflict);
                  setDraft(draftOf(conflict));
                  setConflict(undefined);
                  setChangedElsewhere(false);
                }}
              >
                Use saved version (discard mine)
              </button>
              <button type="button" className="primary" onClick={() => void save(conflict.version)}>
                Save mine as version {conflict.version + 1}
              </button>
            </>
          }
        >
          <p>
            You edited version {base?.version}; version {conflict.version} was saved since. Compare and choose. Every version stays in the history either way.
          </p>
          <div className="compare">
            <div>
              <h3>Yours (not saved)</h3>
              <div className="small muted">
                {draft.title} · {draft.type} · {parseTags(draft.tags).join(', ')}
              </div>
              <pre data-testid="conflict-mine">{draft.content}</pre>
            </div>
            <div>
              <h3>Saved (version {conflict.version})</h3>
              <div className="small muted">
                {conflict.title} · {conflict.type} · {conflict.tags.join(', ')}
              </div>
              <pre data-testid="conflict-theirs">{conflict.content}</pre>
            </div>
          </div>
        </Dialog>
      )}
    </section>
  );
}
