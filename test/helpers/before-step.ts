/**
 * A vault "of the step before" a schema step, for the migration tests: the committed schema-1 fixture
 * (made by the old code, raw key beside it) opened by today's code so every step runs, `prepare` run on it
 * (rows the step must carry over), then `step` and every step after it undone on a raw connection.
 */
import { copyFileSync, existsSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';
import { Vault } from '../../src/main/storage';
import { copySchema1 } from './fixture';
import { undoStepsAfter } from './later-steps';
import { withRawConnection } from './raw-db';

/** The fixture at `step - 1`; its removal is pushed to `cleanups` (the caller's afterEach runs them). */
export function vaultBeforeStep(step: number, cleanups: (() => void)[], prepare?: (v: Vault) => void): { path: string; key: string } {
  const f = copySchema1();
  cleanups.push(f.cleanup);
  const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
  try {
    prepare?.(v);
  } finally {
    v.close();
  }
  withRawConnection(f.path, f.key, (db: Database.Database) => undoStepsAfter(db, step - 1));
  return f;
}

/**
 * The fixture at `step - 1` as a writer leaves it when it stops before its close flushes the search queue:
 * `write` runs after a flush, then a copy of the file (and its WAL) is taken and taken back to the step
 * before. Its removal is pushed to `cleanups`.
 */
export function queuedVaultBeforeStep(step: number, cleanups: (() => void)[], write: (v: Vault) => void): { path: string; key: string } {
  const f = copySchema1();
  cleanups.push(f.cleanup);
  const copy = `${f.path}.queued`;
  const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
  try {
    v.indexSearch();
    write(v);
    copyFileSync(f.path, copy);
    if (existsSync(`${f.path}-wal`)) copyFileSync(`${f.path}-wal`, `${copy}-wal`);
  } finally {
    v.close();
  }
  withRawConnection(copy, f.key, (db) => undoStepsAfter(db, step - 1));
  return { path: copy, key: f.key };
}
