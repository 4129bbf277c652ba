/**
 * Attachments and integrity: verify reads every stored file; a chunk, a file record, a list or a count
 * altered outside docvault is reported (naming the attachment) and reads refuse it with `Integrity`; a
 * purge removes every row only it named and its bytes leave the file and the WAL (a plain vault, so the
 * bytes can be searched for).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Vault, attachStream } from '../../src/main/storage';
import { ATTACHMENT_LIMITS } from '../../src/shared/attachments';
import { isDocvaultError } from '../../src/shared/errors';
import { makeVault, tempDir } from '../helpers/tmp';
import { kindOfSync } from '../helpers/errors';
import { withRawConnection } from '../helpers/raw-db';

const CHUNK = ATTACHMENT_LIMITS.chunkBytes;

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
let bytes: Buffer;
beforeEach(async () => {
  ({ vault, path, key, cleanup } = makeVault());
  vault.create({ id: 'a', content: 'passport' });
  bytes = randomBytes(2 * CHUNK + 100);
  await attachStream(vault, 'a', { name: 'scan.jpg', mediaType: 'image/jpeg' }, [bytes]);
});
afterEach(() => cleanup());

function raw<T>(fn: (db: Database.Database) => T): T {
  return withRawConnection(path, key, fn);
}

/** Reopens the vault (drops its cache and the attachment key copy) after a raw change. */
function reopen(): void {
  vault.close();
  vault = Vault.openSync(path, { key: { rawKey: key } });
}

function integrityOf(fn: () => unknown): { kind: string; name?: unknown } {
  try {
    fn();
    return { kind: 'resolved' };
  } catch (err) {
    return isDocvaultError(err) ? { kind: err.kind, name: err.details?.['name'] } : { kind: 'not-docvault' };
  }
}

describe('attachments: tampering', () => {
  it('a clean vault verifies', () => {
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a flipped byte in a chunk: verify names the attachment, reads refuse it, other ranges still read', () => {
    vault.close();
    raw((db) => {
      const c = db.prepare('SELECT ckey, data FROM attachment_chunk_data').all() as { ckey: Buffer; data: Buffer }[];
      const target = c.find((r) => r.data.equals(bytes.subarray(CHUNK, 2 * CHUNK)));
      if (target === undefined) throw new Error('chunk 1 not found');
      target.data[7] = (target.data[7] as number) ^ 0x40;
      db.prepare('UPDATE attachment_chunk_data SET data = ? WHERE ckey = ?').run(target.data, target.ckey);
    });
    reopen();
    const report = vault.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'Checksum', id: 'a', version: 2, message: expect.stringContaining('"scan.jpg"') as unknown }));
    expect(integrityOf(() => [...vault.attachmentChunks('a', 'scan.jpg')])).toEqual({ kind: 'Integrity', name: 'scan.jpg' });
    expect(integrityOf(() => vault.readAttachment('a', 'scan.jpg', { offset: CHUNK, length: 10 }))).toEqual({ kind: 'Integrity', name: 'scan.jpg' });
    // Chunk 0 is sound and still reads.
    expect(Buffer.from(vault.readAttachment('a', 'scan.jpg', { length: 10 }).data).equals(bytes.subarray(0, 10))).toBe(true);
  });

  it('chunks swapped in a file record, or a chunk deleted, are refused', () => {
    vault.close();
    raw((db) => {
      const b = db.prepare('SELECT bkey, chunks FROM attachment_blobs').get() as { bkey: Buffer; chunks: Buffer };
      const swapped = Buffer.concat([b.chunks.subarray(32, 64), b.chunks.subarray(0, 32), b.chunks.subarray(64)]);
      db.prepare('UPDATE attachment_blobs SET chunks = ? WHERE bkey = ?').run(swapped, b.bkey);
    });
    reopen();
    expect(integrityOf(() => vault.readAttachment('a', 'scan.jpg'))).toEqual({ kind: 'Integrity', name: 'scan.jpg' });
    expect(vault.verify().problems.some((p) => p.kind === 'Checksum' && p.id === 'a')).toBe(true);
  });

  it('a missing chunk is refused', () => {
    vault.close();
    raw((db) => db.prepare('DELETE FROM attachment_chunk_data WHERE rowid = (SELECT min(rowid) FROM attachment_chunk_data)').run());
    reopen();
    expect(integrityOf(() => [...vault.attachmentChunks('a', 'scan.jpg')])).toEqual({ kind: 'Integrity', name: 'scan.jpg' });
    expect(vault.verify().ok).toBe(false);
  });

  it("an edited attachment list fails its version's tag: reads of it refuse, verify reports it", () => {
    vault.close();
    raw((db) => db.prepare("UPDATE version_attachments SET list = replace(list, 'scan.jpg', 'other.jpg')").run());
    reopen();
    expect(kindOfSync(() => vault.attachments('a'))).toBe('Integrity');
    expect(kindOfSync(() => vault.get('a'))).toBe('Integrity');
    expect(kindOfSync(() => vault.readAttachment('a', 'other.jpg'))).toBe('Integrity');
    const report = vault.verify();
    expect(report.problems.some((p) => p.id === 'a' && p.version === 2 && (p.kind === 'Integrity' || p.kind === 'History'))).toBe(true);
  });

  it('a list removed from a version fails its tag too', () => {
    vault.close();
    raw((db) => db.prepare('DELETE FROM version_attachments').run());
    reopen();
    expect(vault.versions('a')[1]?.integrityProblem).toBeDefined();
    expect(vault.verify().ok).toBe(false);
  });

  it('a reference count changed outside docvault is reported', () => {
    vault.close();
    raw((db) => db.prepare('UPDATE attachment_blobs SET refs = refs + 1').run());
    reopen();
    expect(vault.verify().problems).toContainEqual(expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('references') as unknown }));
  });
});

