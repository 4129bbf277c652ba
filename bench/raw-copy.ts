/**
 * The plain-SQL variants of the split probes (write-split.ts, bulk-split.ts) work on fresh copies of one seeded
 * vault, through a raw SQLCipher 4 connection with the engine's pragmas.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { copyFileSync, rmSync } from 'node:fs';
import { enginePragmas } from './drivers/one-table';

/** Replaces `copy` (with its WAL and shared-memory files) by a copy of `base`. */
export function freshCopy(base: string, copy: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(copy + s, { force: true });
  copyFileSync(base, copy);
}

/** Keys `db` as stock SQLCipher 4 with the raw key `hexKey` (64 hex digits). */
export function keyAsSqlcipher4(db: Database.Database, hexKey: string): void {
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${hexKey}'"`);
}

/** `path` opened as stock SQLCipher 4 with the raw key `hexKey`, with the engine's pragmas and its WAL checkpoint bound. */
export function openRawCopy(path: string, hexKey: string): Database.Database {
  const db = new Database(path);
  keyAsSqlcipher4(db, hexKey);
  for (const p of enginePragmas(true)) db.pragma(p);
  db.pragma('wal_autocheckpoint = 4000');
  return db;
}
