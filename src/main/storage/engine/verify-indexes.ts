/**
 * SQLite's check of one table at verify's default depth, without its cost at scale. `integrity_check(T)`
 * looks every row up in each of the table's indexes: random reads through every index once the table
 * outgrows the page cache (28.7 s of a 75 s verify at a million documents). The same findings from
 * sequential reads:
 *
 * - `quick_check(T)`: every page of the table and of its indexes, their b-tree structure, NOT NULL, CHECK
 *   and STRICT types — all of `integrity_check(T)` but the comparison of index entries with rows (left out
 *   for a table whose rows another phase reads: {@link TablePlan.pagesReadElsewhere});
 * - for each index, its entries (the indexed columns and the rowid) against the rows it must hold: their
 *   number, and a keyed digest of them that does not depend on order, computed once from the table's rows
 *   (one scan in rowid order, every index at once) and once by a covering scan of the index; equal only if
 *   the index holds exactly one entry per row it covers, with that row's values. The index scan also
 *   checks that each entry follows the one before in key order (an entry out of order is one a search
 *   cannot find: integrity_check's lookups report it missing), and, in a UNIQUE index, that no two
 *   adjacent ones share a key.
 *
 * The digest is ./verify-digest.ts's: keyed by the integrity key, so no one without it can choose entries
 * whose digests cancel (resume tokens carry partial sums). Both scans go a page of rows at a time and can
 * stop between pages: where they stand travels in verify's token ({@link IndexCheckState}).
 *
 * A table this cannot describe (no rowid, an index on an expression, a collation other than BINARY, a
 * descending column, a partial index whose condition it cannot read, or a query plan that is not a covering
 * scan) is left to `integrity_check(T)`, as before.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError } from '../../../shared/errors';
import type { VerifyProblem } from '../../../shared/types';
import type { ReadableDB } from './db';
import type { ReadContext } from './statements';
import { quoteIdent } from './verify-sqlite';
import { EntrySum, type EntryKeys, type Value } from './verify-digest';

/** Rows or index entries read per statement. */
const PAGE = 1000;

/** One index of a table, as the check reads it. */
interface IndexPlan {
  readonly name: string;
  readonly unique: boolean;
  /** Its key columns, in order (the rowid follows in every entry). */
  readonly columns: readonly string[];
  /** Its partial index's condition, or undefined. */
  readonly where: string | undefined;
  /** Whether every key column is known not to hold NULL: then a scan can resume after a key (row values compare). */
  readonly pageable: boolean;
}

/** How the check reads one table: its indexes, and the columns its row scan reads. */
export interface TablePlan {
  readonly table: string;
  readonly indexes: readonly IndexPlan[];
  /** Every column some index holds. */
  readonly columns: readonly string[];
  /** Whether `quick_check(T)` is left out (the table's pages are read and checked by another phase). */
  readonly pagesReadElsewhere?: boolean;
}

/** A value in a resume token (JSON): a blob as `{ b }` (hex). */
type TokenValue = { b: string } | number | string | null;

/** Where the check of one table stands between chunks (in verify's resume token). */
export interface IndexCheckState {
  /** 0: quick_check; 1: the row scan; 2 + i: the scan of index i. */
  readonly step: number;
  /** The last rowid (row scan) or entry (index scan) done, or null at the start of the step. */
  readonly at: TokenValue[] | null;
  /** From the row scan, per index: the digest (hex) and number of the entries its rows call for. */
  readonly rows: [string, number][];
  /** The index scan under way: the digest (hex) and number of its entries so far. */
  readonly entries: [string, number];
  /**
   * The index scan under way: entries out of key order, and duplicate keys of a UNIQUE index, so far; then
   * how many integers beyond 2^53 the table's scans have met (not compared exactly: integrity_check then).
   */
  readonly faults: [number, number, number];
}

