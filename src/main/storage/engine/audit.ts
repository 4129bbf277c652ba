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
import { APP_AUDIT_EVENTS, AUDIT_EVENTS, AUDIT_MAX_ENTRIES, AUDIT_PRUNE_BATCH, type AuditEntry, type AuditEvent, type AuditOutcome, type AuditPage, type AuditProblem, type AuditQuery } from '../../../shared/audit';
import { DocvaultError } from '../../../shared/errors';
import { auditEntryMac, auditHeadMac, macEqual, type AuditHeadFields } from '../integrity';
import { AUDIT_HEAD_KEY, decodeAuditHead, POISON, prepared, writeCountersHead as writeHead } from './audit-schema';
import type { VerifyProblem } from '../../../shared/types';
import { isCorruption, readTransaction, type ReadableDB } from './db';

/** The stored head row. */
interface HeadRow {
  first_seq: number;
  anchor: Buffer | null;
  last_seq: number;
  last_mac: Buffer | null;
  mac: Buffer;
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
    return { first_seq: ends.first ?? 1, anchor: null, last_seq: ends.last ?? 0, last_mac: ends.mac, mac: Buffer.alloc(0) };
  }
  const f = head.fields;
  return { first_seq: f.firstSeq, anchor: f.anchor === null ? null : Buffer.from(f.anchor), last_seq: f.lastSeq, last_mac: f.lastMac === null ? null : Buffer.from(f.lastMac), mac: head.mac };
}

/** Whether the head's tag verifies and the log really ends where it says. */
function headSound(db: Database.Database, key: Uint8Array, head: HeadRow): boolean {
  if (!macEqual(auditHeadMac(key, headFields(head)), head.mac)) return false;
  const last = prepared(db, 'SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; mac: Buffer } | undefined;
  if (last === undefined) return head.last_seq === 0 || head.last_seq === head.first_seq - 1;
  return last.seq === head.last_seq && macEqual(last.mac, head.last_mac);
}

/** What an append records. */
export interface AuditAppend {
  readonly event: AuditEvent;
  readonly outcome: AuditOutcome;
  readonly count?: number | null;
  readonly detail?: string | null;
}

/**
 * Appends one entry inside the caller's write transaction (so it commits or rolls back with the write it
 * records). `maxEntries` is the cap (tests lower it).
 */
export function appendAudit(db: Database.Database, key: Uint8Array, e: AuditAppend, at: number, maxEntries = AUDIT_MAX_ENTRIES): void {
  const head = readHead(db);
  if (head === undefined) throw new DocvaultError('Integrity', 'The audit log has no head row: it was removed outside docvault');
  let sound = headSound(db, key, head);
  const seq = head.last_seq + 1;
  const fields = { seq, at, event: e.event, outcome: e.outcome, count: e.count ?? null, detail: e.detail ?? null };
  const mac = auditEntryMac(key, fields, head.last_seq === 0 ? null : (head.last_mac ?? head.anchor));
  prepared(db, 'INSERT INTO audit_log (seq, at, event, outcome, count, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)').run(seq, at, fields.event, fields.outcome, fields.count, fields.detail, mac);
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
  writeHead(db, next, sound ? auditHeadMac(key, next) : POISON);
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

function allRows(db: Database.Database): EntryRow[] {
  return db.prepare('SELECT seq, at, event, outcome, count, detail, mac FROM audit_log ORDER BY seq').all() as EntryRow[];
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
