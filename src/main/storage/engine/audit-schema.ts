/**
 * The audit log's tables and the head of an empty log (schema step "audit log"), apart from engine/audit.ts
 * so the migrations import no more of the engine than this. What the tables hold: engine/audit.ts.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { auditHeadMac, type AuditHeadFields } from '../integrity';

/** The DDL of the audit log step (the migration runs it, then {@link initAuditHead}). */
export const AUDIT_SCHEMA = `
  -- One row per security event. Never content, titles, document ids or keys (see src/shared/audit.ts).
  CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    event   TEXT    NOT NULL,
    outcome TEXT    NOT NULL,
    count   INTEGER,
    detail  TEXT,
    mac     BLOB    NOT NULL
  ) STRICT;
  -- Where the kept log starts and ends, tagged: removing the last entries, or the first, shows.
  CREATE TABLE audit_head (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    first_seq INTEGER NOT NULL,
    anchor    BLOB,
    last_seq  INTEGER NOT NULL,
    last_mac  BLOB,
    mac       BLOB    NOT NULL
  ) STRICT;
`;

/** A head tag that never verifies: written when the head or the log's end was altered, so it stays reported. */
export const POISON = Buffer.alloc(32);

/** Writes the head row (the one row of `audit_head`). */
export function writeHead(db: Database.Database, f: AuditHeadFields, mac: Buffer): void {
  db.prepare('INSERT OR REPLACE INTO audit_head (one, first_seq, anchor, last_seq, last_mac, mac) VALUES (1, ?, ?, ?, ?, ?)').run(
    f.firstSeq,
    f.anchor,
    f.lastSeq,
    f.lastMac,
    mac,
  );
}

/** Writes the head of an empty log (the audit log step). Without a key (a schema built before the vault is keyed, in tests) its tag never verifies. */
export function initAuditHead(db: Database.Database, auditKey: Uint8Array | undefined): void {
  const f: AuditHeadFields = { firstSeq: 1, anchor: null, lastSeq: 0, lastMac: null };
  writeHead(db, f, auditKey === undefined ? POISON : auditHeadMac(auditKey, f));
}

