/**
 * The audit log (its own schema step, "audit log"): an append-only table of security events, each entry tagged with HMAC over
 * its fields and the previous entry's tag, and a one-row head that records, tagged, where the kept log
 * starts (after pruning) and ends. So an entry edited, forged, removed from the middle or the end, or two
 * entries swapped, fails the chain check (`verify`, `auditLog`).
 *
 * An append checks the head and the last entry (O(1)) and only then tags the new head: a log cut short or
 * a head altered outside docvault is never laundered into a freshly tagged one (the head is written with a
 * tag that never verifies, as the vault state is). Growth is bounded: past {@link AUDIT_MAX_ENTRIES} the
 * oldest {@link AUDIT_PRUNE_BATCH} are removed in the same transaction, after their chain is checked (a
 * broken stretch poisons the head rather than vanishing), and the head's anchor keeps the last removed tag.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { APP_AUDIT_EVENTS, AUDIT_EVENTS, AUDIT_MAX_ENTRIES, AUDIT_MERGE_MS, AUDIT_PRUNE_BATCH, type AuditEntry, type AuditEvent, type AuditOutcome, type AuditPage, type AuditProblem, type AuditQuery } from '../../../shared/audit';
import { DocvaultError } from '../../../shared/errors';
import { auditEntryMac, auditHeadMac, macEqual, type AuditHeadFields } from '../integrity';
import { AUDIT_HEAD_KEY, decodeAuditHead, POISON, prepared, writeCountersHead as writeHead, type AuditTail } from './audit-schema';
import type { VerifyProblem } from '../../../shared/types';
import { isCorruption, readTransaction, type ReadableDB } from './db';

/** The stored head row, with the newest entry when the head holds it (its number `last_seq`, its tag `last_mac`). */
interface HeadRow {
  first_seq: number;
  anchor: Buffer | null;
  last_seq: number;
  last_mac: Buffer | null;
  mac: Buffer;
  tail: AuditTail | null;
  /** The row's bytes as stored (undefined when the head was read from the log's own ends). */
  bytes?: Buffer;
}

/** A stored entry. */
interface EntryRow {
  seq: number;
  at: number;
  event: string;
  outcome: string;
  count: number | null;
  detail: string | null;
  mac: Buffer;
}

function headFields(h: HeadRow): AuditHeadFields {
  return { firstSeq: h.first_seq, anchor: h.anchor, lastSeq: h.last_seq, lastMac: h.last_mac };
}

/**
 * The head, from its `counters` row (schema step "audit head in counters"). Undefined when the row is gone;
 * bytes that do not decode read as the log's own ends under a tag that never verifies, so they are
 * reported as altered and never laundered by the next append.
 */
