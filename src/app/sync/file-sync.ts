/**
 * Attachment sync over a team vault's server: a version's files travel as sealed pieces of
 * `SYNC_PIECE_BYTES`, each an immutable row of `docvault.pieces` keyed by a keyed hash of (file, position),
 * where a file's id is a keyed hash of its size and SHA-256 (src/main/storage/sync/seal.ts). The server
 * never sees a plain hash, so it cannot confirm that it holds a file it knows.
 *
 * Push: every file an outbox batch's versions list is pushed before those versions, piece by piece, each
 * piece read (verified) from the vault when it is sent; a file whose last piece is on the server is
 * complete there (pieces go in order, each group in its own statement) and is not sent again. Pull: a
 * file a pulled version lists and this vault lacks is fetched piece by piece, each piece's seal checked,
 * and written through the vault's ordinary upload path; its SHA-256 over all pieces must match the one
 * the version carries. Memory holds one group of pieces (`GROUP` × 256 KiB) whatever the file's size.
 */
import { createHash } from 'node:crypto';
import { ATTACHMENT_LIMITS } from '../../shared/attachments';
import { DocvaultError, isDocvaultError } from '../../shared/errors';
import type { Progress } from '../../shared/types';
import {
  SYNC_PIECE_BYTES,
  abortQuietly,
  fileId,
  openPiece,
  pieceCount,
  pieceId,
  sealPiece,
  type OutboxEntry,
  type PulledRow,
  type ReceivedFile,
  type SealedAttachment,
  type SyncFile,
  type SyncKeys,
  type Vault,
} from '../../main/storage';
import type { PgRemote } from './pg-remote';

// A device sends its stored chunks as pieces: the two sizes are one.
if (ATTACHMENT_LIMITS.chunkBytes !== SYNC_PIECE_BYTES) throw new Error('attachment chunk size and sync piece size differ');

/** Pieces per round trip (4 MiB of file): the most of a file in memory at once. */
const GROUP = 16;
/** Ids per existence query. */
const IDS_PER_QUERY = 1000;

/** The engine calls file sync needs. */
export type FileSyncVault = Pick<Vault, 'syncFileChunk' | 'recordSyncDigests' | 'syncFilesHere' | 'beginSyncFile' | 'putAttachmentChunk' | 'abortAttachment'>;
type MaybeAsync<T> = { readonly [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => R | Promise<R> : never };
/** {@link FileSyncVault}, sync or async. */
export type FileSyncStore = MaybeAsync<FileSyncVault>;

/** Where the files go and what to tell. */
export interface FileSyncContext {
  readonly store: FileSyncStore;
  readonly remote: PgRemote;
  readonly keys: SyncKeys;
  readonly vaultId: string;
  readonly onProgress?: ((p: Progress) => void) | undefined;
}

async function haveAll(cx: FileSyncContext, ids: readonly Buffer[]): Promise<Set<string>> {
  const have = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) for (const h of await cx.remote.havePieces(cx.vaultId, ids.slice(i, i + IDS_PER_QUERY))) have.add(h);
  return have;
}

/** SHA-256 of a stored file, read chunk by chunk (each verified by the vault). */
async function digest(store: FileSyncStore, f: SyncFile): Promise<string> {
  const h = createHash('sha256');
  let bytes = 0;
  for (let i = 0; i < pieceCount(f.entry.size); i++) {
    const data = await store.syncFileChunk(f, i);
    h.update(data);
    bytes += data.length;
  }
  if (bytes !== f.entry.size)
    throw new DocvaultError('Integrity', `Attachment "${f.entry.name}" of document "${f.id}" version ${f.version}: ${bytes} bytes stored where ${f.entry.size} are listed`, { id: f.id, version: f.version });
  return h.digest('hex');
}

/** Pushes the pieces of one file the server lacks, group by group. Returns whether any piece was new. */
async function pushFile(cx: FileSyncContext, f: SyncFile, id: Buffer, sent: { done: number; total: number }): Promise<boolean> {
  const n = pieceCount(f.entry.size);
  let pushed = 0;
  for (let start = 0; start < n; start += GROUP) {
    const ids: Buffer[] = [];
    for (let i = start; i < Math.min(n, start + GROUP); i++) ids.push(pieceId(cx.keys, id, i));
    const have = await cx.remote.havePieces(cx.vaultId, ids);
    const pieces: { id: Buffer; sealed: Buffer }[] = [];
    for (let k = 0; k < ids.length; k++) {
      const pid = ids[k] as Buffer;
      if (have.has(pid.toString('hex'))) continue;
      pieces.push({ id: pid, sealed: sealPiece(cx.keys, pid, await cx.store.syncFileChunk(f, start + k)) });
    }
    pushed += await cx.remote.pushPieces(cx.vaultId, pieces);
    sent.done += Math.min(f.entry.size, (start + ids.length) * SYNC_PIECE_BYTES) - Math.min(f.entry.size, start * SYNC_PIECE_BYTES);
    cx.onProgress?.({ done: sent.done, total: sent.total, phase: 'push-files' });
  }
  return pushed > 0;
}

/**
 * Pushes the files an outbox batch's versions list and the server lacks, before those versions. Returns
 * the entries with every `att` digest filled in (a file read for the first time is hashed, and its digest
 * recorded in the vault), and how many files were sent.
 */
