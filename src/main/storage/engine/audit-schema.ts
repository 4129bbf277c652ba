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

/** Writes the head row (the one row of `audit_head`), as the audit log step did; from step "audit head in counters" on, see {@link writeCountersHead}. */
export function writeTableHead(db: Database.Database, f: AuditHeadFields, mac: Buffer): void {
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
  writeTableHead(db, f, auditKey === undefined ? POISON : auditHeadMac(auditKey, f));
}

// ----------------------------------------------------------------------- the head in `counters`

/**
 * The `counters` row that holds the head from schema step "audit head in counters" on (`n`: the last entry's
 * number, `b`: the head encoded by {@link encodeAuditHead}). Every write appends an entry and rewrites the
 * head; in its own table the head was a page of its own in every commit, here it shares the page every
 * write already rewrites for the totals and the vault state.
 */
export const AUDIT_HEAD_KEY = 'audit';

/** The head as stored: its fields and its tag. */
export interface StoredAuditHead {
  readonly fields: AuditHeadFields;
  readonly mac: Buffer;
}

const NONE = 0xff;

/** `firstSeq` and `lastSeq` (8 bytes each, big-endian), then anchor, lastMac and mac, each a length byte (0xff: null) and its bytes. */
export function encodeAuditHead(f: AuditHeadFields, mac: Uint8Array): Buffer {
  const seqs = Buffer.alloc(16);
  seqs.writeBigInt64BE(BigInt(f.firstSeq), 0);
  seqs.writeBigInt64BE(BigInt(f.lastSeq), 8);
  const parts = [seqs];
  for (const bytes of [f.anchor, f.lastMac, mac]) {
    if (bytes !== null && bytes.length >= NONE) throw new RangeError('an audit head tag longer than 254 bytes');
    parts.push(Buffer.from([bytes === null ? NONE : bytes.length]), bytes === null ? Buffer.alloc(0) : Buffer.from(bytes));
  }
  return Buffer.concat(parts);
}

/** Decodes {@link encodeAuditHead}'s bytes; undefined when they are not such bytes (altered outside docvault). */
export function decodeAuditHead(value: unknown): StoredAuditHead | undefined {
  if (!Buffer.isBuffer(value) || value.length < 19) return undefined;
  const firstSeq = Number(value.readBigInt64BE(0));
  const lastSeq = Number(value.readBigInt64BE(8));
  if (!Number.isSafeInteger(firstSeq) || !Number.isSafeInteger(lastSeq)) return undefined;
  const fields: (Buffer | null)[] = [];
  let at = 16;
  for (let i = 0; i < 3; i++) {
    const len = value[at];
    if (len === undefined) return undefined;
    at += 1;
    if (len === NONE) fields.push(null);
    else {
      if (at + len > value.length) return undefined;
      fields.push(Buffer.from(value.subarray(at, at + len)));
      at += len;
    }
  }
  const [anchor = null, lastMac = null, mac = null] = fields;
  if (at !== value.length || mac === null) return undefined;
  return { fields: { firstSeq, anchor, lastSeq, lastMac }, mac };
}

/** Writes the head into its `counters` row (schema step "audit head in counters" on). */
export function writeCountersHead(db: Database.Database, f: AuditHeadFields, mac: Buffer): void {
  prepared(db, `INSERT OR REPLACE INTO counters (key, n, b) VALUES ('${AUDIT_HEAD_KEY}', ?, ?)`).run(f.lastSeq, encodeAuditHead(f, mac));
}

/**
 * The step "audit head in counters": the head row moves, fields and tag unchanged (the tag covers the
 * fields, not where they are kept), and its table goes. A vault whose head row was removed outside docvault
 * gets none, so the log still reports it.
 */
export function moveAuditHead(db: Database.Database): void {
  const row = db.prepare('SELECT first_seq, anchor, last_seq, last_mac, mac FROM audit_head WHERE one = 1').get() as
    | { first_seq: number; anchor: Buffer | null; last_seq: number; last_mac: Buffer | null; mac: Buffer }
    | undefined;
  if (row !== undefined) writeCountersHead(db, { firstSeq: row.first_seq, anchor: row.anchor, lastSeq: row.last_seq, lastMac: row.last_mac }, row.mac);
  db.exec('DROP TABLE audit_head');
}

