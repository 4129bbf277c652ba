/**
 * The stored files behind attachments (schema: ../attachments-schema.ts): chunks and blobs with their
 * reference counts. Every function runs inside the caller's transaction, so a count changes with the row
 * that names it or not at all. A row whose count reaches 0 is deleted at once (`secure_delete` zeroes
 * its pages; a purge asks for the WAL scrub), so a purge leaves no byte of a file no version names.
 */
import type { AttachmentInfo } from '../../../shared/attachments';
import { MAX_VERSION, versionKey } from '../migrations';
import type { ReadContext, WriteContext } from './statements';

/** Length of a chunk or blob address (HMAC-SHA256). */
export const KEY_BYTES = 32;

/** The addresses in a chunk list, in order. */
export function splitKeys(list: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + KEY_BYTES <= list.length; i += KEY_BYTES) out.push(Buffer.from(list.subarray(i, i + KEY_BYTES)));
  return out;
}

/** Stores a chunk (or counts one more reference to the same bytes already stored). */
export function putChunk(ctx: WriteContext, ckey: Buffer, data: Uint8Array): void {
  ctx.sql.get('INSERT INTO attachment_chunks (ckey, refs, data) VALUES (?, 1, ?) ON CONFLICT (ckey) DO UPDATE SET refs = refs + 1').run(ckey, data);
}

/** Drops one reference to each chunk of `list`; chunks no longer named are deleted. */
export function releaseChunks(ctx: WriteContext, list: Uint8Array): void {
  const dec = ctx.sql.get('UPDATE attachment_chunks SET refs = refs - 1 WHERE ckey = ? RETURNING refs', true);
  const del = ctx.sql.get('DELETE FROM attachment_chunks WHERE ckey = ?');
  for (const k of splitKeys(list)) {
    const left = dec.get(k) as number | undefined;
    if (left !== undefined && left <= 0) del.run(k);
  }
}

/**
 * Stores a file made of the chunks of an upload (whose references it takes over), or, when the same
 * file is already stored, drops the upload's chunk references. Either way the blob then exists with the
 * references it had (the version that lists it adds its own with {@link retainBlobs}).
 */
export function putBlob(ctx: WriteContext, bkey: Buffer, size: number, chunks: Uint8Array): void {
  const inserted = ctx.sql.get('INSERT INTO attachment_blobs (bkey, size, refs, chunks) VALUES (?, ?, 0, ?) ON CONFLICT (bkey) DO NOTHING RETURNING 1', true).get(bkey, size, chunks);
  if (inserted === undefined) releaseChunks(ctx, chunks);
}

/** Deletes a blob nobody names yet (an upload committed into a version that then failed is rolled back with it). */
function dropBlob(ctx: WriteContext, bkey: Buffer): void {
  const row = ctx.sql.get('DELETE FROM attachment_blobs WHERE bkey = ? RETURNING chunks').get(bkey) as { chunks: Buffer } | undefined;
  if (row !== undefined) releaseChunks(ctx, row.chunks);
}

function refsOf(listJson: string): Buffer[] {
  // The list was written by this engine, or verified (its version's tag) before it is built on.
  return (JSON.parse(listJson) as AttachmentInfo[]).map((a) => Buffer.from(a.ref, 'hex'));
}

/** One more reference to each blob a version's list names. */
export function retainBlobs(ctx: WriteContext, listJson: string): void {
  const inc = ctx.sql.get('UPDATE attachment_blobs SET refs = refs + 1 WHERE bkey = ?');
  for (const ref of refsOf(listJson)) inc.run(ref);
}

/** One reference less to each blob a version's list names; blobs no longer named are deleted with their chunks. */
export function releaseBlobs(ctx: WriteContext, listJson: string): void {
  const dec = ctx.sql.get('UPDATE attachment_blobs SET refs = refs - 1 WHERE bkey = ? RETURNING refs', true);
  for (const ref of refsOf(listJson)) {
    const left = dec.get(ref) as number | undefined;
    if (left !== undefined && left <= 0) dropBlob(ctx, ref);
  }
}

/** Before a document's versions are deleted: releases what each of its versions lists, and deletes the lists. */
export function releaseDocBlobs(ctx: WriteContext, doc: number): void {
  const lo = versionKey(doc, 1);
  const hi = versionKey(doc, MAX_VERSION);
  const rows = ctx.sql.get('SELECT list FROM version_attachments WHERE vid BETWEEN ? AND ?', true).all(lo, hi) as string[];
  if (rows.length === 0) return;
  for (const list of rows) {
    try {
      releaseBlobs(ctx, list);
    } catch {
      // A list altered outside docvault (not JSON): the purge goes on; verify() reports the counts left.
    }
  }
  ctx.sql.get('DELETE FROM version_attachments WHERE vid BETWEEN ? AND ?').run(lo, hi);
}

/** A stored file's row, or undefined. */
export function readBlob(ctx: ReadContext, bkey: Buffer): { size: number; chunks: Buffer } | undefined {
  return ctx.sql.get('SELECT size, chunks FROM attachment_blobs WHERE bkey = ?').get(bkey) as { size: number; chunks: Buffer } | undefined;
}

/** A chunk's bytes, or undefined. */
export function readChunk(ctx: ReadContext, ckey: Buffer): Buffer | undefined {
  return ctx.sql.get('SELECT data FROM attachment_chunks WHERE ckey = ?', true).get(ckey) as Buffer | undefined;
}
