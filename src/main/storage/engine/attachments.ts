/**
 * Attachments on documents (see ../attachments-schema.ts for the tables and src/shared/attachments.ts for
 * the model). A file arrives as an upload in pieces of exactly `chunkBytes` (the last may be shorter):
 * `begin` opens it, each `chunk` stores one piece as a chunk row in its own small write (so neither side
 * ever holds more than one piece), `commit` turns the pieces into a stored file and writes the document's
 * next version listing it, `abort` drops them. Equal chunks and equal files are stored once, whatever
 * document or version carries them.
 *
 * Uploads are rows, not memory: any call on the writer can continue one, and a crash leaves rows that the
 * next `begin` or open drops once idle past the time-out. Uploads this connection began are dropped when it
 * closes (locking the vault ends them).
 *
 * Reads verify as they go: the version's tag covers its list, the blob's address covers its chunk list
 * and size, each chunk's address its bytes. A mismatch is `Integrity` naming the document, version and
 * attachment; nothing unverified is returned.
 */
import { randomBytes } from 'node:crypto';
import {
  ATTACHMENT_LIMITS,
  DEFAULT_MEDIA_TYPE,
  validateAttachmentName,
  validateMediaType,
  type AttachmentBytes,
  type AttachmentInfo,
  type AttachmentReadOptions,
  type AttachmentStart,
  type UploadTicket,
} from '../../../shared/attachments';
import { DocvaultError } from '../../../shared/errors';
import type { Document, DocumentInput, WriteOptions } from '../../../shared/types';
import { validateId, validateVersion, validateWriteOptions } from '../../../shared/validation';
import { blobKey, chunkKey, macEqual } from '../integrity';
import { VID } from './db';
import { KEY_BYTES, putBlob, putChunk, readBlob, readChunk, releaseChunks } from './blob-store';
import { readCurrent, verifiedVersionRow } from './reads';
import { attachmentsOf, notFound } from './rows';
import type { ReadContext, WriteContext } from './statements';
import { createOne, updateOne } from './writes';

/** Default of {@link AttachmentOptions.uploadIdleMs}: an upload not continued for 15 minutes is dropped. */
export const DEFAULT_UPLOAD_IDLE_MS = 15 * 60 * 1000;

/** The attachment settings of a vault connection. */
export interface AttachmentOptions {
  /** Largest attachment, bytes. Default `ATTACHMENT_LIMITS.maxBytes` (256 MiB); tests lower it. */
  readonly maxBytes: number;
  /** An upload idle this long may be dropped by the next `begin` (or the next open). */
  readonly uploadIdleMs: number;
}

interface UploadRow {
  upload: string;
  doc_id: string;
  name: string;
  media_type: string;
  received: number;
  touched_at: number;
  chunks: Buffer;
}

/** `Integrity` for one attachment of one version. */
export function attachmentIntegrity(id: string, version: number, name: string, what: string): DocvaultError {
  return new DocvaultError('Integrity', `Attachment "${name}" of document "${id}" version ${version} failed its integrity check (${what}); it may have been altered outside docvault`, {
    id,
    version,
    name,
  });
}

/**
 * `NotFound` for a file whose version was purged while it was being read: a read's statements each see
 * their own snapshot (and a stream reads one chunk per call), so a purge can commit between two of them.
 */
function purgedWhileReading(id: string, version: number, name: string): DocvaultError {
  return new DocvaultError('NotFound', `Document "${id}" version ${version} was deleted while its attachment "${name}" was being read`, { id, version, name });
}

function noUpload(uploadId: string): DocvaultError {
  return new DocvaultError('NotFound', `No upload "${uploadId.slice(0, 64)}": it was committed, aborted, or dropped (idle too long, or the vault was locked)`, {
    uploadId: uploadId.slice(0, 64),
  });
}

function tooLarge(size: number, max: number): DocvaultError {
  return new DocvaultError('TooLarge', `Attachment of ${size} bytes or more exceeds the limit of ${max} bytes`, { limit: max });
}

/** The attachment key kept in the vault (read once per connection). */
export function readAttachmentKey(ctx: ReadContext): Buffer {
  const key = ctx.sql.get("SELECT value FROM meta WHERE key = 'attachment_key'", true).get() as Buffer | undefined;
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new DocvaultError('Integrity', 'The vault has no attachment key: its meta table was altered outside docvault');
  return Buffer.from(key);
}

