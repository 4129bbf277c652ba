/** Lists and counts: filters, sorts, keyset cursors; the Trash's list. */
import { DocvaultError } from '../../../shared/errors';
import type { DocumentSummary, ListPage, ListQuery, TrashPage, TrashQuery, TrashedSummary } from '../../../shared/types';
import { validateListQuery } from '../../../shared/validation';
import { HEAD_COLUMNS_RAW, headOf, readCounters, summaryOf } from './rows';
import { ALL_KEY, TITLE_KEY, TYPE_KEY } from '../search-queue-schema';
import type { ReadContext } from './statements';

/** The first key past every title row's (../title-rows-schema.ts). */
const TITLE_END = String.fromCharCode(TITLE_KEY.charCodeAt(0) + 1);

/** Sort columns of list(). Creation order is rowid order (see migrations.ts), so `created` needs no index. */
const SORT_COLUMNS = { updated: 'updated_at', created: 'doc', title: 'title' } as const;

/** The condition every live-document query starts from. */
const LIVE = 'd.trashed_at IS NULL';

function encodeCursor(value: string | number, doc: number): string {
  return Buffer.from(JSON.stringify([value, doc]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, numeric: boolean): [string | number, number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (numeric ? typeof parsed[0] === 'number' : typeof parsed[0] === 'string') &&
      Number.isSafeInteger(parsed[1])
    )
      return [parsed[0] as string | number, parsed[1] as number];
  } catch {
    // fall through
  }
  throw new DocvaultError('Invalid', 'cursor: not a cursor from this list (did the sort change?)', { field: 'cursor' });
}

function filters(q: Pick<ListQuery, 'type' | 'tag' | 'author'>): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  // Tag rows follow the search queue (../search-queue-schema.ts): until its flush, a document written or
  // trashed since keeps the rows of the version the index holds, keyed by that version's time. So a row
  // counts only for a live head with the same updated_at (the writer flushes before such a list).
  where.push(LIVE);
  if (q.type !== undefined) {
    where.push('d.type = ?');
    params.push(q.type);
  }
  if (q.author !== undefined) {
    where.push('d.author = ?');
    params.push(q.author);
  }
  if (q.tag !== undefined) {
    // One probe of the tag row's full key per document walked (the row carries its head's updated_at).
    where.push('EXISTS (SELECT 1 FROM document_tags WHERE tag = ? AND updated_at = d.updated_at AND doc = d.doc)');
    params.push(q.tag);
  }
  return { where, params };
}

/**
 * Whether a list (or a count: `counting`) with these filters reads held rows, which move with the search
 * queue's flush: a tag filter's, or a list sorted by update time (the default) or by title, which walks the
 * rows of the reserved keys (../time-rows-schema.ts, ../title-rows-schema.ts). Any value (checked later). A
 * count by one tag alone is its running total, not rows; a count never walks the reserved keys.
 */
export function readsHeldRows(query: unknown, counting = false): boolean {
  if (typeof query !== 'object' || query === null) return false;
  const q = query as Partial<Record<'tag' | 'type' | 'author' | 'sort', unknown>>;
  if (counting) return q.tag !== undefined && (q.type !== undefined || q.author !== undefined);
  return q.tag !== undefined || q.sort !== 'created';
}

function countWhere(ctx: ReadContext, q: Pick<ListQuery, 'type' | 'tag' | 'author'>): number {
  // The running totals answer the common shapes without a scan.
  if (q.tag === undefined && q.author === undefined) {
    if (q.type === undefined) return ctx.r.documentCount.get() as number;
    return (ctx.r.counter.get(`type:${q.type}`) as number | undefined) ?? 0;
  }
  if (q.tag !== undefined && q.type === undefined && q.author === undefined) return (ctx.r.counter.get(`tag:${q.tag}`) as number | undefined) ?? 0;
  const { where, params } = filters(q);
  return ctx.sql.get(`SELECT count(*) FROM documents d WHERE ${where.join(' AND ')}`, true).get(...params) as number;
}

