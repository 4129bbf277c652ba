/** Heads as raw rows, for the migration tests that check a step leaves every row as it was. */
import type Database from 'better-sqlite3-multiple-ciphers';

/**
 * Every `documents` row in key order, without `current_seq`: schema step "versions in append order" adds that
 * column (a hint to the current version's row, filled by the step), so a test of an earlier step, which
 * upgrades the vault to the newest schema, compares the columns that step is about.
 */
export function documentRows(db: Database.Database): Record<string, unknown>[] {
  return (db.prepare('SELECT * FROM documents ORDER BY doc').all() as Record<string, unknown>[]).map(({ current_seq: _hint, ...row }) => row);
}
