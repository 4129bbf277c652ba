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

/** Statements of the append path, prepared once per connection (every write appends an entry). */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * The statement for `sql` on `db`, prepared on first use. An append runs four statements; preparing them
 * each time was ~8% of the writer thread's time in a group commit of single-document creates.
 */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let byText = statements.get(db);
  if (byText === undefined) statements.set(db, (byText = new Map()));
  let stmt = byText.get(sql);
  if (stmt === undefined) byText.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

/** A head tag that never verifies: written when the head or the log's end was altered, so it stays reported. */
export const POISON = Buffer.alloc(32);

/** Writes the head row (the one row of `audit_head`). */
export function writeHead(db: Database.Database, f: AuditHeadFields, mac: Buffer): void {
  prepared(db, 'INSERT OR REPLACE INTO audit_head (one, first_seq, anchor, last_seq, last_mac, mac) VALUES (1, ?, ?, ?, ?, ?)').run(
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