describe('attachments: purge', () => {
  it('purging the last document that names a file removes its rows; a shared file stays until its last reference goes', async () => {
    vault.create({ id: 'b', content: 'copy' });
    await attachStream(vault, 'b', { name: 'same.jpg' }, [bytes]);
    await attachStream(vault, 'b', { name: 'own.bin' }, [randomBytes(100)]);
    const count = (t: string): number => raw((db) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number);
    expect([count('attachment_blobs'), count('attachment_chunks'), count('version_attachments')]).toEqual([2, 4, 3]);
    vault.purge('a');
    expect([count('attachment_blobs'), count('attachment_chunks'), count('version_attachments')]).toEqual([2, 4, 2]);
    expect(vault.verify().ok).toBe(true);
    vault.delete('b');
    expect(vault.emptyTrash()).toBe(1);
    expect([count('attachment_blobs'), count('attachment_chunks'), count('version_attachments')]).toEqual([0, 0, 0]);
    expect(count('attachment_chunk_data')).toBe(0);
    expect(vault.verify().ok).toBe(true);
  });
});

describe('attachments: purge erases the bytes (plain vault)', () => {
  it('neither the main file nor the WAL holds a purged file once the scrub ran', async () => {
    const t = tempDir('docvault-attach-scrub-');
    const p = join(t.dir, 'plain.dvault');
    const v = Vault.createSync(p, { key: { encryption: false }, walScrubMs: 0 });
    try {
      v.create({ id: 'x', content: 'holder' });
      const marker = Buffer.from(`ATTACHMENT-SECRET-${randomBytes(12).toString('hex')}`);
      const file = Buffer.concat([randomBytes(1000), marker, randomBytes(CHUNK + 5000)]);
      await attachStream(v, 'x', { name: 'secret.bin' }, [file]);
      const has = (f: string): boolean => existsSync(f) && readFileSync(f).includes(marker);
      expect(has(p) || has(`${p}-wal`)).toBe(true);
      v.purge('x');
      expect(has(p)).toBe(false);
      expect(has(`${p}-wal`)).toBe(false);
    } finally {
      v.close();
      t.cleanup();
    }
  });
});

describe('attachments: verify in chunks', () => {
  it('a verify cut into chunks checks the files and the counts once it reaches the end', async () => {
    for (let i = 0; i < 5; i++) {
      vault.create({ id: `d${i}`, content: `doc ${i}` });
      await attachStream(vault, `d${i}`, { name: 'same.jpg' }, [bytes]);
    }
    let report = vault.verify(undefined, { maxMs: 0.001 });
    let rounds = 1;
    while (report.next !== undefined) {
      report = vault.verify(undefined, { maxMs: 0.001, from: report.next });
      rounds++;
    }
    expect(rounds).toBeGreaterThan(1);
    expect(report).toMatchObject({ ok: true, problems: [] });
    vault.close();
    raw((db) => db.prepare('UPDATE attachment_chunks SET refs = refs + 1').run());
    reopen();
    report = vault.verify(undefined, { maxMs: 0.001 });
    while (report.next !== undefined) report = vault.verify(undefined, { maxMs: 0.001, from: report.next });
    expect(report.problems.some((p) => p.kind === 'Vault' && p.message.includes('chunk'))).toBe(true);
  });
});
