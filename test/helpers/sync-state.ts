/** Drops the team-vault sync state step's objects, so a test can rebuild a vault as it was before that step. */
import type Database from 'better-sqlite3-multiple-ciphers';

/** Drops every table, index and trigger the sync state step creates (tables drop their own indexes). */
export function dropSyncState(db: Database.Database): void {
  db.exec(`
    DROP TRIGGER sync_versions_ai; DROP TRIGGER sync_versions_ad; DROP TRIGGER sync_documents_trash; DROP TRIGGER sync_documents_ad;
    DROP TABLE sync_meta; DROP TABLE sync_outbox; DROP TABLE sync_origin; DROP TABLE sync_conflicts; DROP TABLE sync_rejected;
  `);
}
