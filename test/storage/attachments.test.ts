/**
 * Attachments in the engine: byte-for-byte round trips (empty, one chunk, a chunk boundary, many chunks),
 * deduplication by row counts, versions and history, detach and restore, names and limits, closed store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { attachStream, type Vault } from '../../src/main/storage';
import { ATTACHMENT_LIMITS, attachmentChanges } from '../../src/shared/attachments';
import { makeVault } from '../helpers/tmp';
import { kindOf, kindOfSync } from '../helpers/errors';
import { withRawConnection } from '../helpers/raw-db';

const CHUNK = ATTACHMENT_LIMITS.chunkBytes;

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
beforeEach(() => {
  ({ vault, path, key, cleanup } = makeVault({ maxAttachmentBytes: 8 * CHUNK }));
  vault.create({ id: 'a', content: 'the letter' });
});
afterEach(() => cleanup());

/** Reads a whole attachment through the chunk iterator. */
function readAll(v: Vault, id: string, name: string, version?: number): Buffer {
  return Buffer.concat([...v.attachmentChunks(id, name, version)]);
}

/** Pieces of irregular sizes, so attachStream has to cut them. */
function* pieces(bytes: Buffer): Generator<Buffer> {
  let at = 0;
  let n = 1;
  while (at < bytes.length) {
    const len = Math.min(bytes.length - at, (n * 77_777) % (CHUNK + 13) || 1);
    yield bytes.subarray(at, at + len);
    at += len;
    n++;
  }
}

