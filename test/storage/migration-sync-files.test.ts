/**
 * The "sync files" step (attachment sync's local tables), from a vault of the step before it: opening it
 * with today's code adds the tables and the trigger and changes no existing row; a recorded digest goes
 * with its stored file when a purge drops the file; the step is all or nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { MIGRATIONS, SCHEMA_VERSION, SYNC_FILES_STEP, Vault, attachStream, migrate } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { copySchema1 } from '../helpers/fixture';
import { undoStepsAfter } from '../helpers/later-steps';
import { VERSION_ROW_COLUMNS } from '../../src/main/storage/versions-order-schema';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

async function beforeStep(): Promise<{ path: string; key: string }> {
  const f = copySchema1();
  cleanups.push(f.cleanup);
  const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
  await attachStream(v, 'alpha', { name: 'kept.bin' }, [Buffer.from('a file from before the step')]);
  v.close();
  withRawConnection(f.path, f.key, (db: Database.Database) => undoStepsAfter(db, SYNC_FILES_STEP - 1));
  return f;
}

const objects = (db: Database.Database): string[] =>
  db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'sync_files%' OR name LIKE 'sync_held%' ORDER BY name").pluck().all() as string[];

describe('migration: sync files', () => {
  it('is a numbered step after attachments', () => {
    expect(MIGRATIONS[SYNC_FILES_STEP - 1]?.version).toBe(SYNC_FILES_STEP);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(SYNC_FILES_STEP);
  });

  it('upgrades a vault of the step before: tables added, no row changed; a digest goes with its file', async () => {
    const { path, key } = await beforeStep();
    const rows = (db: Database.Database) => ({
      versions: db.prepare(`SELECT ${VERSION_ROW_COLUMNS} FROM versions ORDER BY vid`).all(),
      blobs: db.prepare('SELECT * FROM attachment_blobs ORDER BY bkey').all(),
    });
    const before = withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SYNC_FILES_STEP - 1);
      expect(objects(db)).toEqual([]);
      return rows(db);
    });
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(rows(db)).toEqual(before);
      expect(objects(db)).toEqual(['sync_files', 'sync_files_blob_ad', 'sync_files_sha256', 'sync_held', 'sync_held_id']);
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    expect(v.syncState()).toMatchObject({ held: 0 });
    const [entry] = v.attachments('alpha');
    const sha = createHash('sha256').update('a file from before the step').digest('hex');
    v.recordSyncDigests([{ ref: entry?.ref ?? '', sha256: sha }]);
    expect(v.syncFilesHere([{ sha256: sha, size: entry?.size ?? 0 }, { sha256: '0'.repeat(64), size: 1 }])).toEqual([sha]);
    expect(() => v.recordSyncDigests([{ ref: 'not hex', sha256: sha }])).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    v.delete('alpha');
    v.purge('alpha');
    expect(v.syncFilesHere([{ sha256: sha, size: entry?.size ?? 0 }])).toEqual([]);
    withRawConnection(path, key, (db) => expect(db.prepare('SELECT count(*) FROM sync_files').pluck().get()).toBe(0));
  });

  it('runs in one transaction: a failure inside leaves the step before, whole', async () => {
    const { path, key } = await beforeStep();
    withRawConnection(path, key, (db) => {
      db.exec('CREATE TABLE sync_held (x)');
      expect(() => migrate(db, SYNC_FILES_STEP)).toThrow();
      expect(db.pragma('user_version', { simple: true })).toBe(SYNC_FILES_STEP - 1);
      expect(objects(db)).toEqual(['sync_held']);
    });
  });
});
