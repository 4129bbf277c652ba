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

/**
 * The log's newest entry while it is kept in the head (schema step "audit tail in the head"): entry `lastSeq`,
 * its tag the head's `lastMac`. Kept there until an entry that cannot merge into it comes, so a run of single
 * writes of one event rewrites only the `counters` page, not a page of `audit_log` as well (engine/audit.ts).
 */
export interface AuditTail {
  readonly at: number;
  readonly event: string;
  readonly outcome: string;
  readonly count: number | null;
  readonly detail: string | null;
}

/** The head as stored: its fields, its tag, and the newest entry when the head holds it. */
export interface StoredAuditHead {
  readonly fields: AuditHeadFields;
  readonly mac: Buffer;
  readonly tail: AuditTail | null;
}

const NONE = 0xff;
/** The byte after the head's tag that says a tail follows. */
const TAIL = 0x01;

function lengthByte(bytes: Uint8Array | null): Buffer {
  if (bytes !== null && bytes.length >= NONE) throw new RangeError('an audit head field longer than 254 bytes');
  return Buffer.from([bytes === null ? NONE : bytes.length]);
}

function int64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n), 0);
  return b;
}

/**
 * `firstSeq` and `lastSeq` (8 bytes each, big-endian), then anchor, lastMac and mac, each a length byte (0xff:
 * null) and its bytes; with a tail, then 0x01, its `at` and `count` (8 bytes each; a count of null is a
 * length byte of 0xff instead), and `event`, `outcome`, `detail` as UTF-8, each after a length byte.
 */
export function encodeAuditHead(f: AuditHeadFields, mac: Uint8Array, tail: AuditTail | null = null): Buffer {
  const parts = [int64(f.firstSeq), int64(f.lastSeq)];
  for (const bytes of [f.anchor, f.lastMac, mac]) parts.push(lengthByte(bytes), bytes === null ? Buffer.alloc(0) : Buffer.from(bytes));
  if (tail !== null) {
    parts.push(Buffer.from([TAIL]), int64(tail.at), tail.count === null ? Buffer.from([NONE]) : Buffer.concat([Buffer.from([8]), int64(tail.count)]));
    for (const text of [tail.event, tail.outcome, tail.detail]) {
      const bytes = text === null ? null : Buffer.from(text, 'utf8');
      parts.push(lengthByte(bytes), bytes ?? Buffer.alloc(0));
    }
  }
  return Buffer.concat(parts);
}

/** Reads what {@link encodeAuditHead} wrote from `value` at an offset it moves; undefined past the end or for a bad length byte. */
class HeadReader {
  at = 0;
  constructor(readonly value: Buffer) {}

  int64(): number | undefined {
    if (this.at + 8 > this.value.length) return undefined;
    const n = Number(this.value.readBigInt64BE(this.at));
    this.at += 8;
    return Number.isSafeInteger(n) ? n : undefined;
  }

  /** A length-prefixed field: null for 0xff, undefined when it runs past the end. */
  bytes(): Buffer | null | undefined {
    const len = this.value[this.at];
    if (len === undefined) return undefined;
    this.at += 1;
    if (len === NONE) return null;
    if (this.at + len > this.value.length) return undefined;
    const b = Buffer.from(this.value.subarray(this.at, this.at + len));
    this.at += len;
    return b;
  }
}

/** The tail after the head's tag; undefined when its bytes are not a tail's. */
function readTail(r: HeadReader): AuditTail | undefined {
  if (r.value[r.at++] !== TAIL) return undefined;
  const at = r.int64();
  const countBytes = r.bytes();
  const count = countBytes === null ? null : countBytes !== undefined && countBytes.length === 8 ? Number(countBytes.readBigInt64BE(0)) : undefined;
  const [event, outcome, detail] = [r.bytes(), r.bytes(), r.bytes()];
  if (at === undefined || count === undefined || (count !== null && !Number.isSafeInteger(count))) return undefined;
  if (event == null || outcome == null || detail === undefined || r.at !== r.value.length) return undefined;
  return { at, event: event.toString('utf8'), outcome: outcome.toString('utf8'), count, detail: detail === null ? null : detail.toString('utf8') };
}

/** Decodes {@link encodeAuditHead}'s bytes; undefined when they are not such bytes (altered outside docvault). */
export function decodeAuditHead(value: unknown): StoredAuditHead | undefined {
  if (!Buffer.isBuffer(value) || value.length < 19) return undefined;
  const r = new HeadReader(value);
  const firstSeq = r.int64();
  const lastSeq = r.int64();
  const [anchor, lastMac, mac] = [r.bytes(), r.bytes(), r.bytes()];
  if (firstSeq === undefined || lastSeq === undefined || anchor === undefined || lastMac === undefined || mac == null) return undefined;
  const fields = { firstSeq, anchor, lastSeq, lastMac };
  if (r.at === value.length) return { fields, mac, tail: null };
  const tail = readTail(r);
  return tail === undefined ? undefined : { fields, mac, tail };
}

/** Writes the head into its `counters` row (schema step "audit head in counters" on), with the newest entry when it holds it. */
export function writeCountersHead(db: Database.Database, f: AuditHeadFields, mac: Buffer, tail: AuditTail | null = null): Buffer {
  const bytes = encodeAuditHead(f, mac, tail);
  prepared(db, `INSERT OR REPLACE INTO counters (key, n, b) VALUES ('${AUDIT_HEAD_KEY}', ?, ?)`).run(f.lastSeq, bytes);
  return bytes;
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

