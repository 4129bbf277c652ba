/** Undoing the audit log's schema step on a raw connection, for tests that rebuild a vault of an earlier step. */
import type Database from 'better-sqlite3-multiple-ciphers';

/** Drops the audit step's tables (a vault made by today's code, taken back to before that step). */
export function dropAuditStep(db: Database.Database): void {
  db.exec('DROP TABLE IF EXISTS audit_log; DROP TABLE IF EXISTS audit_head;');
}