/** One connection's attachments: uploads it began, and the reads and writes. */
export class AttachmentStore {
  readonly #opts: AttachmentOptions;
  #key: Buffer | undefined;
  /** Uploads begun here, dropped at close. */
  readonly #own = new Set<string>();
  /** Of those, files being received by sync (not a client's: they do not count against its limit). */
  readonly #receiving = new Set<string>();

  constructor(opts: AttachmentOptions) {
    this.#opts = opts;
  }

  /** The largest attachment this connection accepts. */
  get maxBytes(): number {
    return this.#opts.maxBytes;
  }

  #keyOf(ctx: ReadContext): Buffer {
    this.#key ??= readAttachmentKey(ctx);
    return this.#key;
  }

  // ------------------------------------------------------------------ uploads

  /** Opens an upload of a file to attach to the live document `id`. */
  begin(ctx: WriteContext, id: string, start: AttachmentStart, opts: WriteOptions | undefined): UploadTicket {
    validateId(id);
    validateWriteOptions(opts);
    if (typeof start !== 'object' || start === null) throw new DocvaultError('Invalid', 'attachment: must be an object with a name', { field: 'attachment' });
    const name = validateAttachmentName(start.name);
    const mediaType = start.mediaType === undefined ? DEFAULT_MEDIA_TYPE : validateMediaType(start.mediaType);
    if (start.size !== undefined) {
      if (!Number.isSafeInteger(start.size) || start.size < 0) throw new DocvaultError('Invalid', 'size: must be a whole number of bytes >= 0', { field: 'size' });
      if (start.size > this.#opts.maxBytes) throw tooLarge(start.size, this.#opts.maxBytes);
    }
    const head = ctx.r.getHead.get(id) as { version: number; trashed_at: number | null } | undefined;
    if (head === undefined ? start.forNewDocument !== true : head.trashed_at !== null) throw notFound(id, head !== undefined);
    if (head !== undefined && opts?.expectedVersion !== undefined && opts.expectedVersion !== head.version)
      throw new DocvaultError('Conflict', `Document "${id}" is at version ${head.version}, not ${opts.expectedVersion}`, { id, expected: opts.expectedVersion, actual: head.version });
    this.expire(ctx);
    if (this.#own.size - this.#receiving.size >= ATTACHMENT_LIMITS.openUploadsMax)
      throw new DocvaultError('Overloaded', `${ATTACHMENT_LIMITS.openUploadsMax} uploads are open already: commit or abort one first`, { limit: ATTACHMENT_LIMITS.openUploadsMax });
    const uploadId = randomBytes(18).toString('base64url');
    ctx.sql
      .get('INSERT INTO attachment_uploads (upload, doc_id, name, media_type, received, touched_at, chunks) VALUES (?, ?, ?, ?, 0, ?, ?)')
      .run(uploadId, id, name, mediaType, ctx.clock(), Buffer.alloc(0));
    this.#own.add(uploadId);
    return { uploadId, chunkBytes: ATTACHMENT_LIMITS.chunkBytes, maxBytes: this.#opts.maxBytes };
  }

  #upload(ctx: ReadContext, uploadId: unknown): UploadRow {
    if (typeof uploadId !== 'string' || uploadId.length === 0 || uploadId.length > 64) throw new DocvaultError('Invalid', 'uploadId: must be the id `begin` returned', { field: 'uploadId' });
    const row = ctx.sql.get('SELECT upload, doc_id, name, media_type, received, touched_at, chunks FROM attachment_uploads WHERE upload = ?').get(uploadId) as UploadRow | undefined;
    if (row === undefined) throw noUpload(uploadId);
    return row;
  }

  /**
   * Stores the piece of an upload that starts at `offset` (the bytes received so far: `Conflict` with
   * `details.received` otherwise, so a client can resume). Every piece but the last must be `chunkBytes`
   * long; a shorter one ends the file. Past the size limit: `TooLarge`, and the upload is dropped.
   */
  chunk(ctx: WriteContext, uploadId: string, offset: number, data: Uint8Array): { received: number } {
    const row = this.#upload(ctx, uploadId);
    if (!(data instanceof Uint8Array)) throw new DocvaultError('Invalid', 'data: must be bytes', { field: 'data' });
    if (!Number.isSafeInteger(offset) || offset < 0) throw new DocvaultError('Invalid', 'offset: must be a whole number >= 0', { field: 'offset' });
    const size = ATTACHMENT_LIMITS.chunkBytes;
    if (offset !== row.received)
      throw new DocvaultError('Conflict', `Upload "${uploadId}" has ${row.received} bytes; the next piece starts there, not at ${offset}`, { uploadId, received: row.received });
    if (row.received % size !== 0) throw new DocvaultError('Invalid', `Upload "${uploadId}" has ended (its last piece was shorter than ${size} bytes): commit it`, { uploadId });
    if (data.length === 0 || data.length > size) throw new DocvaultError('Invalid', `data: a piece is 1 to ${size} bytes (got ${data.length})`, { field: 'data' });
    if (row.received + data.length > this.#opts.maxBytes) {
      this.#drop(ctx, row);
      throw tooLarge(row.received + data.length, this.#opts.maxBytes);
    }
    // Bytes that crossed a worker arrive as a plain Uint8Array: bind them as a Buffer view (no copy).
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    const ckey = chunkKey(this.#keyOf(ctx), bytes);
    putChunk(ctx, ckey, bytes);
    const received = row.received + data.length;
    ctx.sql.get('UPDATE attachment_uploads SET received = ?, touched_at = ?, chunks = ? WHERE upload = ?').run(received, ctx.clock(), Buffer.concat([row.chunks, ckey]), row.upload);
    return { received };
  }

  /**
   * Ends an upload: stores its file (once, however many times it is attached) and writes the document's
   * next version, listing it under the upload's name (replacing an attachment of that name).
   */
  commit(ctx: WriteContext, id: string, uploadId: string, opts: WriteOptions | undefined): Document {
    validateId(id);
    validateWriteOptions(opts);
    const row = this.#upload(ctx, uploadId);
    if (row.doc_id !== id) throw new DocvaultError('Invalid', `Upload "${uploadId}" is for another document, not "${id}"`, { field: 'uploadId' });
    const bkey = blobKey(this.#keyOf(ctx), row.received, row.chunks);
    putBlob(ctx, bkey, row.received, row.chunks);
    ctx.sql.get('DELETE FROM attachment_uploads WHERE upload = ?').run(row.upload);
    const entry: AttachmentInfo = { name: row.name, size: row.received, mediaType: row.media_type, ref: bkey.toString('hex') };
    const doc = this.#current(ctx, row.doc_id);
    const list = [...(doc.attachments ?? [])];
    const at = list.findIndex((a) => a.name === entry.name);
    if (at >= 0) list[at] = entry;
    else list.push(entry);
    if (list.length > ATTACHMENT_LIMITS.perVersionMax)
      throw new DocvaultError('TooLarge', `A version carries at most ${ATTACHMENT_LIMITS.perVersionMax} attachments`, { limit: ATTACHMENT_LIMITS.perVersionMax });
    const written = updateOne(ctx, row.doc_id, {}, opts, JSON.stringify(list));
    // Only once the version is written: a commit that fails (a conflict) rolls back and leaves the upload open.
    this.#own.delete(row.upload);
    return written;
  }

  /** Turns an upload of `id` into a stored file and its list entry (the upload row goes). */
  #finish(ctx: WriteContext, id: string, uploadId: string): AttachmentInfo {
    const row = this.#upload(ctx, uploadId);
    if (row.doc_id !== id) throw new DocvaultError('Invalid', `Upload "${uploadId}" is for another document, not "${id}"`, { field: 'uploadId' });
    const bkey = blobKey(this.#keyOf(ctx), row.received, row.chunks);
    putBlob(ctx, bkey, row.received, row.chunks);
    ctx.sql.get('DELETE FROM attachment_uploads WHERE upload = ?').run(row.upload);
    return { name: row.name, size: row.received, mediaType: row.media_type, ref: bkey.toString('hex') };
  }

  /**
   * Creates `input.id`, or writes its next version, with exactly the files of `uploads` (begun for that id;
   * with `forNewDocument` when it does not exist yet) as its attachments: one version, as import replays an
   * exported one. Names must be distinct.
   */
  putWith(ctx: WriteContext, input: DocumentInput, uploads: readonly string[], opts: WriteOptions | undefined): Document {
    const id = validateId(input.id);
    if (!Array.isArray(uploads) || uploads.length > ATTACHMENT_LIMITS.perVersionMax)
      throw new DocvaultError('Invalid', `uploads: a list of at most ${ATTACHMENT_LIMITS.perVersionMax} upload ids`, { field: 'uploads' });
    const list = uploads.map((u) => this.#finish(ctx, id, u));
    if (new Set(list.map((a) => a.name)).size !== list.length) throw new DocvaultError('Invalid', 'uploads: two attachments of one version have the same name', { field: 'uploads' });
    const json = list.length === 0 ? null : JSON.stringify(list);
    const state = ctx.r.state.get(id) as number | null | undefined;
    const { id: _id, ...patch } = input;
    // expectedVersion 0 says "a new document": create, so an existing id is `AlreadyExists`.
    const doc = state === undefined || opts?.expectedVersion === 0 ? createOne(ctx, input, opts, json) : updateOne(ctx, id, patch, opts, json);
    for (const u of uploads) this.#own.delete(u);
    return doc;
  }

  /** Drops an upload and the chunks only it named. */
  abort(ctx: WriteContext, uploadId: string): void {
    this.#drop(ctx, this.#upload(ctx, uploadId));
  }

  #drop(ctx: WriteContext, row: Pick<UploadRow, 'upload' | 'chunks'>): void {
    releaseChunks(ctx, row.chunks);
    ctx.sql.get('DELETE FROM attachment_uploads WHERE upload = ?').run(row.upload);
    this.#own.delete(row.upload);
    this.#receiving.delete(row.upload);
  }

  // ------------------------------------------------------------------ files received by team sync

  /**
   * Opens an upload for a file sync receives (a version pulled from another device lists it). It belongs
   * to no document until the pulled version is applied (`takeReceived`); its pieces go through
   * {@link AttachmentStore.chunk} like any upload (sizes, offsets, the size limit), and it is dropped like
   * any upload when not taken (the sync drops it, the connection closes, or it idles out).
   */
  beginReceive(ctx: WriteContext, size: number): UploadTicket {
    if (!Number.isSafeInteger(size) || size < 0) throw new DocvaultError('Invalid', 'size: must be a whole number of bytes >= 0', { field: 'size' });
    if (size > this.#opts.maxBytes) throw tooLarge(size, this.#opts.maxBytes);
    const uploadId = randomBytes(18).toString('base64url');
    // doc_id '' names no document: commit and putWith refuse it (an id is never empty).
    ctx.sql
      .get("INSERT INTO attachment_uploads (upload, doc_id, name, media_type, received, touched_at, chunks) VALUES (?, '', '', '', 0, ?, ?)")
      .run(uploadId, ctx.clock(), Buffer.alloc(0));
    this.#own.add(uploadId);
    this.#receiving.add(uploadId);
    return { uploadId, chunkBytes: ATTACHMENT_LIMITS.chunkBytes, maxBytes: this.#opts.maxBytes };
  }

  /**
   * Turns a received file into a stored file (or finds the same one stored) and returns its address; the
   * version that lists it adds its reference. `Integrity` unless exactly `size` bytes were received.
   */
  takeReceived(ctx: WriteContext, uploadId: string, size: number): Buffer {
    const row = this.#upload(ctx, uploadId);
    if (row.doc_id !== '') throw new DocvaultError('Invalid', `Upload "${uploadId}" is not a file received by sync`, { field: 'uploadId' });
    if (row.received !== size) throw new DocvaultError('Integrity', `A received file has ${row.received} bytes where ${size} were announced`);
    const bkey = blobKey(this.#keyOf(ctx), row.received, row.chunks);
    putBlob(ctx, bkey, row.received, row.chunks);
    ctx.sql.get('DELETE FROM attachment_uploads WHERE upload = ?').run(row.upload);
    this.#own.delete(row.upload);
    this.#receiving.delete(row.upload);
    return bkey;
  }

  /** Chunk `index` of the stored file an entry of version `version` of `id` names, verified (sync reads files this way). */
  fileChunk(ctx: ReadContext, id: string, version: number, entry: AttachmentInfo, index: number): Buffer {
    const keys = this.#chunks(ctx, id, version, entry);
    if (!Number.isSafeInteger(index) || index < 0 || index >= Math.max(1, keys.length)) throw new DocvaultError('Invalid', `index: 0 to ${keys.length - 1}`, { field: 'index' });
    return keys.length === 0 ? Buffer.alloc(0) : this.#chunk(ctx, id, version, entry, keys, index);
  }

  /** Drops uploads idle past the time-out (a crashed process's, or a client that went away). Returns how many. */
  expire(ctx: WriteContext): number {
    const stale = ctx.sql.get('SELECT upload, chunks FROM attachment_uploads WHERE touched_at < ?').all(ctx.clock() - this.#opts.uploadIdleMs) as UploadRow[];
    for (const row of stale) this.#drop(ctx, row);
    return stale.length;
  }

  /** The uploads this connection began and has not ended (closing drops them). */
  get ownUploads(): readonly string[] {
    return [...this.#own];
  }

  /** Forgets an upload id (after it was dropped in a transaction of its own). */
  forget(uploadId: string): void {
    this.#own.delete(uploadId);
    this.#receiving.delete(uploadId);
  }

  // ------------------------------------------------------------------ versions

  #current(ctx: ReadContext, id: string): Document {
    return readCurrent(ctx, id);
  }

  /** Writes the next version of `id` without the attachment `name` (`NotFound` when it has none of that name). */
  detach(ctx: WriteContext, id: string, name: string, opts: WriteOptions | undefined): Document {
    validateId(id);
    validateAttachmentName(name);
    validateWriteOptions(opts);
    const doc = this.#current(ctx, id);
    const list = doc.attachments ?? [];
    if (!list.some((a) => a.name === name)) throw new DocvaultError('NotFound', `Document "${id}" has no attachment "${name}"`, { id, name });
    const rest = list.filter((a) => a.name !== name);
    return updateOne(ctx, id, {}, opts, rest.length === 0 ? null : JSON.stringify(rest));
  }

  /** The attachments of the current version of a live `id`, or of version `version`, verified. */
  list(ctx: ReadContext, id: string, version?: number): AttachmentInfo[] {
    validateId(id);
    if (version === undefined) return [...(this.#current(ctx, id).attachments ?? [])];
    validateVersion(version);
    return this.#versionList(ctx, id, version);
  }

  #versionList(ctx: ReadContext, id: string, version: number): AttachmentInfo[] {
    const state = ctx.r.state.get(id) as number | null | undefined;
    if (state !== null) throw notFound(id, state !== undefined);
    const exists = ctx.sql.get(`SELECT 1 FROM documents d JOIN versions v ON v.vid = ${VID('d.doc', '?')} WHERE d.id = ?`, true).get(version, id);
    if (exists === undefined) throw new DocvaultError('NotFound', `Document "${id}" has no version ${version}`, { id, version });
    const row = verifiedVersionRow(ctx, id, version);
    return attachmentsOf(row.attachments, id, version);
  }

  /** The verified list entry `name` of a version (`NotFound` when absent) and the version it is in. */
  #entry(ctx: ReadContext, id: string, name: string, version: number | undefined): { entry: AttachmentInfo; version: number } {
    validateId(id);
    validateAttachmentName(name);
    let list: readonly AttachmentInfo[];
    let at: number;
    if (version === undefined) {
      const doc = this.#current(ctx, id);
      list = doc.attachments ?? [];
      at = doc.version;
    } else {
      list = this.#versionList(ctx, id, validateVersion(version));
      at = version;
    }
    const entry = list.find((a) => a.name === name);
    if (entry === undefined) throw new DocvaultError('NotFound', `Document "${id}" version ${at} has no attachment "${name}"`, { id, version: at, name });
    return { entry, version: at };
  }

  /** The verified chunk list of an entry's file. */
  #chunks(ctx: ReadContext, id: string, version: number, entry: AttachmentInfo): Buffer[] {
    const bkey = Buffer.from(entry.ref, 'hex');
    const blob = readBlob(ctx, bkey);
    if (blob === undefined) throw this.#missing(ctx, id, version, entry, 'its stored file is missing');
    if (blob.size !== entry.size || blob.chunks.length % KEY_BYTES !== 0 || !macEqual(blobKey(this.#keyOf(ctx), blob.size, blob.chunks), bkey))
      throw attachmentIntegrity(id, version, entry.name, 'its stored file record does not match');
    const keys: Buffer[] = [];
    for (let i = 0; i < blob.chunks.length; i += KEY_BYTES) keys.push(blob.chunks.subarray(i, i + KEY_BYTES));
    const size = ATTACHMENT_LIMITS.chunkBytes;
    if (keys.length !== Math.ceil(blob.size / size)) throw attachmentIntegrity(id, version, entry.name, 'its stored file has the wrong number of chunks');
    return keys;
  }

  /**
   * A stored file or chunk found missing: `NotFound` when its version no longer lists it (a purge committed
   * since this read found the entry), else `Integrity` (its rows were deleted outside docvault). Only a
   * purge deletes versions, and it deletes a file only once no version lists it.
   */
  #missing(ctx: ReadContext, id: string, version: number, entry: AttachmentInfo, what: string): DocvaultError {
    const list = ctx.sql.get(`SELECT a.list FROM documents d JOIN version_attachments a ON a.vid = ${VID('d.doc', '?')} WHERE d.id = ?`, true).get(version, id) as string | undefined;
    let listed = list !== undefined;
    if (list !== undefined) {
      try {
        listed = (JSON.parse(list) as AttachmentInfo[]).some((a) => a.ref === entry.ref);
      } catch {
        // A list altered outside docvault: whatever it says, the file is not where the version put it.
      }
    }
    return listed ? attachmentIntegrity(id, version, entry.name, what) : purgedWhileReading(id, version, entry.name);
  }

  /** Chunk `i` of an entry's file, verified (its address and its length). */
  #chunk(ctx: ReadContext, id: string, version: number, entry: AttachmentInfo, keys: readonly Buffer[], i: number): Buffer {
    const ckey = keys[i] as Buffer;
    const data = readChunk(ctx, ckey);
    if (data === undefined) throw this.#missing(ctx, id, version, entry, `chunk ${i} is missing`);
    const size = ATTACHMENT_LIMITS.chunkBytes;
    const want = i < keys.length - 1 ? size : entry.size - size * (keys.length - 1);
    if (data.length !== want || !macEqual(chunkKey(this.#keyOf(ctx), data), ckey)) throw attachmentIntegrity(id, version, entry.name, `chunk ${i} does not match its address`);
    return data;
  }

  /** Up to `length` bytes (default and most `readMaxBytes`) of attachment `name` from `offset`, each chunk verified. */
  read(ctx: ReadContext, id: string, name: string, opts: AttachmentReadOptions = {}): AttachmentBytes {
    const { entry, version } = this.#entry(ctx, id, name, opts.version);
    const offset = opts.offset ?? 0;
    const length = opts.length ?? ATTACHMENT_LIMITS.readMaxBytes;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new DocvaultError('Invalid', 'offset: must be a whole number >= 0', { field: 'offset' });
    if (!Number.isSafeInteger(length) || length < 1 || length > ATTACHMENT_LIMITS.readMaxBytes)
      throw new DocvaultError('Invalid', `length: 1 to ${ATTACHMENT_LIMITS.readMaxBytes} bytes`, { field: 'length' });
    const keys = this.#chunks(ctx, id, version, entry);
    const end = Math.min(entry.size, offset + length);
    if (offset >= end) return { data: new Uint8Array(0), offset, size: entry.size, eof: true };
    const size = ATTACHMENT_LIMITS.chunkBytes;
    const out = Buffer.allocUnsafe(end - offset);
    for (let i = Math.floor(offset / size); i * size < end; i++) {
      const data = this.#chunk(ctx, id, version, entry, keys, i);
      const from = Math.max(offset, i * size);
      const to = Math.min(end, (i + 1) * size);
      data.copy(out, from - offset, from - i * size, to - i * size);
    }
    return { data: out, offset, size: entry.size, eof: end === entry.size };
  }

  /** Every chunk of attachment `name`, in order, each verified before it is yielded: one chunk in memory at a time. */
  *chunks(ctx: ReadContext, id: string, name: string, version?: number): Generator<Buffer, void, undefined> {
    const found = this.#entry(ctx, id, name, version);
    const keys = this.#chunks(ctx, id, found.version, found.entry);
    for (let i = 0; i < keys.length; i++) yield this.#chunk(ctx, id, found.version, found.entry, keys, i);
  }

  /** Checks one stored file end to end (verify): undefined when sound, else what is wrong. */
  check(ctx: ReadContext, id: string, version: number, entry: AttachmentInfo): string | undefined {
    try {
      const keys = this.#chunks(ctx, id, version, entry);
      for (let i = 0; i < keys.length; i++) this.#chunk(ctx, id, version, entry, keys, i);
      return undefined;
    } catch (err) {
      if (err instanceof DocvaultError && err.kind === 'Integrity') return err.message;
      throw err;
    }
  }

  /** Wipes the key copy (close). */
  close(): void {
    this.#key?.fill(0);
    this.#key = undefined;
  }
}
