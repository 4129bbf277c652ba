/** A plain (unencrypted) vault beside a raw connection to its file, for tests that look at its tables. */
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { Vault } from '../../src/main/storage';
import { tempDir } from './tmp';
import { PENDING_COUNT_SQL } from '../../src/main/storage/search-mark-schema';

/**
 * Makes the vault and opens it with `idleCheckpointMs` long (no idle work during a test) unless `opts` say
 * otherwise; `cleanups` gets what closes both and removes the directory.
 */
export function plainVault(cleanups: (() => void)[], opts: { idleCheckpointMs?: number; closeWorkMs?: number } = {}): { vault: Vault; path: string; raw: Database.Database } {
  const { dir, cleanup } = tempDir('docvault-plain-');
  const path = join(dir, 'plain.dvault');
  Vault.createSync(path, { key: { encryption: false } }).close();
  const vault = Vault.openSync(path, { key: { encryption: false }, idleCheckpointMs: 600_000, ...opts });
  const raw = new Database(path, { fileMustExist: true });
  cleanups.push(() => {
    raw.close();
    if (vault.isOpen) vault.close();
    cleanup();
  });
  return { vault, path, raw };
}

/** Documents waiting for the search index (queued, or after the search mark), read on the raw connection. */
export const queued = (raw: Database.Database): number => raw.prepare(PENDING_COUNT_SQL).pluck().get() as number;