/** A page plan: where its rows come from, the key it walks, the held rows' key it walks (if any), the filters left. */
interface PagePlan {
  readonly from: string;
  readonly key: string;
  /** The `document_tags` key whose rows the page walks: a tag, or a reserved key (../time-rows-schema.ts). */
  readonly rows?: string;
  /** The page walks the title rows (../title-rows-schema.ts): every key under {@link TITLE_KEY}, by key (time 0) and row. */
  readonly titles?: true;
  readonly filter: ListQuery;
}

/**
 * The page plan. Sorted by update time (the default), a page walks one key's range of the held rows
 * (`document_tags (tag, updated_at, doc)`) and joins each row to its head, so it costs O(page) whatever the
 * key's size: a tag filter's tag; else a type filter's reserved key (`TYPE_KEY` + type), or the one every
 * live document holds (`ALL_KEY`). CROSS JOIN keeps SQLite from starting at `documents`. Sorted by
 * creation, a tag filter's page either walks `documents` by rowid probing the tag's key per document (about
 * page ÷ the tag's share of documents probes) or reads all the tag's rows and sorts them (the tag's size):
 * whichever the running totals say is fewer, so neither a common nor a rare tag pays for the whole vault.
 * Sorted by title, a page walks the title rows (one title's documents by creation), its filters probed per
 * row; else it reads `documents` by rowid, a tag filter probing the tag's key.
 */
function pagePlan(ctx: ReadContext, query: ListQuery, col: string, limit: number): PagePlan {
  const { tag: _tag, ...rest } = query;
  const from = 'document_tags t CROSS JOIN documents d ON d.doc = t.doc';
  if (col === 'title') return { from, key: 't.tag', titles: true, filter: query };
  if (col === 'updated_at') {
    if (query.tag !== undefined) return { from, key: 't.updated_at', rows: query.tag, filter: rest };
    return { from, key: 't.updated_at', rows: query.type !== undefined ? TYPE_KEY + query.type : ALL_KEY, filter: rest };
  }
  if (query.tag !== undefined && col === 'doc') {
    const tagged = (ctx.r.counter.get(`tag:${query.tag}`) as number | undefined) ?? 0;
    const all = Math.max(1, ctx.r.documentCount.get() as number);
    if (tagged < ((limit + 1) * all) / Math.max(1, tagged)) return { from, key: 't.doc', rows: query.tag, filter: rest };
  }
  return { from: 'documents d', key: `d.${col}`, filter: query };
}

/** Whether the running totals answer count(filters) exactly, in O(1). */
function countedByCounters(q: Pick<ListQuery, 'type' | 'tag' | 'author'>): boolean {
  return q.author === undefined && (q.tag === undefined || q.type === undefined);
}

/** A page's statement: its SQL and parameters (the LIMIT's last), the page size, and its sort. Exported for the plan tests. */
export function pageStatement(ctx: ReadContext, query: ListQuery): { sql: string; params: (string | number)[]; limit: number; sort: 'updated' | 'created' | 'title' } {
  const limit = validateListQuery(query);
  const sort = query.sort ?? 'updated';
  const order = query.order ?? (sort === 'title' ? 'asc' : 'desc');
  const col = SORT_COLUMNS[sort];
  const plan = pagePlan(ctx, query, col, limit);
  const { where, params } = filters(plan.filter);
  if (plan.rows !== undefined) {
    where.unshift('t.tag = ?', 't.updated_at = d.updated_at');
    params.unshift(plan.rows);
  }
  if (plan.titles) {
    // The keys under TITLE_KEY, from the one of an empty title up to the next control character; title rows carry
    // time 0. After a cursor, the cursor's key is the bound on its side (SQLite takes one bound per side: the
    // range's own would make every page walk from the range's start). The time is tested, not searched (`+`):
    // as an index term it made SQLite skip-scan every key of the table (23 ms a page at 100k, against 0.6).
    const from = query.cursor !== undefined && order === 'asc' ? [] : ['t.tag >= ?'];
    const to = query.cursor !== undefined && order === 'desc' ? [] : ['t.tag < ?'];
    where.unshift(...from, ...to, '+t.updated_at = 0', 't.tag = ? || d.title');
    params.unshift(...(from.length > 0 ? [TITLE_KEY] : []), ...(to.length > 0 ? [TITLE_END] : []), TITLE_KEY);
  }
  const docCol = plan.rows === undefined && !plan.titles ? 'd.doc' : 't.doc';
  // A list by title walks the rows' whole key (title, 0, row): one title's documents by creation.
  const keys = plan.titles ? [plan.key, 't.updated_at', docCol] : plan.key === docCol ? [docCol] : [plan.key, docCol];
  if (query.cursor !== undefined) {
    const [value, doc] = decodeCursor(query.cursor, sort !== 'title');
    where.push(`(${keys.join(', ')}) ${order === 'desc' ? '<' : '>'} (${keys.map(() => '?').join(', ')})`);
    params.push(...(plan.titles ? [TITLE_KEY + (value as string), 0, doc] : keys.length === 1 ? [doc] : [value, doc]));
  }
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const orderBy = keys.map((k) => `${k} ${dir}`).join(', ');
  const sql = `SELECT ${HEAD_COLUMNS_RAW} FROM ${plan.from} WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ?`;
  return { sql, params: [...params, limit + 1], limit, sort };
}

