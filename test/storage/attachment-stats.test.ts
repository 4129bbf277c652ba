/**
 * stats().attachments: stored files, stored bytes after dedup and referenced bytes, kept by triggers in the
 * transaction of every write. Each step is checked against a recount from the tables (on a second
 * connection: the committed state) and against verify(), across attach, dedup of whole files and of
 * chunks, an edit that carries files, detach, an upload under way and its abort, a rolled-back
 * transaction, the Trash and purge; a counter altered outside docvault is reported by verify().
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, StorageService, Vault, attachStream } from '../../src/main/storage';
import { ATTACHMENT_TOTALS_STEP } from '../../src/main/storage/migrations';
import { ATTACHMENT_LIMITS, type AttachmentInfo, type AttachmentTotals } from '../../src/shared/attachments';
import { undoStepsAfter } from '../helpers/later-steps';
import { withRawConnection } from '../helpers/raw-db';
import { makeVault } from '../helpers/tmp';
import { useWorkerBundle } from '../service/helpers';

const worker = useWorkerBundle();

const CHUNK = ATTACHMENT_LIMITS.chunkBytes;

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
beforeEach(() => {
  ({ vault, path, key, cleanup } = makeVault({ maxAttachmentBytes: 8 * CHUNK }));
  vault.create({ id: 'a', content: 'the letter' });
  vault.create({ id: 'b', content: 'the copy' });
});
afterEach(() => cleanup());

/** The totals recounted from the tables, the slow way. */
function recount(db: Database.Database): AttachmentTotals {
  const sizes = new Map((db.prepare('SELECT hex(bkey) AS ref, size FROM attachment_blobs').all() as { ref: string; size: number }[]).map((b) => [b.ref.toLowerCase(), b.size]));
  let referencedBytes = 0;
  for (const list of db.prepare('SELECT list FROM version_attachments').pluck().all() as string[])
    for (const e of JSON.parse(list) as AttachmentInfo[]) referencedBytes += sizes.get(e.ref) ?? Number.NaN;
  return {
    files: sizes.size,
    storedBytes: db.prepare('SELECT coalesce(sum(length(data)), 0) FROM attachment_chunk_data').pluck().get() as number,
    referencedBytes,
  };
}

/** stats().attachments, after checking it against the recount and verify(). */
function totals(): AttachmentTotals {
  const t = vault.stats().attachments;
  expect(t).toEqual(withRawConnection(path, key, recount));
  expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  return t;
}

const attach = (id: string, name: string, bytes: Buffer) => attachStream(vault, id, { name }, [bytes]);

