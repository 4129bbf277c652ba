/**
 * The editor's behaviour: loads the document, saves with `expectedVersion`, turns a `Conflict` into the
 * conflict dialog, and tells its own writes from outside ones. The state and its transitions are the pure
 * reducer in ../model/editor.ts; this hook only does the calls and feeds the results in.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { Document } from '../../shared/types';
import { toSerializedError } from '../errors';
import { decidePush, defaultDocumentId, editorReducer, initialEditorState, isDirty, parseTags, type Draft } from '../model/editor';
import { useApi, usePushEvents } from '../state';

/** What the editor's owner hears about. */
export interface EditorEvents {
  readonly onSaved: (doc: Document) => void;
  readonly onDeleted: (doc: Document) => void;
  readonly onDirtyChange: (dirty: boolean) => void;
}

/** State and actions of the editor of document `id` (null: a new document). */
export function useEditor(id: string | null, { onSaved, onDeleted, onDirtyChange }: EditorEvents) {
  const { call } = useApi();
  const [state, dispatch] = useReducer(editorReducer, initialEditorState);
  const dirty = isDirty(state, id === null);
  // Refs, not state: push events and double saves must see the latest values, not the last render's.
  const saving = useRef(false);
  const knownVersion = useRef(0);
  /** Versions this window is writing besides a save (attachment commits): their events wait like a save's. */
  const ownWrites = useRef(0);
  const deferred = useRef<{ version: number; deleted: boolean } | undefined>(undefined);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const load = useCallback(
    async (docId: string) => {
      try {
        const doc = await call('doc.get', { id: docId });
        knownVersion.current = Math.max(knownVersion.current, doc.version);
        dispatch({ type: 'loaded', doc });
      } catch (err) {
        dispatch({ type: 'loadFailed', error: toSerializedError(err) });
      }
    },
    [call],
  );

  useEffect(() => {
    if (id !== null) void load(id);
  }, [id, load]);

  /** An outside change: reload a clean draft, flag a dirty one. */
  const outside = useCallback(
    (deleted: boolean) => {
      if (id === null) return;
      if (deleted) dispatch({ type: 'changedElsewhere', change: 'deleted' });
      else if (dirtyRef.current) dispatch({ type: 'changedElsewhere', change: 'updated' });
      else void load(id);
    },
    [id, load],
  );

  usePushEvents((e) => {
    // Another process wrote to the vault: see whether this document moved on (a cheap cached read).
    if (e.event === 'docs.changed' && e.data.external === true && id !== null && !saving.current) {
      call('doc.get', { id })
        .then((doc) => {
          if (doc.version > knownVersion.current) outside(false);
        })
        .catch((err: unknown) => {
          if (toSerializedError(err).kind === 'NotFound') outside(true);
        });
      return;
    }
    if (e.event !== 'doc.changed' || id === null || e.data.id !== id) return;
    const decision = decidePush(e.data, { knownVersion: knownVersion.current, saving: saving.current || ownWrites.current > 0, dirty: dirtyRef.current });
    if (decision === 'defer') {
      const d = deferred.current;
      deferred.current = { version: Math.max(d?.version ?? 0, e.data.version ?? 0), deleted: (d?.deleted ?? false) || e.data.change === 'deleted' || e.data.change === 'purged' };
    } else if (decision === 'reload') void load(id);
    else if (decision === 'flag') outside(e.data.change === 'deleted' || e.data.change === 'purged');
  });

  /** After a save: events that arrived meanwhile are outside changes only if they are newer than what it wrote. */
  const settleDeferred = useCallback(() => {
    const d = deferred.current;
    deferred.current = undefined;
    if (d !== undefined && (d.deleted || d.version > knownVersion.current)) outside(d.deleted);
  }, [outside]);

  /** Saves the draft; resolves to the version written, or undefined when it was not (failed, a conflict, a save already on its way). */
  const save = useCallback(
    async (expectedVersion?: number): Promise<Document | undefined> => {
      // Two saves in the same tick (button + shortcut) must not both go out.
      if (saving.current) return undefined;
      const sent: Draft = state.draft;
      const fields = { title: sent.title, type: sent.type, tags: parseTags(sent.tags), content: sent.content };
      if (id !== null && state.base === undefined) return undefined;
      saving.current = true;
      dispatch({ type: 'saveStarted' });
      try {
        const doc =
          id === null
            ? await call('doc.create', { document: { id: sent.id.trim() || defaultDocumentId(sent.title), ...fields } }, 'Saving')
            : await call('doc.update', { id, patch: fields, expectedVersion: expectedVersion ?? state.base?.version ?? 0 }, 'Saving');
        knownVersion.current = Math.max(knownVersion.current, doc.version);
        dispatch({ type: 'saved', doc, sent: { ...sent, id: doc.id }, notice: `Saved version ${doc.version}` });
        onSaved(doc);
        return doc;
      } catch (err) {
        const error = toSerializedError(err);
        if (error.kind === 'Conflict' && id !== null) {
          try {
            const theirs = await call('doc.get', { id });
            knownVersion.current = Math.max(knownVersion.current, theirs.version);
            dispatch({ type: 'conflict', theirs });
          } catch (err2) {
            dispatch({ type: 'failed', error: toSerializedError(err2) });
          }
        } else dispatch({ type: 'failed', error });
        return undefined;
      } finally {
        saving.current = false;
        // An attachment commit still on its way settles them when it ends.
        if (ownWrites.current === 0) settleDeferred();
      }
    },
    [id, call, state.draft, state.base, onSaved, settleDeferred],
  );

  /** Moves the document to the Trash (its owner shows the Undo notice). */
  const remove = useCallback(async () => {
    const base = state.base;
    if (id === null || base === undefined) return;
    try {
      await call('doc.delete', { id, expectedVersion: base.version }, 'Moving to the Trash');
      onDeleted(base);
    } catch (err) {
      dispatch({ type: 'failed', error: toSerializedError(err) });
    }
  }, [id, call, state.base, onDeleted]);

  const showHistory = useCallback(() => {
    if (id !== null) dispatch({ type: 'history', open: true });
  }, [id]);

  /** The history's restore preview wrote `doc` (a copy of version `from`): it becomes the base. */
  const restored = useCallback(
    (doc: Document, from: number) => {
      knownVersion.current = Math.max(knownVersion.current, doc.version);
      // Restoring replaces the draft, unsaved changes included (the preview said so).
      dispatch({ type: 'saved', doc, sent: state.draft, notice: `Restored version ${from} as version ${doc.version}` });
      dispatch({ type: 'loaded', doc });
      onSaved(doc);
    },
    [state.draft, onSaved],
  );

  /**
   * What the attachments panel needs so attaching never races the draft: unsaved edits are saved first (a
   * failed save, or its conflict dialog, stops the attach: nothing is lost), and each version the panel
   * writes becomes the editor's base (its own event is not mistaken for someone else's change).
   */
  const latest = useRef({ dirty, save });
  latest.current = { dirty, save };
  const attachHooks = useMemo(
    () => ({
      beforeWrite: async (): Promise<boolean> => !latest.current.dirty || (await latest.current.save()) !== undefined,
      ownWrite: async (write: () => Promise<Document>): Promise<Document> => {
        ownWrites.current++;
        try {
          const doc = await write();
          knownVersion.current = Math.max(knownVersion.current, doc.version);
          dispatch({ type: 'adopted', doc });
          return doc;
        } finally {
          ownWrites.current--;
          if (ownWrites.current === 0 && !saving.current) settleDeferred();
        }
      },
    }),
    [settleDeferred],
  );

  return { state, dispatch, dirty, save, remove, showHistory, restored, attachHooks };
}
