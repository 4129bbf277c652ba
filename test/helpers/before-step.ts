/**
 * A vault "of the step before" a schema step, for the migration tests: the committed schema-1 fixture
 * (made by the old code, raw key beside it) opened by today's code so every step runs, `prepare` run on it
 * (rows the step must carry over), then `step` and every step after it undone on a raw connection.
 */
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
