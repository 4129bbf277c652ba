/**
 * Attachment sync, the local side (tables: ../sync/files-schema.ts): the digests of stored files, the files
 * a pulled version needs, and pulled rows held back until their files arrive. Runs inside the caller's
 * transaction; sealing and the network are elsewhere (../sync/seal.ts, src/app/sync/file-sync.ts).
 */
import { ATTACHMENT_LIMITS, validateAttachmentName, validateMediaType, type AttachmentInfo } from '../../../shared/attachments';
import { DocvaultError } from '../../../shared/errors';
import type { SealedAttachment } from '../sync/seal';
import type { ReadContext, WriteContext } from './statements';

/** A stored file an outbox version lists: what sync needs to read it, and its digest when known. */
export interface SyncFile {
  /** The document and local version whose list names it (reads are verified through that list). */
  readonly id: string;
  readonly version: number;
  readonly entry: AttachmentInfo;
  /** SHA-256 of its bytes (hex), or null until sync has read it once. */
  readonly sha256: string | null;
}

/** A file sync fetched for pulled versions: an upload holding its bytes, or why it could not be fetched. */
export type ReceivedFile =
  | { readonly sha256: string; readonly size: number; readonly uploadId: string }
  | { readonly sha256: string; readonly size: number; readonly error: string };

/** What applying pulled versions needs from the attachment store. */
export interface ReceivedFiles {
  readonly files: readonly ReceivedFile[];
  /** Stores a received upload as a file; its local address. */
  readonly take: (uploadId: string, size: number) => Buffer;
  /** Drops a received upload no version took. */
  readonly drop: (uploadId: string) => void;
}

const SHA = /^[0-9a-f]{64}$/;

/** The digest of stored file `ref` (hex), or null. */
export function digestOf(ctx: ReadContext, ref: string): string | null {
  const d = ctx.sql.get('SELECT sha256 FROM sync_files WHERE bkey = ?', true).get(Buffer.from(ref, 'hex')) as Buffer | undefined;
  return d === undefined ? null : d.toString('hex');
}

/** Records the digests of stored files (read and hashed by sync); a file no longer stored is skipped. */
export function recordDigests(ctx: WriteContext, files: readonly { readonly ref: string; readonly sha256: string }[]): void {
  const put = ctx.sql.get('INSERT INTO sync_files (bkey, sha256) SELECT bkey, ? FROM attachment_blobs WHERE bkey = ? ON CONFLICT (bkey) DO UPDATE SET sha256 = excluded.sha256');
  for (const f of files) {
    if (typeof f.ref !== 'string' || !/^[0-9a-f]{64}$/.test(f.ref) || typeof f.sha256 !== 'string' || !SHA.test(f.sha256))
      throw new DocvaultError('Invalid', 'files: { ref, sha256 } with 64 hex characters each', { field: 'files' });
    put.run(Buffer.from(f.sha256, 'hex'), Buffer.from(f.ref, 'hex'));
  }
}

/** The local address of a stored file with this digest and size, if one is here. */
export function localFile(ctx: ReadContext, sha256: string, size: number): Buffer | undefined {
  return ctx.sql
    .get('SELECT f.bkey FROM sync_files f JOIN attachment_blobs b ON b.bkey = f.bkey WHERE f.sha256 = ? AND b.size = ? LIMIT 1', true)
    .get(Buffer.from(sha256, 'hex'), size) as Buffer | undefined;
}

/** Which of `files` (by digest and size) are stored here already: those are not fetched again. */
export function filesHere(ctx: ReadContext, files: readonly { readonly sha256: string; readonly size: number }[]): string[] {
  if (!Array.isArray(files)) throw new DocvaultError('Invalid', 'files: a list of { sha256, size }', { field: 'files' });
  return files.filter((f) => typeof f.sha256 === 'string' && SHA.test(f.sha256) && Number.isSafeInteger(f.size) && localFile(ctx, f.sha256, f.size) !== undefined).map((f) => f.sha256);
}

