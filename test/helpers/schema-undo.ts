/**
 * Undoing schema steps on a raw connection, for tests that build a vault "at the step before" theirs by
 * opening it with today's code and taking their step back out: they must first take out every step after
 * theirs. One row per step that can be undone without the vault key; a new step adds its row here, and
 * the tests of earlier steps keep working whatever lands after them.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { ATTACHMENTS_STEP } from '../../src/main/storage';

/** SQL that removes a step's objects, by step number. */
const UNDO: ReadonlyMap<number, string> = new Map([
  [
    ATTACHMENTS_STEP,
    `DROP TABLE attachment_chunks; DROP TABLE attachment_chunk_data; DROP TABLE attachment_blobs; DROP TABLE version_attachments; DROP TABLE attachment_uploads;
     DELETE FROM meta WHERE key = 'attachment_key';`,
  ],
]);

/**
 * Removes the objects of every known step after `step` (newest first) and sets `user_version` to `step`.
 * Only for vaults whose later steps wrote no data (their tables would be dropped with it).
 */
export function undoStepsAfter(db: Database.Database, step: number): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let s = current; s > step; s--) {
    const sql = UNDO.get(s);
    if (sql !== undefined) db.exec(sql);
  }
  db.pragma(`user_version = ${step}`);
}
