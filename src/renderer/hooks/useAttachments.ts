/**
 * The attachments of one document: the reducer of ../model/attachments.ts plus the chunked calls of the
 * contract (`attachments.begin` / `chunk` / `commit`, `read`, `detach`), so a big file moves in pieces with
 * its progress shown and never sits whole in one message.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { ATTACHMENT_LIMITS, mediaTypeOf, type AttachmentInfo } from '../../shared/attachments';
import { fromBase64, saveBlob, toBase64 } from '../attachments/bytes';
import type { SerializedError } from '../../shared/errors';
import type { Document } from '../../shared/types';
import { CallError, toSerializedError } from '../errors';
import { attachmentNameOf, attachmentsReducer, initialAttachments, previewKind } from '../model/attachments';
import { useApi, usePushEvents } from '../state';

/** How the panel's writes fit the editor's (see useEditor's `attachHooks`). Without them it writes on its own. */
export interface AttachmentWriteHooks {
  /** Before an attach or a removal: saves unsaved edits; false stops it (the save failed or hit a conflict). */
  readonly beforeWrite: () => Promise<boolean>;
  /** Runs a call that writes a version of the document, so the editor takes that version as its own. */
  readonly ownWrite: (write: () => Promise<Document>) => Promise<Document>;
}

const ON_ITS_OWN: AttachmentWriteHooks = { beforeWrite: () => Promise.resolve(true), ownWrite: (write) => write() };

/** Why nothing was attached or removed when the unsaved edits could not be saved first. */
const NOT_SAVED: SerializedError = {
  kind: 'Aborted',
  message: 'Nothing was attached or removed: your unsaved changes could not be saved first (the editor says why). Your text is still there; save it, then try again.',
};

