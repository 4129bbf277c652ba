/** The audit log's schema steps on a raw connection, for tests that rebuild a vault of an earlier step or alter its head. */
import type Database from 'better-sqlite3-multiple-ciphers';
import { AUDIT_HEAD_KEY, decodeAuditHead, writeCountersHead } from '../../src/main/storage/engine/audit-schema';
import { settleAuditTail } from '../../src/main/storage/engine/audit';

/** Drops the audit step's tables (a vault made by today's code, taken back to before that step). */
export function dropAuditStep(db: Database.Database): void {
  db.exec(`DROP TABLE IF EXISTS audit_log; DROP TABLE IF EXISTS audit_head; DELETE FROM counters WHERE key = '${AUDIT_HEAD_KEY}';`);
}

const HEAD_TABLE = 'audit_head (one INTEGER PRIMARY KEY CHECK (one = 1), first_seq INTEGER NOT NULL, anchor BLOB, last_seq INTEGER NOT NULL, last_mac BLOB, mac BLOB NOT NULL)';

/** Puts the head back in its own table in `schema` (`main`: the step "audit head in counters" undone; `temp`: to alter it). */
function headToTable(db: Database.Database, schema: 'main' | 'temp'): void {
  db.exec(`CREATE TABLE ${schema}.${HEAD_TABLE}`);
  const b = db.prepare(`SELECT b FROM main.counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get();
  const head = decodeAuditHead(b);
  if (b !== undefined && head === undefined) throw new Error('the audit head row does not decode');
  if (head !== undefined)
    db.prepare(`INSERT INTO ${schema}.audit_head VALUES (1, ?, ?, ?, ?, ?)`).run(head.fields.firstSeq, head.fields.anchor, head.fields.lastSeq, head.fields.lastMac, head.mac);
  db.exec(`DELETE FROM main.counters WHERE key = '${AUDIT_HEAD_KEY}'`);
}

/** The head from the table `schema`.audit_head back into its `counters` row (none if the table has no row). */
function headFromTable(db: Database.Database, schema: 'main' | 'temp'): void {
  const row = db.prepare(`SELECT first_seq, anchor, last_seq, last_mac, mac FROM ${schema}.audit_head WHERE one = 1`).get() as
    | { first_seq: number; anchor: Buffer | null; last_seq: number; last_mac: Buffer | null; mac: Buffer }
    | undefined;
  if (row !== undefined) writeCountersHead(db, { firstSeq: row.first_seq, anchor: row.anchor, lastSeq: row.last_seq, lastMac: row.last_mac }, row.mac);
  db.exec(`DROP TABLE ${schema}.audit_head`);
}

/** The step "audit head in counters" undone: the head back in its table, as the step before keeps it. */
export function undoAuditHeadStep(db: Database.Database): void {
  headToTable(db, 'main');
}

/**
 * Runs `sql` (a page-key holder's alteration) with the head as the table `audit_head` it was before the step
 * "audit head in counters" (a temporary one), then stores what the table holds as the head again: alterations
 * stay written as SQL on the head's columns; deleting its row deletes the head.
 */
export function execWithHeadTable(db: Database.Database, sql: string): void {
  // Every entry in the table first (the head may hold the newest: schema step "audit tail in the head"), so
  // an alteration of `audit_log` reaches all of them.
  settleAuditTail(db);
  headToTable(db, 'temp');
  try {
    db.exec(sql);
  } finally {
    headFromTable(db, 'temp');
  }
}

/**
 * A page-key holder's cut of the log's newest entry where it is kept, the head (schema step "audit tail in the
 * head"): the head's bytes written again without it, fields and tag unchanged. A no-op when the head holds none.
 */
export function dropHeadEntry(db: Database.Database): void {
  const head = decodeAuditHead(db.prepare(`SELECT b FROM counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get());
  if (head === undefined) throw new Error('the audit head row does not decode');
  writeCountersHead(db, head.fields, head.mac);
}
