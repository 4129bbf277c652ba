/**
 * The engine's mapping of SQLite's errors to kinds, from real SQLite errors made on plain connections —
 * so it is tested where no tmpfs can be mounted (test/faults/resources.test.ts makes the same errors
 * with a real full disk and a read-only file system, where it may).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { mapSqliteError } from '../../src/main/storage/engine/db';
import { VaultFileGuard } from '../../src/main/storage/engine/vault-file';
import { errorOf } from '../helpers/errors';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a SQLite error');
}

describe('mapSqliteError', () => {
  it('a full database (SQLITE_FULL) is DiskFull, saying nothing was written', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = new Database(join(t.dir, 'full.db'));
    try {
      db.exec('CREATE TABLE t (x BLOB)');
      // A page limit makes SQLite fail exactly as on a full disk.
      db.pragma('max_page_count = 4');
      const err = thrownBy(() => db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(64 * 1024)));
      expect((err as { code?: string }).code).toBe('SQLITE_FULL');
      const mapped = mapSqliteError(err, 'put');
      expect(mapped.kind).toBe('DiskFull');
      expect(mapped.message).toBe('put: the disk is full; nothing was written');
    } finally {
      db.close();
    }
  });

  it('a write refused by the file (SQLITE_READONLY) is ReadOnly', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'ro.db');
    new Database(path).exec('CREATE TABLE t (x)').close();
    const db = new Database(path, { readonly: true });
    try {
      const err = thrownBy(() => db.exec('INSERT INTO t VALUES (1)'));
      expect((err as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
      const mapped = mapSqliteError(err, 'create');
      expect(mapped.kind).toBe('ReadOnly');
      expect(mapped.details).toEqual({ reason: 'readOnly' });
    } finally {
      db.close();
    }
  });
});

describe('VaultFileGuard', () => {
  it('passes while the path names the file opened; NotFound vaultRemoved once it is gone, vaultReplaced for another file', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'v.dvault');
    writeFileSync(path, 'one');
    const guard = new VaultFileGuard(path);
    guard.check();
    writeFileSync(path, 'rewritten in place: the same file');
    guard.check();
    renameSync(path, `${path}.moved`);
    expect(errorOf(() => guard.check())).toMatchObject({ kind: 'NotFound', details: { reason: 'vaultRemoved', path } });
    writeFileSync(path, 'another file at the same path');
    expect(errorOf(() => guard.check())).toMatchObject({ kind: 'NotFound', details: { reason: 'vaultReplaced', path } });
    unlinkSync(path);
    renameSync(`${path}.moved`, path);
    guard.check();
  });
});