/**
 * One page of live document summaries, filtered and sorted, with a cursor for the next page. `total` is
 * on every page when the running totals give it (no filter, one type, one tag); for other filters it is
 * counted on the first page only (no cursor) and left out of later pages, which would recount every match.
 */
export function listDocuments(ctx: ReadContext, query: ListQuery): ListPage {
  const { sql, params, limit, sort } = pageStatement(ctx, query);
  const total = query.cursor === undefined || countedByCounters(query) ? countWhere(ctx, query) : undefined;
  // Arrays, not row objects (see HEAD_COLUMNS_RAW): a page of 100 heads costs about half.
  const rows = (ctx.sql.get(sql).raw(true).all(...params) as unknown[][]).map(headOf);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const items: DocumentSummary[] = page.map((row) => summaryOf(ctx.macKey, row, query.tag));
  const last = page[page.length - 1];
  const nextCursor = more && last !== undefined ? encodeCursor(sort === 'title' ? last.title : sort === 'created' ? last.doc : last.updated_at, last.doc) : null;
  return total === undefined ? { items, nextCursor } : { items, nextCursor, total };
}

/** Number of live documents matching the filters. */
export function countDocuments(ctx: ReadContext, query: Pick<ListQuery, 'type' | 'tag' | 'author'>): number {
  validateListQuery(query);
  return countWhere(ctx, query);
}

/** One page of the Trash, the most recently trashed first. */
export function listTrash(ctx: ReadContext, query: TrashQuery): TrashPage {
  if (typeof query !== 'object' || query === null) throw new DocvaultError('Invalid', 'query: must be an object', { field: 'query' });
  const limit = validateListQuery({ ...(query.limit !== undefined ? { limit: query.limit } : {}), ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
  const params: number[] = [];
  let after = '';
  if (query.cursor !== undefined) {
    const [value, doc] = decodeCursor(query.cursor, true);
    after = 'AND (d.trashed_at, d.doc) < (?, ?)';
    params.push(value as number, doc);
  }
  const rows = (
    ctx.sql
      .get(`SELECT ${HEAD_COLUMNS_RAW} FROM documents d WHERE d.trashed_at IS NOT NULL ${after} ORDER BY d.trashed_at DESC, d.doc DESC LIMIT ?`)
      .raw(true)
      .all(...params, limit + 1) as unknown[][]
  ).map(headOf);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const items: TrashedSummary[] = page.map((row) => ({ ...summaryOf(ctx.macKey, row), trashedAt: row.trashed_at ?? 0 }));
  const last = page[page.length - 1];
  const total = readCounters(ctx.r.counters).trashed;
  return more && last !== undefined ? { items, nextCursor: encodeCursor(last.trashed_at ?? 0, last.doc), total } : { items, total };
}