/** Whether `s` is a well-formed {@link IndexCheckState} (a resume token crosses process boundaries). */
export function isIndexCheckState(s: unknown): s is IndexCheckState {
  const hex = (h: unknown): boolean => typeof h === 'string' && /^[0-9a-f]{32}$/.test(h);
  const pair = (p: unknown): boolean => Array.isArray(p) && p.length === 2 && hex(p[0]) && Number.isSafeInteger(p[1]);
  const value = (v: unknown): boolean =>
    v === null ||
    typeof v === 'number' ||
    typeof v === 'string' ||
    (typeof v === 'object' && typeof (v as { b?: unknown }).b === 'string' && /^([0-9a-f]{2})*$/.test((v as { b: string }).b));
  if (typeof s !== 'object' || s === null) return false;
  const r = s as IndexCheckState;
  const counts = (c: unknown): boolean => Array.isArray(c) && c.length === 3 && c.every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
  return (
    Number.isSafeInteger(r.step) &&
    r.step >= 0 &&
    (r.at === null || (Array.isArray(r.at) && r.at.every(value))) &&
    Array.isArray(r.rows) &&
    r.rows.every(pair) &&
    pair(r.entries) &&
    counts(r.faults)
  );
}

/** The text after a CREATE INDEX statement's column list: `WHERE <condition>`, or empty. */
function partialCondition(sql: string): string | undefined | null {
  const open = sql.indexOf('(');
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`' || c === '[') return null;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      const rest = sql.slice(i + 1).trim();
      if (rest === '') return undefined;
      const m = /^WHERE\s+([\s\S]+)$/i.exec(rest);
      return m === null ? null : (m[1] as string);
    }
  }
  return null;
}

/**
 * How to check `table`'s indexes without `integrity_check`, or undefined when it has none or cannot be
 * described (see the file's header): then `integrity_check(table)` does it.
 */
export function planTable(db: ReadableDB, table: string): TablePlan | undefined {
  // Planned once per connection and schema (a chunked verify comes back to the same table many times).
  const version = db.pragma('schema_version', { simple: true }) as number;
  let known = plans.get(db);
  if (known === undefined || known.version !== version) {
    known = { version, tables: new Map() };
    plans.set(db, known);
  }
  if (known.tables.has(table)) return known.tables.get(table);
  const plan = makePlan(db, table);
  known.tables.set(table, plan);
  return plan;
}

const plans = new WeakMap<ReadableDB, { version: number; tables: Map<string, TablePlan | undefined> }>();

/**
 * Whether `table` is its own only b-tree: a WITHOUT ROWID table without secondary indexes, or a rowid table
 * without any index (SQLite's check of it then compares nothing, and only walks its pages).
 */
export function isOnlyItsOwnBtree(db: ReadableDB, table: string): boolean {
  const info = db.prepare('SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?').get('main', table) as { wr: number } | undefined;
  if (info === undefined) return false;
  const list = db.prepare('SELECT origin FROM pragma_index_list(?)').pluck().all(table) as string[];
  // A WITHOUT ROWID table's primary key (origin pk) is the table itself; a rowid table's is an index of its own.
  return list.every((origin) => info.wr === 1 && origin === 'pk');
}

function makePlan(db: ReadableDB, table: string): TablePlan | undefined {
  const info = db.prepare('SELECT type, wr FROM pragma_table_list WHERE schema = ? AND name = ?').get('main', table) as { type: string; wr: number } | undefined;
  // A shadow table (FTS5's) is an ordinary one to SQLite's check.
  if (info === undefined || (info.type !== 'table' && info.type !== 'shadow') || info.wr !== 0) return undefined;
  const list = db.prepare('SELECT name, "unique" AS u, partial FROM pragma_index_list(?)').all(table) as { name: string; u: number; partial: number }[];
  if (list.length === 0) return undefined;
  const cols = db.prepare('SELECT name, "notnull" AS nn, pk, type FROM pragma_table_info(?)').all(table) as { name: string; nn: number; pk: number; type: string }[];
  const pks = cols.filter((c) => c.pk > 0);
  const notNull = new Set(cols.filter((c) => c.nn === 1 || (pks.length === 1 && c.pk === 1 && c.type.toUpperCase() === 'INTEGER')).map((c) => c.name));
  const indexes: IndexPlan[] = [];
  for (const ix of list) {
    const xinfo = db.prepare('SELECT cid, name, "desc" AS d, coll, "key" AS k FROM pragma_index_xinfo(?) ORDER BY seqno').all(ix.name) as { cid: number; name: string | null; d: number; coll: string | null; k: number }[];
    const keys = xinfo.filter((x) => x.k === 1);
    // cid -1: the rowid (an INTEGER PRIMARY KEY column); -2: an expression, which this does not read.
    if (keys.some((x) => x.cid < -1 || (x.cid >= 0 && x.name === null) || x.d !== 0 || x.coll !== 'BINARY')) return undefined;
    const columns = keys.map((x) => (x.cid === -1 ? 'rowid' : (x.name as string)));
    let where: string | undefined;
    if (ix.partial === 1) {
      const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(ix.name) as string | null | undefined;
      const cond = typeof sql === 'string' ? partialCondition(sql) : null;
      if (cond === null || cond === undefined) return undefined;
      where = cond;
    }
    // A partial index on "c IS NOT NULL" holds no NULL in c either.
    const excluded = where === undefined ? undefined : /^\s*"?(\w+)"?\s+IS\s+NOT\s+NULL\s*$/i.exec(where)?.[1];
    const pageable = columns.every((c) => notNull.has(c) || c === excluded);
    indexes.push({ name: ix.name, unique: ix.u === 1, columns, where, pageable });
  }
  const plan: TablePlan = { table, indexes, columns: [...new Set(indexes.flatMap((i) => i.columns))] };
  // Only a covering scan of the index itself tells what the index holds.
  for (const ix of indexes) {
    const steps = db.prepare(`EXPLAIN QUERY PLAN ${indexScanSql(plan, ix, ix.pageable)}`).all(...(ix.pageable ? Array(ix.columns.length + 1).fill(0) : [])) as { detail: string }[];
    const covering = steps.filter((s) => s.detail.includes(`USING COVERING INDEX ${ix.name}`));
    // A page after a key must start there (SEARCH), not read the index from its start again (SCAN).
    if (covering.length !== 1 || (ix.pageable && !(covering[0] as { detail: string }).detail.startsWith('SEARCH')) || steps.some((s) => s.detail.includes('TEMP B-TREE'))) return undefined;
  }
  return plan;
}

/** The scan of an index, in its key order, a page after an entry (`after`: the key columns and the rowid) or from its start. */
function indexScanSql(plan: TablePlan, ix: IndexPlan, after: boolean): string {
  const key = [...ix.columns.map(quoteIdent), 'rowid'].join(', ');
  const conds = [...(ix.where === undefined ? [] : [`(${ix.where})`]), ...(after ? [`(${key}) > (${key.split(', ').map(() => '?').join(', ')})`] : [])];
  const limit = ix.pageable ? ` LIMIT ${PAGE}` : '';
  return `SELECT ${key} FROM ${quoteIdent(plan.table)} INDEXED BY ${quoteIdent(ix.name)}${conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY ${key}${limit}`;
}

/**
 * The scan of the table's rows in rowid order, a page from the start or after a rowid: the rowid, every
 * indexed column, then whether each partial index covers the row.
 */
function rowScanSql(plan: TablePlan, after: boolean): string {
  const covers = plan.indexes.map((ix) => (ix.where === undefined ? '1' : `CASE WHEN (${ix.where}) THEN 1 ELSE 0 END`));
  return `SELECT rowid, ${[...plan.columns.map(quoteIdent), ...covers].join(', ')} FROM ${quoteIdent(plan.table)} NOT INDEXED${after ? ' WHERE rowid > ?' : ''} ORDER BY rowid LIMIT ${PAGE}`;
}

/** SQLite's order of values under BINARY: NULL, numbers, text (by UTF-8 bytes), blobs. */
function rank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'number') return 1;
  return typeof v === 'string' ? 2 : 3;
}

/** UTF-8 byte order of two strings: code point order (UTF-16 units compare otherwise above U+FFFF). */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // A surrogate (a code point above U+FFFF) sorts after every unit from U+E000 on.
  const fix = (u: number): number => (u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u);
  return fix(a.charCodeAt(i)) - fix(b.charCodeAt(i));
}

function compareValues(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return (a as number) - (b as number);
  if (ra === 2) return compareText(a as string, b as string);
  return Buffer.compare(a as Buffer, b as Buffer);
}

/** Where an entry stands after the one before it: in order with another key, in order with the same key (only the rowids differ), or out of order (or the same entry again). */
const enum Follows {
  Key,
  SameKey,
  Disorder,
}

/** How index entry `b` follows `a` (each `n` key values, then the rowid). */
function follows(a: readonly Value[], b: readonly Value[], n: number): Follows {
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] as Value, b[i] as Value);
    if (c !== 0) return c < 0 ? Follows.Key : Follows.Disorder;
  }
  return compareValues(a[n] as Value, b[n] as Value) < 0 ? Follows.SameKey : Follows.Disorder;
}

function toToken(v: Value): TokenValue {
  if (Buffer.isBuffer(v)) return { b: v.toString('hex') };
  return v;
}

function fromToken(v: TokenValue): Value {
  if (v !== null && typeof v === 'object') return Buffer.from(v.b, 'hex');
  return v;
}

/** A problem of one of a table's indexes (SQLite's own structures: `Sqlite`, as integrity_check's are). */
function indexProblem(plan: TablePlan, ix: IndexPlan, what: string): VerifyProblem {
  return { kind: 'Sqlite', message: `index ${ix.name} of table ${plan.table} ${what}` };
}

/**
 * Checks `plan`'s table from `state` on (undefined: from the start), step by step, a page of rows at a
 * time. Returns where it stopped when `overBudget` said so, undefined when the table is done. `quick`
 * reports quick_check's lines. Throws what reading throws (damage).
 */
export function checkTable(
  ctx: ReadContext,
  plan: TablePlan,
  state: IndexCheckState | undefined,
  keys: EntryKeys,
  problems: VerifyProblem[],
  quick: (lines: string[]) => void,
  overBudget: () => boolean,
): IndexCheckState | undefined {
  // The row scan's sums live in `rows` (partial while it runs: none before its first page).
  const n = plan.indexes.length;
  if (state !== undefined && (state.step > n + 1 || (state.step === 0 && state.rows.length !== 0) || (state.step === 1 && state.rows.length !== 0 && state.rows.length !== n) || (state.step >= 2 && state.rows.length !== n)))
    throw new DocvaultError('Invalid', 'from: not a verify token from this vault', { field: 'from' });
  let step = state?.step ?? 0;
  let at = state?.at?.map(fromToken) ?? null;
  let rows = state?.rows ?? [];
  let entries = state?.entries;
  let faults: [number, number, number] = state?.faults ?? [0, 0, 0];
  const stop = (): IndexCheckState => ({ step, at: at === null ? null : at.map(toToken), rows, entries: entries ?? ['0'.repeat(32), 0], faults });
  if (step === 0 && plan.pagesReadElsewhere === true) step = 1;
  if (step === 0) {
    // quick_check counts each index's entries too; the index step below reports a wrong count with the numbers.
    const counted = new Set(plan.indexes.map((ix) => `wrong # of entries in index ${ix.name}`));
    quick((ctx.db.pragma(`quick_check(${quoteIdent(plan.table)})`) as { quick_check: string }[]).map((r) => r.quick_check).filter((l) => !counted.has(l)));
    step = 1;
    if (overBudget()) return stop();
  }
  if (step === 1) {
    const sums = plan.indexes.map((_, i) => new EntrySum(keys, state?.step === 1 ? state.rows[i] : undefined));
    const start = (ctx.sql.get(rowScanSql(plan, false)) as Database.Statement).raw(true);
    const scan = (ctx.sql.get(rowScanSql(plan, true)) as Database.Statement).raw(true);
    const where = plan.indexes.map((ix) => ix.columns.map((c) => 1 + plan.columns.indexOf(c)));
    const covers = 1 + plan.columns.length;
    let last: Value | undefined = at?.[0];
    for (;;) {
      const page = (last === undefined ? start.all() : scan.all(last)) as Value[][];
      for (const row of page) {
        const rowid = row[0] as Value;
        for (let i = 0; i < sums.length; i++) {
          if (row[covers + i] !== 1) continue;
          (sums[i] as EntrySum).add(row, where[i] as number[], rowid);
        }
        last = rowid;
      }
      if (page.length < PAGE) break;
      if (overBudget()) {
        rows = sums.map((s) => s.save());
        for (const x of sums) faults[2] += x.inexact;
        at = [last ?? null];
        return stop();
      }
    }
    rows = sums.map((s) => s.save());
    for (const x of sums) faults[2] += x.inexact;
    step = 2;
    at = null;
    entries = undefined;
    if (overBudget()) return stop();
  }
  while (step - 2 < plan.indexes.length) {
    const ix = plan.indexes[step - 2] as IndexPlan;
    const sum = new EntrySum(keys, entries);
    const first = (ctx.sql.get(indexScanSql(plan, ix, false)) as Database.Statement).raw(true);
    const after = ix.pageable ? (ctx.sql.get(indexScanSql(plan, ix, true)) as Database.Statement).raw(true) : undefined;
    const n = ix.columns.length;
    const keyCols = ix.columns.map((_, i) => i);
    let prev: Value[] | null = at;
    for (;;) {
      // An index that cannot resume after a key is read in one piece, streamed.
      const page = (after === undefined ? first.iterate() : at === null ? first.all() : after.all(...at)) as Iterable<Value[]> & { length?: number };
      for (const entry of page) {
        sum.add(entry, keyCols, entry[n] as Value);
        if (prev !== null) {
          // In key order, each entry after the one before (an entry out of order is one a search cannot find).
          const f = follows(prev, entry, n);
          if (f === Follows.Disorder) faults = [faults[0] + 1, faults[1], faults[2]];
          // Two entries with one key in a UNIQUE index (a key holding NULL is never equal to another).
          else if (f === Follows.SameKey && ix.unique && !entry.slice(0, n).includes(null)) faults = [faults[0], faults[1] + 1, faults[2]];
        }
        prev = entry;
        at = entry;
      }
      if (after === undefined || (page.length ?? 0) < PAGE) break;
      if (overBudget()) {
        entries = sum.save();
        faults[2] += sum.inexact;
        return stop();
      }
    }
    const [digest, count] = sum.save();
    faults[2] += sum.inexact;
    const [want, wantCount] = rows[step - 2] as [string, number];
    const [disorder, duplicates] = faults;
    if (disorder > 0) problems.push(indexProblem(plan, ix, `holds ${disorder} entr${disorder === 1 ? 'y' : 'ies'} out of key order (or repeated)`));
    if (duplicates > 0) problems.push(indexProblem(plan, ix, `holds ${duplicates} entr${duplicates === 1 ? 'y' : 'ies'} with the key of the entry before (non-unique entries in a UNIQUE index)`));
    if (count !== wantCount) problems.push(indexProblem(plan, ix, `has ${count} entries for ${wantCount} rows: entries are missing or extra (wrong # of entries in index ${ix.name})`));
    else if (digest !== want) problems.push(indexProblem(plan, ix, `does not match the table's rows: an entry is missing, extra or holds other values than its row`));
    step++;
    at = null;
    entries = undefined;
    faults = [0, 0, faults[2]];
    if (step - 2 < plan.indexes.length && overBudget()) return stop();
  }
  // Integers beyond 2^53 were compared as doubles: SQLite's own comparison, exact, as well.
  if (faults[2] > 0) quick((ctx.db.pragma(`integrity_check(${quoteIdent(plan.table)})`) as { integrity_check: string }[]).map((r) => r.integrity_check));
  return undefined;
}
