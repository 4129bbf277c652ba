/**
 * Attaching from a stream: reads any iterable of byte pieces (a file stream, a network body, an array),
 * cuts it into the upload's fixed pieces and sends them one by one, so memory holds one piece whatever the
 * file's size. Works over the synchronous {@link Vault} and the asynchronous service alike (both have the
 * four upload calls); on any failure the upload is aborted, so no chunk is left behind.
 */
import type { AttachmentStart, UploadTicket } from '../../shared/attachments';
import type { Document, WriteOptions } from '../../shared/types';

type MaybePromise<T> = T | Promise<T>;

/** The upload calls of a Vault or a StorageService. */
export interface AttachmentUploader {
  beginAttachment(id: string, start: AttachmentStart, opts?: WriteOptions): MaybePromise<UploadTicket>;
  putAttachmentChunk(uploadId: string, offset: number, data: Uint8Array): MaybePromise<{ received: number }>;
  commitAttachment(id: string, uploadId: string, opts?: WriteOptions): MaybePromise<Document>;
  abortAttachment(uploadId: string): MaybePromise<void>;
}

/** A source of bytes: a Node stream, an async generator, or an array of pieces. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Attaches the bytes of `source` to document `id` as `start.name` (a new version; an attachment of that
 * name is replaced). `opts.expectedVersion` is checked when the upload begins and again when it commits.
 */
export async function attachStream(target: AttachmentUploader, id: string, start: AttachmentStart, source: ByteSource, opts?: WriteOptions): Promise<Document> {
  const ticket = await target.beginAttachment(id, start, opts === undefined ? undefined : { ...(opts.expectedVersion === undefined ? {} : { expectedVersion: opts.expectedVersion }) });
  const size = ticket.chunkBytes;
  try {
    const buf = Buffer.allocUnsafe(size);
    let filled = 0;
    let sent = 0;
    for await (const piece of source as AsyncIterable<Uint8Array>) {
      let at = 0;
      while (at < piece.length) {
        const n = Math.min(size - filled, piece.length - at);
        buf.set(piece.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === size) {
          await target.putAttachmentChunk(ticket.uploadId, sent, buf);
          sent += size;
          filled = 0;
        }
      }
    }
    if (filled > 0) await target.putAttachmentChunk(ticket.uploadId, sent, buf.subarray(0, filled));
    return await target.commitAttachment(id, ticket.uploadId, opts);
  } catch (err) {
    try {
      await target.abortAttachment(ticket.uploadId);
    } catch {
      // Already gone (dropped as too large, or the store closed): nothing is left to abort.
    }
    throw err;
  }
}