function readHead(db: Database.Database): HeadRow | undefined {
  const b = prepared(db, `SELECT b FROM counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get();
  if (b === undefined) return undefined;
  const head = decodeAuditHead(b);
  if (head === undefined) {
    // Where the log says it ends, under a tag that never verifies: appends go on, the head stays reported.
    const ends = prepared(db, 'SELECT min(seq) AS first, max(seq) AS last, (SELECT mac FROM audit_log ORDER BY seq DESC LIMIT 1) AS mac FROM audit_log').get() as { first: number | null; last: number | null; mac: Buffer | null };
    return { first_seq: ends.first ?? 1, anchor: null, last_seq: ends.last ?? 0, last_mac: ends.mac, mac: Buffer.alloc(0), tail: null };
  }
  const f = head.fields;
  return {
    first_seq: f.firstSeq,
    anchor: f.anchor === null ? null : Buffer.from(f.anchor),
    last_seq: f.lastSeq,
    last_mac: f.lastMac === null ? null : Buffer.from(f.lastMac),
    mac: head.mac,
    tail: head.tail,
    bytes: b as Buffer,
  };
}

/** The entry the head holds, as a row; undefined when it holds none. */
function tailRow(head: HeadRow): EntryRow | undefined {
  const t = head.tail;
  if (t === null) return undefined;
  return { seq: head.last_seq, at: t.at, event: t.event, outcome: t.outcome, count: t.count, detail: t.detail, mac: head.last_mac ?? POISON };
}

/** The log's end as the table holds it. */
function lastStored(db: Database.Database): { seq: number; mac: Buffer } | undefined {
  return prepared(db, 'SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; mac: Buffer } | undefined;
}

/** What an append learns of the log's end: whether it is sound, and the tag the head's entry chains from. */
interface LogEnd {
  readonly sound: boolean;
  readonly tailPrev: Buffer | null;
}

/**
 * Whether the head's tag verifies and the log really ends where it says: the table's last entry is the head's
 * last, or, when the head holds the newest entry, the one before it, and that entry's tag verifies over it.
 */
function logEnd(db: Database.Database, key: Uint8Array, head: HeadRow): LogEnd {
  const unsound = { sound: false, tailPrev: null };
  if (!macEqual(auditHeadMac(key, headFields(head)), head.mac)) return unsound;
  const last = lastStored(db);
  const tail = tailRow(head);
  if (tail === undefined) {
    const sound = last === undefined ? head.last_seq === 0 || head.last_seq === head.first_seq - 1 : last.seq === head.last_seq && macEqual(last.mac, head.last_mac);
    return { sound, tailPrev: null };
  }
  // The entry before the head's is the table's last row, or, when the table holds none, was pruned (the anchor).
  if (last === undefined ? tail.seq !== head.first_seq : last.seq !== tail.seq - 1) return unsound;
  const tailPrev = tail.seq === 1 ? null : (last?.mac ?? head.anchor);
  return { sound: macEqual(auditEntryMac(key, tail, tailPrev), tail.mac), tailPrev };
}

/** What an append records. */
export interface AuditAppend {
  readonly event: AuditEvent;
  readonly outcome: AuditOutcome;
  readonly count?: number | null;
  readonly detail?: string | null;
}

/** True if `b`, recorded after `a`, may be told as part of `a`'s count: same event and outcome, both counted, neither with a detail. */
export function merges(a: AuditTail | AuditAppend, b: AuditTail | AuditAppend): boolean {
  return a.event === b.event && a.outcome === b.outcome && (a.detail ?? null) === null && (b.detail ?? null) === null && typeof a.count === 'number' && typeof b.count === 'number';
}

/**
 * Stores `r` as a row. A row already there under its number was put there outside docvault (the log never had
 * one: its numbers past the table's end are the head's): it is replaced, so the writes that record entries go
 * on, and the append that finds it has already judged the log unsound, so the head it writes stays reported.
 */
function insertEntry(db: Database.Database, r: EntryRow): void {
  prepared(db, 'INSERT OR REPLACE INTO audit_log (seq, at, event, outcome, count, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)').run(r.seq, r.at, r.event, r.outcome, r.count, r.detail, r.mac);
}

/** How an append bounds the log: entries kept, and how long after the newest entry began another may merge into it. */
export interface AuditLimits {
  readonly maxEntries: number;
  readonly mergeMs: number;
}

/** The defaults (VaultOptions `auditMaxEntries`, `auditMergeMs`). */
export const AUDIT_LIMITS: AuditLimits = { maxEntries: AUDIT_MAX_ENTRIES, mergeMs: AUDIT_MERGE_MS };

/**
 * Per connection: the head bytes it last wrote under a tag that verifies, and the tag the entry they hold
 * chains from. An append that reads those very bytes back skips checking them again (the head's tag, the
 * table's end, the entry's tag: two HMACs and a statement per write). What it cannot see then is the table
 * altered since its last append without the head; that never re-tags the alteration as sound, as the head's
 * fields do not cover the table: the chain still breaks at the altered row, and verify reports it. Bytes that
 * differ (another connection's append, a rollback, an alteration) are checked in full.
 */
const written = new WeakMap<Database.Database, LogEnd & { readonly bytes: Buffer }>();

/**
 * Appends one entry inside the caller's write transaction (so it commits or rolls back with the write it
 * records). `limits`: the cap and the merge time (tests lower them). The newest entry is kept in the head (schema step
 * "audit tail in the head"): one that merges into it (same event and outcome, both counted, neither with a
 * detail, less than `limits.mergeMs` after it began) adds its count there and is re-tagged, and the commit
 * writes no page of `audit_log`; any other moves it to the table, tag unchanged, and takes its place.
 */
export function appendAudit(db: Database.Database, key: Uint8Array, e: AuditAppend, at: number, limits: AuditLimits = AUDIT_LIMITS): void {
  const maxEntries = limits.maxEntries;
  const head = readHead(db);
  if (head === undefined) throw new DocvaultError('Integrity', 'The audit log has no head row: it was removed outside docvault');
  const known = written.get(db);
  const end = known !== undefined && head.bytes !== undefined && known.bytes.equals(head.bytes) ? known : logEnd(db, key, head);
  let sound = end.sound;
  const entry: AuditTail = { at, event: e.event, outcome: e.outcome, count: e.count ?? null, detail: e.detail ?? null };
  const tail = head.tail;
  if (sound && tail !== null && merges(tail, entry) && at >= tail.at && at - tail.at < limits.mergeMs) {
    const merged: AuditTail = { at: tail.at, event: tail.event, outcome: tail.outcome, count: (tail.count as number) + (entry.count as number), detail: null };
    const lastMac = auditEntryMac(key, { seq: head.last_seq, ...merged }, end.tailPrev);
    const next: AuditHeadFields = { firstSeq: head.first_seq, anchor: head.anchor, lastSeq: head.last_seq, lastMac };
    written.set(db, { bytes: writeHead(db, next, auditHeadMac(key, next), merged), sound: true, tailPrev: end.tailPrev });
    return;
  }
  const held = tailRow(head);
  if (held !== undefined) insertEntry(db, held);
  const seq = head.last_seq + 1;
  const prev = head.last_seq === 0 ? null : (head.last_mac ?? head.anchor);
  const mac = auditEntryMac(key, { seq, ...entry }, prev);
  let next: AuditHeadFields = { firstSeq: head.first_seq, anchor: head.anchor, lastSeq: seq, lastMac: mac };
  if (seq - head.first_seq + 1 > maxEntries) {
    const firstSeq = seq - maxEntries + Math.min(AUDIT_PRUNE_BATCH, maxEntries - 1) + 1;
    const removed = db.prepare('SELECT seq, at, event, outcome, count, detail, mac FROM audit_log WHERE seq < ? ORDER BY seq').all(firstSeq) as EntryRow[];
    // What is removed is checked first: pruning must not make a broken stretch disappear.
    if (chainProblems(key, removed, head.first_seq, head.anchor).length > 0) sound = false;
    const anchor = removed[removed.length - 1]?.mac ?? head.anchor;
    db.prepare('DELETE FROM audit_log WHERE seq < ?').run(firstSeq);
    next = { ...next, firstSeq, anchor };
  }
  const bytes = writeHead(db, next, sound ? auditHeadMac(key, next) : POISON, entry);
  if (sound) written.set(db, { bytes, sound, tailPrev: prev });
  else written.delete(db);
}

/**
 * Moves the newest entry from the head into the table, tags unchanged (the head's fields do not change, so
 * neither does its tag): before a re-tag of the whole chain, and for tests that take a vault back to the step
 * before "audit tail in the head". Nothing to do when the head holds none.
 */
export function settleAuditTail(db: Database.Database): void {
  const head = readHead(db);
  const held = head === undefined ? undefined : tailRow(head);
  if (head === undefined || held === undefined) return;
  insertEntry(db, held);
  writeHead(db, headFields(head), head.mac);
}

/** Breaks in a run of entries that should start at `firstSeq` and chain from `anchor`. */
function chainProblems(key: Uint8Array, rows: readonly EntryRow[], firstSeq: number, anchor: Buffer | null): AuditProblem[] {
  const problems: AuditProblem[] = [];
  let expect = firstSeq;
  let prev: Buffer | null = anchor;
  for (const r of rows) {
    if (r.seq < expect) problems.push({ seq: r.seq, message: `audit entry ${r.seq} lies before the start of the kept log (${firstSeq})` });
    else if (r.seq > expect)
      problems.push({ seq: r.seq, message: r.seq - expect === 1 ? `audit entry ${expect} is missing` : `audit entries ${expect}–${r.seq - 1} are missing` });
    if (!macEqual(auditEntryMac(key, r, r.seq === 1 ? null : prev), r.mac))
      problems.push({ seq: r.seq, message: `audit entry ${r.seq} does not verify: it was edited, forged or moved outside docvault` });
    prev = r.mac;
    expect = r.seq + 1;
  }
  return problems;
}

/** Every break in the whole log: head, start, chain, end. */
function logProblems(db: Database.Database, key: Uint8Array, rows: readonly EntryRow[]): AuditProblem[] {
  const head = readHead(db);
  if (head === undefined) return [{ message: 'the audit log has no head row: it was removed outside docvault' }];
  const problems: AuditProblem[] = [];
  if (!macEqual(auditHeadMac(key, headFields(head)), head.mac))
    problems.push({ message: "the audit log's head does not verify: it, or the end of the log, was altered outside docvault" });
  problems.push(...chainProblems(key, rows, head.first_seq, head.anchor));
  const last = rows[rows.length - 1];
  if (last === undefined) {
    if (head.last_seq >= head.first_seq) problems.push({ seq: head.last_seq, message: `the audit log is empty, but its head says it ends at entry ${head.last_seq}: entries were removed` });
  } else if (last.seq < head.last_seq)
    problems.push({ seq: head.last_seq, message: `the audit log ends at entry ${last.seq}, but its head says ${head.last_seq}: entries were removed from the end` });
  else if (last.seq > head.last_seq) problems.push({ seq: last.seq, message: `audit entry ${last.seq} lies past the end of the log its head records (${head.last_seq}): it was added outside docvault` });
  else if (!macEqual(last.mac, head.last_mac)) problems.push({ seq: last.seq, message: `audit entry ${last.seq} is not the last entry the head records: it was replaced outside docvault` });
  return problems;
}

/** Every kept entry, oldest first: the table's, then the one the head holds. */
function allRows(db: Database.Database): EntryRow[] {
  const rows = db.prepare('SELECT seq, at, event, outcome, count, detail, mac FROM audit_log ORDER BY seq').all() as EntryRow[];
  const head = readHead(db);
  const held = head === undefined ? undefined : tailRow(head);
  if (held !== undefined) rows.push(held);
  return rows;
}

/** Checks the whole chain (what `verify` adds to its report). */
export function verifyAudit(db: Database.Database, key: Uint8Array): AuditProblem[] {
  return logProblems(db, key, allRows(db));
}

/** A page of the log, newest first, with every break in the whole chain. */
export function readAudit(db: Database.Database, key: Uint8Array, query: AuditQuery = {}): AuditPage {
  const limit = query.limit ?? 200;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_MAX_ENTRIES)
    throw new DocvaultError('Invalid', `limit: a whole number from 1 to ${AUDIT_MAX_ENTRIES}`, { field: 'limit' });
  const rows = allRows(db);
  const head = readHead(db);
  const entries: AuditEntry[] = rows
    .slice(-limit)
    .reverse()
    .map((r) => ({ seq: r.seq, at: r.at, event: r.event as AuditEvent, outcome: r.outcome as AuditOutcome, count: r.count, detail: r.detail }));
  return { entries, total: rows.length, firstSeq: head?.first_seq ?? 1, problems: logProblems(db, key, rows) };
}

/**
 * Re-tags the whole chain and its head under `key` (rekey, on a copy verified under the old key). A chain
 * that was broken stays broken: each entry's tag is remade only if it verified under `oldKey`.
 */
export function retagAudit(db: Database.Database, oldKey: Uint8Array, key: Uint8Array): void {
  // Every entry in the table first, so one UPDATE per entry re-tags them all.
  settleAuditTail(db);
  const rows = allRows(db);
  const head = readHead(db);
  if (head === undefined) return;
  const wasSound = logProblems(db, oldKey, rows).length === 0;
  const set = db.prepare('UPDATE audit_log SET mac = ? WHERE seq = ?');
  // The anchor (the tag of the last pruned entry) cannot be remade: the entry is gone. A fresh random
  // anchor keeps the chain's start bound to the head under the new key.
  let prev: Buffer | null = head.anchor === null ? null : Buffer.from(auditHeadMac(key, { firstSeq: head.first_seq, anchor: null, lastSeq: -1, lastMac: null }));
  const anchor = prev;
  for (const r of rows) {
    const mac = wasSound ? auditEntryMac(key, r, r.seq === 1 ? null : prev) : POISON;
    set.run(mac, r.seq);
    prev = mac;
  }
  const next: AuditHeadFields = { firstSeq: head.first_seq, anchor, lastSeq: head.last_seq, lastMac: rows.length === 0 ? head.last_mac : prev };
  writeHead(db, next, wasSound ? auditHeadMac(key, next) : POISON);
}

/** Checks an app-recorded audit event (it arrives from the app layer, possibly from the wire). */
export function validateAuditRecord(r: unknown): AuditAppend {
  if (typeof r !== 'object' || r === null) throw new DocvaultError('Invalid', 'record: an object is expected', { field: 'record' });
  const { event, outcome, count, detail } = r as Record<string, unknown>;
  if (!(APP_AUDIT_EVENTS as readonly unknown[]).includes(event))
    throw new DocvaultError('Invalid', `event: one of ${APP_AUDIT_EVENTS.join(', ')}${(AUDIT_EVENTS as readonly unknown[]).includes(event) ? ' (the engine records the others itself)' : ''}`, { field: 'event' });
  if (outcome !== 'ok' && outcome !== 'failed') throw new DocvaultError('Invalid', 'outcome: ok or failed', { field: 'outcome' });
  if (count !== undefined && count !== null && !(Number.isSafeInteger(count) && (count as number) >= 0))
    throw new DocvaultError('Invalid', 'count: a whole number from 0', { field: 'count' });
  if (detail !== undefined && detail !== null && !(typeof detail === 'string' && /^[A-Za-z]{1,32}$/.test(detail)))
    throw new DocvaultError('Invalid', 'detail: an error kind (letters only, at most 32)', { field: 'detail' });
  return { event: event as AuditAppend['event'], outcome, count: (count as number | null | undefined) ?? null, detail: (detail as string | null | undefined) ?? null };
}

/** The audit entry of a bulk write: one for the whole call, with its count (none when it changed nothing). */
export function counted(event: 'document.create' | 'document.delete', n: number): AuditAppend | undefined {
  return n === 0 ? undefined : { event, outcome: 'ok', count: n };
}

/** The chain's breaks as verify problems (kind `Audit`; `Corrupt` when its pages cannot be read), in one snapshot. */
export function auditVerifyProblems(db: ReadableDB, key: Uint8Array): VerifyProblem[] {
  const tx = readTransaction(db);
  tx.begin();
  try {
    return verifyAudit(db, key).map((p) => ({ kind: 'Audit', ...(p.seq === undefined ? {} : { entry: p.seq }), message: p.message }));
  } catch (err) {
    if (!isCorruption(err)) throw err;
    return [{ kind: 'Corrupt', message: `audit log: unreadable (${(err as Error).message})` }];
  } finally {
    tx.end();
  }
}