describe('stats().attachments', () => {
  it('is zero in a vault without files', () => {
    expect(totals()).toEqual({ files: 0, storedBytes: 0, referencedBytes: 0 });
  });

  it('counts a file once however many versions and documents carry it, and goes back to zero on purge', async () => {
    const pdf = randomBytes(CHUNK + 1000);
    await attach('a', 'scan.pdf', pdf);
    expect(totals()).toEqual({ files: 1, storedBytes: pdf.length, referencedBytes: pdf.length });

    // The same bytes on another document: stored once, listed twice.
    await attach('b', 'same.pdf', pdf);
    expect(totals()).toEqual({ files: 1, storedBytes: pdf.length, referencedBytes: 2 * pdf.length });

    // An edit carries the file into the new version: one more listing, nothing stored.
    vault.update('a', { content: 'the letter, edited' });
    expect(totals()).toEqual({ files: 1, storedBytes: pdf.length, referencedBytes: 3 * pdf.length });

    // Detach writes a version without it; the older versions still list it.
    vault.detach('a', 'scan.pdf');
    expect(totals()).toEqual({ files: 1, storedBytes: pdf.length, referencedBytes: 3 * pdf.length });

    // The Trash keeps the bytes; purge releases them.
    vault.delete('a');
    expect(totals()).toEqual({ files: 1, storedBytes: pdf.length, referencedBytes: 3 * pdf.length });
    vault.purge('a');
    expect(totals()).toEqual({ files: 1, storedBytes: pdf.length, referencedBytes: pdf.length });
    vault.purge('b');
    expect(totals()).toEqual({ files: 0, storedBytes: 0, referencedBytes: 0 });
  });

  it('stores a chunk two files share once', async () => {
    const shared = randomBytes(CHUNK);
    const one = Buffer.concat([shared, randomBytes(300)]);
    const two = Buffer.concat([shared, randomBytes(500)]);
    await attach('a', 'one.bin', one);
    await attach('b', 'two.bin', two);
    expect(totals()).toEqual({ files: 2, storedBytes: CHUNK + 300 + 500, referencedBytes: one.length + two.length });
  });

  it('counts an upload under way as stored, and forgets it on abort', () => {
    const t = vault.beginAttachment('a', { name: 'big.bin' });
    vault.putAttachmentChunk(t.uploadId, 0, randomBytes(CHUNK));
    expect(totals()).toEqual({ files: 0, storedBytes: CHUNK, referencedBytes: 0 });
    vault.abortAttachment(t.uploadId);
    expect(totals()).toEqual({ files: 0, storedBytes: 0, referencedBytes: 0 });
  });

  it('is rolled back with a transaction that fails', async () => {
    await attach('a', 'kept.bin', randomBytes(2000));
    const before = totals();
    const t = vault.beginAttachment('b', { name: 'lost.bin' });
    vault.putAttachmentChunk(t.uploadId, 0, randomBytes(4000));
    expect(() =>
      vault.transaction(() => {
        vault.commitAttachment('b', t.uploadId);
        vault.detach('a', 'kept.bin');
        throw new Error('the caller changed its mind');
      }),
    ).toThrow('changed its mind');
    vault.abortAttachment(t.uploadId);
    expect(totals()).toEqual(before);
  });

  it('flows through the service unchanged', async () => {
    await attach('a', 'x.bin', randomBytes(1234));
    vault.close();
    const s = await StorageService.open(path, { key: { rawKey: key }, workerPath: worker(), readers: 1 });
    try {
      expect((await s.stats()).attachments).toEqual({ files: 1, storedBytes: 1234, referencedBytes: 1234 });
    } finally {
      await s.close();
    }
    vault = Vault.openSync(path, { key: { rawKey: key } });
  });

  it('a total altered outside docvault is reported by verify()', async () => {
    await attach('a', 'x.bin', randomBytes(1234));
    withRawConnection(path, key, (db) => db.prepare("UPDATE counters SET n = n + 1 WHERE key = 'attachment_stored_bytes'").run());
    const r = vault.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('attachment_stored_bytes') }));
  });
});

describe('migration: attachment totals', () => {
  it('counts the files of a vault of the step before, then keeps them', async () => {
    const pdf = randomBytes(CHUNK + 7);
    await attach('a', 'scan.pdf', pdf);
    await attach('b', 'same.pdf', pdf);
    await attach('b', 'note.txt', Buffer.from('a small one'));
    vault.close();
    withRawConnection(path, key, (db) => undoStepsAfter(db, ATTACHMENT_TOTALS_STEP - 1));
    withRawConnection(path, key, (db) => {
      expect(db.prepare("SELECT count(*) FROM counters WHERE key LIKE 'attachment_%'").pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'attachment_%'").pluck().get()).toBe(0);
    });
    vault = Vault.openSync(path, { key: { rawKey: key } });
    withRawConnection(path, key, (db) => expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION));
    // a v2: the PDF; b v2: the PDF; b v3: the PDF and the note.
    expect(totals()).toEqual({ files: 2, storedBytes: pdf.length + 11, referencedBytes: 3 * pdf.length + 11 });
    vault.purge('a');
    expect(totals()).toEqual({ files: 2, storedBytes: pdf.length + 11, referencedBytes: 2 * pdf.length + 11 });
  });
});
