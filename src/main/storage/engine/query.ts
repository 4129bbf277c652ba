/** Lists and counts: filters, sorts, keyset cursors; the Trash's list. */
import { DocvaultError } from '../../../shared/errors';
import type { DocumentSummary, ListPage, ListQuery, TrashPage, TrashQuery, TrashedSummary } from '../../../shared/types';
import { validateListQuery } from '../../../shared/validation';
import { HEAD_COLUMNS, readCounters, summaryOf, type HeadRow } from './rows';
import type { ReadContext } from './statements';

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
  // Tag rows exist only for live documents, so a tag filter needs no trash condition of its own.
  if (q.tag === undefined) where.push(LIVE);
  if (q.type !== undefined) {
    where.push('d.type = ?');
    params.push(q.type);
  }
  if (q.author !== undefined) {
    where.push('d.author = ?');
    params.push(q.author);
  }
  if (q.tag !== undefined) {
    where.push('d.doc IN (SELECT doc FROM document_tags WHERE tag = ?)');
    params.push(q.tag);
  }
  return { where, params };
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

/** One page of live document summaries, filtered and sorted, with a cursor for the next page. */
export function listDocuments(ctx: ReadContext, query: ListQuery): ListPage {
  const limit = validateListQuery(query);
  const sort = query.sort ?? 'updated';
  const order = query.order ?? (sort === 'title' ? 'asc' : 'desc');
  const col = SORT_COLUMNS[sort];
  const { where, params } = filters(query);
  const total = countWhere(ctx, query);
  if (query.cursor !== undefined) {
    const [value, doc] = decodeCursor(query.cursor, sort !== 'title');
    where.push(`(d.${col}, d.doc) ${order === 'desc' ? '<' : '>'} (?, ?)`);
    params.push(value, doc);
  }
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const sql = `SELECT ${HEAD_COLUMNS} FROM documents d WHERE ${where.join(' AND ')} ORDER BY d.${col} ${dir}, d.doc ${dir} LIMIT ?`;
  const rows = ctx.sql.get(sql).all(...params, limit + 1) as HeadRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const items: DocumentSummary[] = page.map((row) => summaryOf(ctx.macKey, row, query.tag));
  const last = page[page.length - 1];
  const nextCursor = more && last !== undefined ? encodeCursor(sort === 'title' ? last.title : sort === 'created' ? last.doc : last.updated_at, last.doc) : null;
  return { items, nextCursor, total };
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
  const rows = ctx.sql
    .get(`SELECT ${HEAD_COLUMNS} FROM documents d WHERE d.trashed_at IS NOT NULL ${after} ORDER BY d.trashed_at DESC, d.doc DESC LIMIT ?`)
    .all(...params, limit + 1) as HeadRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const items: TrashedSummary[] = page.map((row) => ({ ...summaryOf(ctx.macKey, row), trashedAt: row.trashed_at ?? 0 }));
  const last = page[page.length - 1];
  const total = readCounters(ctx.r.counters).trashed;
  return more && last !== undefined ? { items, nextCursor: encodeCursor(last.trashed_at ?? 0, last.doc), total } : { items, total };
}