/** State and actions of a document's attachments panel; a new document (`id` null) has none yet. */
export function useAttachments(id: string | null, hooks: AttachmentWriteHooks = ON_ITS_OWN) {
  const { call } = useApi();
  // The latest hooks, read when a write starts (they close over the editor's latest draft).
  const writeHooks = useRef(hooks);
  writeHooks.current = hooks;
  const [state, dispatch] = useReducer(attachmentsReducer, initialAttachments);
  const nextKey = useRef(0);
  /** Uploads under way, by key: Cancel aborts one between two pieces. */
  const stops = useRef(new Map<number, AbortController>());
  const previewUrl = useRef<string | undefined>(undefined);

  const reload = useCallback(() => {
    if (id === null) return;
    call('attachments.list', { id })
      .then((list) => dispatch({ type: 'loaded', list }))
      .catch((err: unknown) => dispatch({ type: 'error', error: toSerializedError(err) }));
  }, [call, id]);
  useEffect(reload, [reload]);
  usePushEvents((e) => {
    if (e.event === 'doc.changed' && e.data.id === id && e.data.change !== 'deleted' && e.data.change !== 'purged') reload();
  });
  // A preview's bytes are released with the panel.
  useEffect(() => () => void (previewUrl.current !== undefined && URL.revokeObjectURL(previewUrl.current)), []);

  /** Uploads the files one after the other (each commit is a new version of the document). */
  const attach = useCallback(
    async (files: readonly File[]) => {
      if (id === null || files.length === 0) return;
      // Unsaved edits go first, as their own version: the files then attach on top of them.
      if (!(await writeHooks.current.beforeWrite())) {
        dispatch({ type: 'error', error: NOT_SAVED });
        return;
      }
      for (const file of files) {
        const key = ++nextKey.current;
        const name = attachmentNameOf(file.name);
        const stop = new AbortController();
        stops.current.set(key, stop);
        dispatch({ type: 'uploadStarted', key, name, size: file.size });
        let uploadId: string | undefined;
        try {
          const mediaType = file.type !== '' && /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(file.type) ? file.type : mediaTypeOf(name);
          const ticket = await call('attachments.begin', { id, name, mediaType, size: file.size });
          uploadId = ticket.uploadId;
          for (let offset = 0; offset < file.size; offset += ticket.chunkBytes) {
            if (stop.signal.aborted) break;
            const piece = new Uint8Array(await file.slice(offset, offset + ticket.chunkBytes).arrayBuffer());
            await call('attachments.chunk', { uploadId, offset, data: toBase64(piece) });
            dispatch({ type: 'uploadProgress', key, sent: offset + piece.length });
          }
          // Cancelled: the pieces sent are dropped by `abort` below; no version is written.
          if (!stop.signal.aborted) {
            const committing = uploadId;
            await writeHooks.current.ownWrite(() => call('attachments.commit', { id, uploadId: committing }, `Attaching ${name}`));
            uploadId = undefined;
          }
        } catch (err) {
          dispatch({ type: 'error', error: toSerializedError(err) });
        } finally {
          if (uploadId !== undefined) await call('attachments.abort', { uploadId }).catch(() => undefined);
          stops.current.delete(key);
          dispatch({ type: 'uploadEnded', key });
        }
      }
      reload();
    },
    [call, id, reload],
  );

  /** Stops the upload `key` before its next piece; nothing of it is kept. */
  const cancelUpload = useCallback((key: number) => stops.current.get(key)?.abort(), []);

  /** The whole file, read in pieces into a Blob of its media type. */
  const readBlob = useCallback(
    async (a: AttachmentInfo): Promise<Blob> => {
      if (id === null) return new Blob([]);
      const parts: Uint8Array<ArrayBuffer>[] = [];
      for (let offset = 0; ; ) {
        const piece = await call('attachments.read', { id, name: a.name, offset, length: ATTACHMENT_LIMITS.readMaxBytes });
        const bytes = fromBase64(piece.data);
        parts.push(bytes);
        offset += bytes.length;
        if (piece.eof || bytes.length === 0) break;
      }
      return new Blob(parts, { type: a.mediaType });
    },
    [call, id],
  );

  /** Runs `fn` for attachment `name` with it marked busy, turning a failure into the panel's error. */
  const busy = useCallback(async (name: string, fn: () => Promise<void>) => {
    dispatch({ type: 'busy', name, on: true });
    try {
      await fn();
    } catch (err) {
      dispatch({ type: 'error', error: toSerializedError(err) });
    } finally {
      dispatch({ type: 'busy', name, on: false });
    }
  }, []);

  const save = useCallback((a: AttachmentInfo) => busy(a.name, async () => saveBlob(await readBlob(a), a.name)), [busy, readBlob]);

  const preview = useCallback(
    (a: AttachmentInfo) =>
      busy(a.name, async () => {
        const data = await readBlob(a);
        if (previewUrl.current !== undefined) URL.revokeObjectURL(previewUrl.current);
        previewUrl.current = undefined;
        // A PDF's bytes go to PDF.js as they are (the CSP's connect-src has no blob:, and needs none).
        if (previewKind(a) === 'pdf') return dispatch({ type: 'preview', preview: { kind: 'pdf', name: a.name, data } });
        const url = URL.createObjectURL(data);
        previewUrl.current = url;
        dispatch({ type: 'preview', preview: { kind: 'image', name: a.name, url } });
      }),
    [busy, readBlob],
  );

  const closePreview = useCallback(() => {
    if (previewUrl.current !== undefined) URL.revokeObjectURL(previewUrl.current);
    previewUrl.current = undefined;
    dispatch({ type: 'preview', preview: undefined });
  }, []);

  const detach = useCallback(
    (name: string) => {
      dispatch({ type: 'askDetach', name: undefined });
      if (id === null) return;
      void busy(name, async () => {
        if (!(await writeHooks.current.beforeWrite())) throw new CallError(NOT_SAVED);
        await writeHooks.current.ownWrite(() => call('attachments.detach', { id, name }, `Removing ${name}`));
        reload();
      });
    },
    [busy, call, id, reload],
  );

  return { state, dispatch, attach, cancelUpload, save, preview, closePreview, detach };
}

/** What {@link useAttachments} returns. */
export type AttachmentsController = ReturnType<typeof useAttachments>;