/** Rows of `table`, read on a second connection with the page key (the committed state). */
function rows(table: string): number {
  return withRawConnection(path, key, (db) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
}

describe('attachments: round trip', () => {
  it.each([
    ['empty', 0],
    ['one byte', 1],
    ['less than a chunk', CHUNK - 1],
    ['exactly a chunk', CHUNK],
    ['a chunk and a byte', CHUNK + 1],
    ['several chunks', 3 * CHUNK + 12_345],
  ])('%s (%i bytes) reads back byte for byte', async (_label, size) => {
    const bytes = randomBytes(size);
    const doc = await attachStream(vault, 'a', { name: 'file.bin', mediaType: 'application/octet-stream' }, pieces(bytes));
    expect(doc.version).toBe(2);
    expect(doc.content).toBe('the letter');
    expect(doc.attachments).toEqual([{ name: 'file.bin', size, mediaType: 'application/octet-stream', ref: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(readAll(vault, 'a', 'file.bin').equals(bytes)).toBe(true);
    expect(vault.attachments('a')).toEqual(doc.attachments);
    // Ranges across chunk boundaries.
    if (size > 10) {
      const from = Math.max(0, CHUNK - 5);
      const r = vault.readAttachment('a', 'file.bin', { offset: from, length: 10 });
      expect(Buffer.from(r.data).equals(bytes.subarray(from, from + 10))).toBe(true);
      expect(r.size).toBe(size);
    }
    const tail = vault.readAttachment('a', 'file.bin', { offset: size });
    expect(tail).toMatchObject({ offset: size, size, eof: true });
    expect(tail.data.length).toBe(0);
    expect(vault.verify().ok).toBe(true);
  });
});

describe('attachments: storage', () => {
  it('stores the same file once across versions and documents (row counts), and different files apart', async () => {
    vault.create({ id: 'b', content: 'another' });
    const bytes = randomBytes(2 * CHUNK + 10);
    await attachStream(vault, 'a', { name: 'scan.png' }, [bytes]);
    vault.update('a', { content: 'the letter, edited' });
    await attachStream(vault, 'a', { name: 'copy.png' }, pieces(bytes));
    await attachStream(vault, 'b', { name: 'scan.png' }, [bytes]);
    expect(rows('attachment_blobs')).toBe(1);
    expect(rows('attachment_chunks')).toBe(3);
    // Versions 2, 3 (carried over by the edit) and 4 (twice) of a, version 2 of b: five references.
    expect(withRawConnection(path, key, (db) => db.prepare('SELECT refs FROM attachment_blobs').pluck().get())).toBe(5);
    const other = Buffer.from(bytes);
    other[CHUNK + 1] = (other[CHUNK + 1] as number) ^ 1;
    await attachStream(vault, 'b', { name: 'scan.png' }, [other]);
    // A second file sharing two of three chunks: one more blob, one more chunk.
    expect(rows('attachment_blobs')).toBe(2);
    expect(rows('attachment_chunks')).toBe(4);
    expect(readAll(vault, 'b', 'scan.png').equals(other)).toBe(true);
    expect(readAll(vault, 'b', 'scan.png', 2).equals(bytes)).toBe(true);
    expect(vault.verify().ok).toBe(true);
  });

  it('carries attachments into edits, replaces by name, detaches, and restores an old version with its files', async () => {
    const one = randomBytes(1000);
    const two = randomBytes(2000);
    await attachStream(vault, 'a', { name: 'a.pdf', mediaType: 'application/pdf' }, [one]); // v2
    const v3 = vault.update('a', { title: 'edited' });
    expect(v3.attachments?.map((a) => a.name)).toEqual(['a.pdf']);
    const v4 = await attachStream(vault, 'a', { name: 'a.pdf', mediaType: 'application/pdf' }, [two]);
    expect(v4.attachments).toHaveLength(1);
    expect(attachmentChanges(v3.attachments, v4.attachments).map((c) => c.change)).toEqual(['changed']);
    const v5 = vault.detach('a', 'a.pdf');
    expect(v5.attachments).toBeUndefined();
    expect(kindOfSync(() => vault.detach('a', 'a.pdf'))).toBe('NotFound');
    const v6 = vault.restore('a', 2);
    expect(v6.attachments).toEqual(vault.attachments('a', 2));
    expect(readAll(vault, 'a', 'a.pdf').equals(one)).toBe(true);
    expect(vault.versions('a').map((v) => v.attachments?.[0]?.size ?? 0)).toEqual([0, 1000, 1000, 2000, 0, 1000]);
    expect(vault.get('a').attachments).toEqual(v6.attachments);
    expect(vault.verify().ok).toBe(true);
  });

  it('refuses bad names and media types before writing anything', () => {
    for (const name of ['', '.', '..', 'a/b', 'a\\b', 'nul\u0000', 'bell\u0007', 'c1\u0085', 'rtl\u202Etxt.exe', 'iso\u2066x', ' lead', 'trail ', 'x'.repeat(256), '\uD800'])
      expect(kindOfSync(() => vault.beginAttachment('a', { name })), JSON.stringify(name)).toBe('Invalid');
    expect(kindOfSync(() => vault.beginAttachment('a', { name: 'ok.pdf', mediaType: 'application/pdf; charset=x' }))).toBe('Invalid');
    expect(kindOfSync(() => vault.beginAttachment('a', { name: 'é'.repeat(127) + '.a' }))).toBe('Invalid');
    expect(rows('attachment_uploads')).toBe(0);
    expect(vault.beginAttachment('a', { name: 'Résumé (final) #2.pdf' }).uploadId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses a file over the limit without storing it: declared up front, or when the bytes pass it', async () => {
    const max = 8 * CHUNK;
    expect(kindOfSync(() => vault.beginAttachment('a', { name: 'big.bin', size: max + 1 }))).toBe('TooLarge');
    expect(rows('attachment_uploads')).toBe(0);
    const outcome = await kindOf(attachStream(vault, 'a', { name: 'big.bin' }, (function* () {
      for (let i = 0; i < 9; i++) yield randomBytes(CHUNK);
    })()));
    expect(outcome).toBe('TooLarge');
    expect(rows('attachment_uploads')).toBe(0);
    expect(rows('attachment_chunks')).toBe(0);
    expect(vault.get('a').version).toBe(1);
    // Exactly the limit is accepted.
    const doc = await attachStream(vault, 'a', { name: 'max.bin' }, (function* () {
      for (let i = 0; i < 8; i++) yield Buffer.alloc(CHUNK, i);
    })());
    expect(doc.attachments?.[0]?.size).toBe(max);
  });

  it('checks pieces: order, size, an ended upload, unknown ids; abort drops the chunks', () => {
    const t = vault.beginAttachment('a', { name: 'f.bin' });
    expect(kindOfSync(() => vault.putAttachmentChunk(t.uploadId, CHUNK, Buffer.alloc(CHUNK)))).toBe('Conflict');
    expect(kindOfSync(() => vault.putAttachmentChunk(t.uploadId, 0, Buffer.alloc(CHUNK + 1)))).toBe('Invalid');
    expect(kindOfSync(() => vault.putAttachmentChunk(t.uploadId, 0, Buffer.alloc(0)))).toBe('Invalid');
    vault.putAttachmentChunk(t.uploadId, 0, Buffer.alloc(CHUNK, 1));
    vault.putAttachmentChunk(t.uploadId, CHUNK, Buffer.alloc(10, 2));
    expect(kindOfSync(() => vault.putAttachmentChunk(t.uploadId, CHUNK + 10, Buffer.alloc(10)))).toBe('Invalid');
    expect(rows('attachment_chunks')).toBe(2);
    vault.abortAttachment(t.uploadId);
    expect(rows('attachment_chunks')).toBe(0);
    expect(rows('attachment_uploads')).toBe(0);
    expect(kindOfSync(() => vault.putAttachmentChunk(t.uploadId, 0, Buffer.alloc(1)))).toBe('NotFound');
    expect(kindOfSync(() => vault.commitAttachment('a', t.uploadId))).toBe('NotFound');
    expect(kindOfSync(() => vault.beginAttachment('missing', { name: 'x' }))).toBe('NotFound');
    vault.delete('a');
    expect(kindOfSync(() => vault.beginAttachment('a', { name: 'x' }))).toBe('NotFound');
  });

  it('a commit that conflicts leaves the upload open; expectedVersion is checked at begin and commit', async () => {
    expect(kindOfSync(() => vault.beginAttachment('a', { name: 'x' }, { expectedVersion: 7 }))).toBe('Conflict');
    const t = vault.beginAttachment('a', { name: 'x' }, { expectedVersion: 1 });
    vault.putAttachmentChunk(t.uploadId, 0, Buffer.from('abc'));
    vault.update('a', { content: 'changed meanwhile' });
    expect(kindOfSync(() => vault.commitAttachment('a', t.uploadId, { expectedVersion: 1 }))).toBe('Conflict');
    expect(vault.commitAttachment('a', t.uploadId, { expectedVersion: 2 }).attachments?.[0]?.size).toBe(3);
  });

  it('drops uploads idle past the time-out, and those of a connection that closes', () => {
    let now = 1_000_000;
    const v = makeVault({ now: () => now, uploadIdleMs: 60_000 });
    try {
      v.vault.create({ id: 'a', content: 'x' });
      const stale = v.vault.beginAttachment('a', { name: 'old' });
      v.vault.putAttachmentChunk(stale.uploadId, 0, Buffer.from('old bytes'));
      now += 61_000;
      v.vault.beginAttachment('a', { name: 'new' });
      expect(kindOfSync(() => v.vault.commitAttachment('a', stale.uploadId))).toBe('NotFound');
      expect(withRawConnection(v.path, v.key, (db) => db.prepare('SELECT count(*) FROM attachment_uploads').pluck().get())).toBe(1);
      v.vault.close();
      expect(withRawConnection(v.path, v.key, (db) => db.prepare('SELECT count(*) FROM attachment_uploads').pluck().get())).toBe(0);
      expect(withRawConnection(v.path, v.key, (db) => db.prepare('SELECT count(*) FROM attachment_chunks').pluck().get())).toBe(0);
    } finally {
      v.cleanup();
    }
  });

  it('throws Closed after close', async () => {
    await attachStream(vault, 'a', { name: 'f' }, [Buffer.from('x')]);
    vault.close();
    expect(kindOfSync(() => vault.attachments('a'))).toBe('Closed');
    expect(kindOfSync(() => vault.readAttachment('a', 'f'))).toBe('Closed');
    expect(kindOfSync(() => vault.beginAttachment('a', { name: 'g' }))).toBe('Closed');
    expect(kindOfSync(() => vault.detach('a', 'f'))).toBe('Closed');
    expect(kindOfSync(() => [...vault.attachmentChunks('a', 'f')])).toBe('Closed');
  });
});

describe('attachments: rekey', () => {
  it('a vault with attachments re-keys and still verifies and reads', async () => {
    const bytes = randomBytes(CHUNK + 5);
    await attachStream(vault, 'a', { name: 'f.bin' }, [bytes]);
    vault.close();
    const { Vault: V } = await import('../../src/main/storage');
    const newKey = randomBytes(32).toString('hex');
    await V.rekey(path, { key: { rawKey: key }, newKey: { rawKey: newKey } });
    const v = V.openSync(path, { key: { rawKey: newKey } });
    try {
      expect(v.verify().ok).toBe(true);
      expect(Buffer.concat([...v.attachmentChunks('a', 'f.bin')]).equals(bytes)).toBe(true);
    } finally {
      v.close();
    }
  });
});