export async function pushFiles(cx: FileSyncContext, entries: readonly OutboxEntry[]): Promise<{ entries: OutboxEntry[]; files: number }> {
  const digests = new Map<string, string>();
  for (const e of entries)
    for (const f of e.files) if (f.sha256 === null && !digests.has(f.entry.ref)) digests.set(f.entry.ref, await digest(cx.store, f));
  if (digests.size > 0) await cx.store.recordSyncDigests([...digests].map(([ref, sha256]) => ({ ref, sha256 })));
  const shaOf = (f: SyncFile): string => f.sha256 ?? (digests.get(f.entry.ref) as string);
  const out = entries.map((e): OutboxEntry => {
    if (e.payload.k !== 'v' || e.files.length === 0) return e;
    const att: SealedAttachment[] = e.files.map((f) => ({ name: f.entry.name, size: f.entry.size, type: f.entry.mediaType, sha: shaOf(f) }));
    return { ...e, payload: { ...e.payload, att } };
  });
  // One push per distinct file; a file whose last piece is there is whole on the server.
  const wanted = new Map<string, { file: SyncFile; id: Buffer; last: Buffer }>();
  for (const e of entries)
    for (const f of e.files) {
      const id = fileId(cx.keys, f.entry.size, shaOf(f));
      if (!wanted.has(id.toString('hex'))) wanted.set(id.toString('hex'), { file: f, id, last: pieceId(cx.keys, id, pieceCount(f.entry.size) - 1) });
    }
  if (wanted.size === 0) return { entries: out, files: 0 };
  const have = await haveAll(cx, [...wanted.values()].map((w) => w.last));
  const missing = [...wanted.values()].filter((w) => !have.has(w.last.toString('hex')));
  const sent = { done: 0, total: missing.reduce((n, w) => n + w.file.entry.size, 0) };
  let files = 0;
  for (const w of missing) if (await pushFile(cx, w.file, w.id, sent)) files++;
  return { entries: out, files };
}

/** Fetches one file into a new upload: its id, or why it cannot be had (missing or altered pieces). */
async function fetchFile(cx: FileSyncContext, sha: string, size: number, got: { done: number; total: number }): Promise<ReceivedFile> {
  const id = fileId(cx.keys, size, sha);
  const n = pieceCount(size);
  const { uploadId } = await cx.store.beginSyncFile(size);
  const fail = async (error: string): Promise<ReceivedFile> => {
    await abortQuietly(cx.store, uploadId);
    return { sha256: sha, size, error };
  };
  try {
    const h = createHash('sha256');
    let offset = 0;
    for (let start = 0; start < n; start += GROUP) {
      const ids: Buffer[] = [];
      for (let i = start; i < Math.min(n, start + GROUP); i++) ids.push(pieceId(cx.keys, id, i));
      const sealed = await cx.remote.pieces(cx.vaultId, ids);
      for (let k = 0; k < ids.length; k++) {
        const s = sealed.get((ids[k] as Buffer).toString('hex'));
        if (s === undefined) return await fail(`Integrity: piece ${start + k + 1} of ${n} of its file is missing on the server`);
        const data = openPiece(cx.keys, ids[k] as Buffer, s, size, start + k);
        h.update(data);
        if (data.length > 0) await cx.store.putAttachmentChunk(uploadId, offset, data);
        offset += data.length;
      }
      got.done += Math.min(size, (start + ids.length) * SYNC_PIECE_BYTES) - Math.min(size, start * SYNC_PIECE_BYTES);
      cx.onProgress?.({ done: got.done, total: got.total, phase: 'pull-files' });
    }
    if (h.digest('hex') !== sha) return await fail('Integrity: its bytes do not match the digest its version carries');
    return { sha256: sha, size, uploadId };
  } catch (err) {
    // A piece that fails its seal, or a file this vault cannot take (over its size limit): that version
    // waits; the server gone (Offline) ends the sync, and the upload goes with it.
    if (isDocvaultError(err) && (err.kind === 'Integrity' || err.kind === 'TooLarge')) return fail(`${err.kind}: ${err.message}`);
    await abortQuietly(cx.store, uploadId);
    throw err;
  }
}

/**
 * Fetches the files that pulled versions (not this device's own) list and this vault lacks, one at a
 * time. Returns them for `applyPulled`, which stores those its versions take and drops the rest.
 */
export async function fetchFiles(cx: FileSyncContext, rows: readonly PulledRow[], me: string | undefined): Promise<ReceivedFile[]> {
  const need = new Map<string, { sha256: string; size: number }>();
  for (const r of rows) {
    if ('error' in r || r.payload.k !== 'v' || r.payload.dev === me) continue;
    for (const a of r.payload.att ?? []) need.set(`${a.sha}:${a.size}`, { sha256: a.sha, size: a.size });
  }
  if (need.size === 0) return [];
  const here = new Set(await cx.store.syncFilesHere([...need.values()]));
  const missing = [...need.values()].filter((f) => !here.has(f.sha256));
  const got = { done: 0, total: missing.reduce((n, f) => n + f.size, 0) };
  const out: ReceivedFile[] = [];
  try {
    for (const f of missing) out.push(await fetchFile(cx, f.sha256, f.size, got));
  } catch (err) {
    for (const r of out) if ('uploadId' in r) await abortQuietly(cx.store, r.uploadId);
    throw err;
  }
  return out;
}
