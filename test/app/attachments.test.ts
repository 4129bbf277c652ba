/**
 * The attachments.* channels through the handler (zod schema, backend, store), with the service and the
 * Vault adapter: a chunked upload and a chunked read byte for byte, list, detach, history, typed errors,
 * and uploads that end with the lock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler, type RequestHandler } from '../../src/app/handlers';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import type { AttachmentPiece } from '../../src/shared/contract';
import { ATTACHMENT_LIMITS, attachmentChanges, type AttachmentInfo, type UploadTicket } from '../../src/shared/attachments';
import type { Document, VersionInfo } from '../../src/shared/types';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** The value of a call that must succeed. */
async function ok<T>(handle: RequestHandler, channel: string, input: unknown): Promise<T> {
  const r = await handle(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

/** The error kind of a call that must fail. */
async function kind(handle: RequestHandler, channel: string, input: unknown): Promise<string> {
  const r = await handle(channel, input);
  return r.ok ? 'resolved' : r.error.kind;
}

/** Uploads `bytes` the way a browser would: begin, base64 pieces of `chunkBytes`, commit. */
async function upload(handle: RequestHandler, id: string, name: string, bytes: Buffer, mediaType = 'application/pdf'): Promise<Document> {
  const t = await ok<UploadTicket>(handle, 'attachments.begin', { id, name, mediaType, size: bytes.length });
  for (let at = 0; at < bytes.length; at += t.chunkBytes) {
    const piece = bytes.subarray(at, at + t.chunkBytes);
    await ok(handle, 'attachments.chunk', { uploadId: t.uploadId, offset: at, data: piece.toString('base64') });
  }
  return ok<Document>(handle, 'attachments.commit', { id, uploadId: t.uploadId });
}

/** Reads a whole attachment in pieces of `length`. */
async function download(handle: RequestHandler, id: string, name: string, length: number, version?: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; ; ) {
    const p = await ok<AttachmentPiece>(handle, 'attachments.read', { id, name, offset, length, ...(version === undefined ? {} : { version }) });
    parts.push(Buffer.from(p.data, 'base64'));
    offset += Buffer.from(p.data, 'base64').length;
    if (p.eof) break;
  }
  return Buffer.concat(parts);
}

describe('attachments.* channels', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('upload, list, read, detach and history round-trip byte for byte (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory });
    const handle = createHandler(b);
    await b.create('pass phrase');
    await ok(handle, 'doc.create', { document: { id: 'a', content: 'contract' } });
    const bytes = randomBytes(2 * ATTACHMENT_LIMITS.chunkBytes + 1000);
    const doc = await upload(handle, 'a', 'signed.pdf', bytes);
    expect(doc.version).toBe(2);
    expect(doc.attachments?.map((a) => [a.name, a.size, a.mediaType])).toEqual([['signed.pdf', bytes.length, 'application/pdf']]);
    const list = await ok<AttachmentInfo[]>(handle, 'attachments.list', { id: 'a' });
    expect(list).toEqual(doc.attachments);
    expect((await download(handle, 'a', 'signed.pdf', 100_000)).equals(bytes)).toBe(true);
    // The document read back carries the list; history shows the change.
    expect((await ok<Document>(handle, 'doc.get', { id: 'a' })).attachments).toEqual(list);
    const detached = await ok<Document>(handle, 'attachments.detach', { id: 'a', name: 'signed.pdf', expectedVersion: 2 });
    expect(detached.attachments).toBeUndefined();
    const history = await ok<VersionInfo[]>(handle, 'doc.versions', { id: 'a' });
    expect(history.map((v) => v.attachments?.length ?? 0)).toEqual([0, 1, 0]);
    expect(attachmentChanges(history[0]?.attachments, history[1]?.attachments).map((c) => c.change)).toEqual(['added']);
    expect(attachmentChanges(history[1]?.attachments, history[2]?.attachments).map((c) => c.change)).toEqual(['removed']);
    // The old version still reads.
    expect((await download(handle, 'a', 'signed.pdf', ATTACHMENT_LIMITS.readMaxBytes, 2)).equals(bytes)).toBe(true);
    expect(await kind(handle, 'attachments.read', { id: 'a', name: 'signed.pdf' })).toBe('NotFound');
    expect((await ok<{ ok: boolean }>(handle, 'vault.verify', {})).ok).toBe(true);
    await b.close();
  });

  it('refuses bad input with typed errors and ends uploads with the lock', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory });
    const handle = createHandler(b);
    await b.create('pass phrase');
    await ok(handle, 'doc.create', { document: { id: 'a', content: 'x' } });
    expect(await kind(handle, 'attachments.begin', { id: 'a', name: '../etc/passwd' })).toBe('Invalid');
    expect(await kind(handle, 'attachments.begin', { id: 'a', name: 'invoice\u202Efdp.exe' })).toBe('Invalid');
    expect(await kind(handle, 'attachments.begin', { id: 'a', name: 'x.pdf', mediaType: 'not a type' })).toBe('Invalid');
    expect(await kind(handle, 'attachments.begin', { id: 'a', name: 'x.pdf', size: ATTACHMENT_LIMITS.maxBytes + 1 })).toBe('TooLarge');
    expect(await kind(handle, 'attachments.begin', { id: 'nope', name: 'x.pdf' })).toBe('NotFound');
    const ticket = await ok<UploadTicket>(handle, 'attachments.begin', { id: 'a', name: 'x.pdf' });
    expect(await kind(handle, 'attachments.chunk', { uploadId: ticket.uploadId, offset: 0, data: 'not base64!' })).toBe('Invalid');
    expect(await kind(handle, 'attachments.chunk', { uploadId: ticket.uploadId, offset: 0, data: 'A'.repeat(Math.ceil(ATTACHMENT_LIMITS.chunkBytes / 3) * 4 + 4) })).toBe('Invalid');
    expect(await kind(handle, 'attachments.chunk', { uploadId: ticket.uploadId, offset: 7, data: 'aGVsbG8=' })).toBe('Conflict');
    await ok(handle, 'attachments.chunk', { uploadId: ticket.uploadId, offset: 0, data: 'aGVsbG8=' });
    expect(await kind(handle, 'attachments.commit', { id: 'other', uploadId: ticket.uploadId })).toBe('Invalid');
    await b.lock();
    await b.unlock({ passphrase: 'pass phrase' });
    // The lock ended the upload: its id is gone and nothing of it is stored.
    expect(await kind(handle, 'attachments.commit', { id: 'a', uploadId: ticket.uploadId })).toBe('NotFound');
    expect(await kind(handle, 'attachments.abort', { uploadId: ticket.uploadId })).toBe('NotFound');
    expect((await ok<{ ok: boolean }>(handle, 'vault.verify', {})).ok).toBe(true);
    await b.close();
  });
});