/** The sealed form of a version's list, with the digests known (null where one is not yet). */
export function sealedList(ctx: ReadContext, id: string, version: number, list: readonly AttachmentInfo[]): { att: SealedAttachment[]; files: SyncFile[] } {
  const files = list.map((entry) => ({ id, version, entry, sha256: digestOf(ctx, entry.ref) }));
  return { att: files.map((f) => ({ name: f.entry.name, size: f.entry.size, type: f.entry.mediaType, sha: f.sha256 ?? '' })), files };
}

/**
 * The local list (as stored) for a pulled version's attachments, taking received files as needed; or the
 * reason it cannot be built yet (a file neither here nor received). Nothing is taken unless all are there.
 */
export function resolveList(ctx: WriteContext, att: readonly SealedAttachment[], received: ReceivedFiles): { list: string | null } | { held: string } {
  if (att.length > ATTACHMENT_LIMITS.perVersionMax) throw new DocvaultError('Invalid', `A version carries at most ${ATTACHMENT_LIMITS.perVersionMax} attachments`);
  const names = new Set<string>();
  for (const a of att) {
    validateAttachmentName(a.name);
    validateMediaType(a.type);
    if (names.has(a.name)) throw new DocvaultError('Invalid', `Two attachments of one version are named "${a.name}"`);
    names.add(a.name);
  }
  const fromServer = (a: SealedAttachment): ReceivedFile | undefined => received.files.find((f) => f.sha256 === a.sha && f.size === a.size);
  for (const a of att) {
    if (localFile(ctx, a.sha, a.size) !== undefined) continue;
    const r = fromServer(a);
    if (r === undefined) return { held: `attachment "${a.name}": its file has not arrived from the server` };
    if ('error' in r) return { held: `attachment "${a.name}": ${r.error}` };
    // Dropped meanwhile (idle past the upload time-out while other files were fetched): fetched again next time.
    if (ctx.sql.get('SELECT 1 FROM attachment_uploads WHERE upload = ?').get(r.uploadId) === undefined)
      return { held: `attachment "${a.name}": its file was dropped before it could be stored; it is fetched again at the next sync` };
  }
  const put = ctx.sql.get('INSERT INTO sync_files (bkey, sha256) VALUES (?, ?) ON CONFLICT (bkey) DO NOTHING');
  const list: AttachmentInfo[] = att.map((a) => {
    let bkey = localFile(ctx, a.sha, a.size);
    if (bkey === undefined) {
      const r = fromServer(a) as { uploadId: string };
      bkey = received.take(r.uploadId, a.size);
      put.run(bkey, Buffer.from(a.sha, 'hex'));
    }
    return { name: a.name, size: a.size, mediaType: a.type, ref: bkey.toString('hex') };
  });
  return { list: list.length === 0 ? null : JSON.stringify(list) };
}

/** Holds a pulled row back (again), with why. */
export function hold(ctx: WriteContext, seq: number, id: string, reason: string): void {
  ctx.sql.get('INSERT OR REPLACE INTO sync_held (seq, id, reason, at) VALUES (?, ?, ?, ?)').run(seq, id, reason, ctx.clock());
}

/** Whether an earlier row of document `id` is held back (then this one waits too, so order is kept). */
export function heldBefore(ctx: ReadContext, id: string, seq: number): boolean {
  return ctx.sql.get('SELECT 1 FROM sync_held WHERE id = ? AND seq < ? LIMIT 1').get(id, seq) !== undefined;
}

/** Removes a row from the held ones (it is being applied, or held again). */
export function unhold(ctx: WriteContext, seq: number): void {
  ctx.sql.get('DELETE FROM sync_held WHERE seq = ?').run(seq);
}

/** The held rows, oldest first: their server numbers and why. */
export function heldRows(ctx: ReadContext): { seq: number; id: string; reason: string }[] {
  return ctx.sql.get('SELECT seq, id, reason FROM sync_held ORDER BY seq').all() as { seq: number; id: string; reason: string }[];
}
