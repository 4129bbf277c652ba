/**
 * Full-text search: one page of live documents matching an FTS5 query, ranked by bm25 and filtered by
 * metadata. The index and the triggers that keep it exact are in ../search-index.ts. The user's text is
 * bound as a parameter (never spliced into SQL); the SQL around it is built from fixed fragments.
 */
import { DocvaultError } from '../../../shared/errors';
import { MARK_CLOSE, MARK_OPEN, parseSearchQuery, splitMarks, validateSearchQuery, type SearchHit, type SearchPage, type SearchQuery } from '../../../shared/search';
import { HEAD_COLUMNS, summaryOf, type HeadRow } from './rows';
import type { ReadContext } from './statements';

/** bm25 column weights: a word in the title counts ten times one in the content. */
const TITLE_WEIGHT = 10;
/** Tokens of context snippet() returns around the best match. */
const SNIPPET_TOKENS = 24;

/**
 * Turns FTS5's complaint about a query into a sentence a person can act on. Only errors raised while
 * running the MATCH reach this; anything else is rethrown as it was.
 */
function queryError(err: unknown): DocvaultError | undefined {
  const code = (err as { code?: string }).code;
  if (code !== 'SQLITE_ERROR') return undefined;
  const msg = err instanceof Error ? err.message : '';
  const near = /fts5: syntax error near "(.*)"$/s.exec(msg);
  if (near !== null)
    return new DocvaultError(
      'Invalid',
      near[1] === ''
        ? 'query: the query ends too soon (AND, OR and NOT need a word on each side)'
        : `query: the query cannot be read near "${near[1] as string}" (AND, OR and NOT need a word on each side)`,
      { field: 'query' },
    );
  const col = /no such column: (.*)$/.exec(msg);
  if (col !== null) return new DocvaultError('Invalid', `query: there is no field "${col[1] as string}" (search in title: or content:)`, { field: 'query' });
  if (/unknown special query|fts5:/.test(msg)) return new DocvaultError('Invalid', 'query: the query cannot be read', { field: 'query' });
  return undefined;
}

/** One page of search hits, best first. */
export function searchDocuments(ctx: ReadContext, query: SearchQuery): SearchPage {
  const limit = validateSearchQuery(query);
  const offset = query.offset ?? 0;
  const parsed = parseSearchQuery(query.query);
  const where = ['search_index MATCH ?', 'd.trashed_at IS NULL'];
  const params: (string | number)[] = [parsed.fts];
  if (query.type !== undefined) {
    where.push('d.type = ?');
    params.push(query.type);
  }
  if (query.author !== undefined) {
    where.push('d.author = ?');
    params.push(query.author);
  }
  const tags = query.tags ?? [];
  if (tags.length > 0) {
    // Probes of the (tag, updated_at, doc) key with the head's updated_at (the row's copy), one per candidate.
    if ((query.tagMode ?? 'any') === 'all')
      for (const t of tags) {
        where.push('EXISTS (SELECT 1 FROM document_tags WHERE tag = ? AND updated_at = d.updated_at AND doc = d.doc)');
        params.push(t);
      }
    else {
      where.push(`EXISTS (SELECT 1 FROM document_tags WHERE tag IN (${tags.map(() => '?').join(', ')}) AND updated_at = d.updated_at AND doc = d.doc)`);
      params.push(...tags);
    }
  }
  for (const [field, column, op] of [
    ['createdFrom', 'created_at', '>='],
    ['createdTo', 'created_at', '<'],
    ['updatedFrom', 'updated_at', '>='],
    ['updatedTo', 'updated_at', '<'],
  ] as const) {
    const v = query[field];
    if (v === undefined) continue;
    where.push(`d.${column} ${op} ?`);
    params.push(v);
  }
  // Rank first (rowids and scores only), then snippets for the page's rows alone: snippet() reads the
  // text, and computing it for every match before the sort would cost a text read per match.
  // Without filters the index alone answers (it holds live documents only, kept exact by its triggers):
  // no lookup of a head row per match, which is most of the cost when a common word matches thousands.
  const ranked =
    where.length === 2
      ? `SELECT rowid AS rid, bm25(search_index, ${TITLE_WEIGHT}, 1) AS score FROM search_index
         WHERE search_index MATCH ? ORDER BY score, rid LIMIT ? OFFSET ?`
      : `SELECT search_index.rowid AS rid, bm25(search_index, ${TITLE_WEIGHT}, 1) AS score
         FROM search_index JOIN documents d ON d.doc = search_index.rowid >> 24
         WHERE ${where.join(' AND ')} ORDER BY score, rid LIMIT ? OFFSET ?`;
  let rows: { rid: number; score: number }[];
  try {
    rows = ctx.sql.get(ranked).all(...params, limit + 1, offset) as { rid: number; score: number }[];
  } catch (err) {
    throw queryError(err) ?? err;
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const snippetOf = ctx.sql.get(
    `SELECT snippet(search_index, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) FROM search_index WHERE search_index MATCH ? AND rowid = ?`,
    true,
  );
  const headOf = ctx.sql.get(`SELECT ${HEAD_COLUMNS} FROM documents d WHERE d.doc = ?`);
  const items: SearchHit[] = [];
  for (const r of page) {
    const head = headOf.get(Math.floor(r.rid / 2 ** 24)) as HeadRow | undefined;
    // Belt and braces: never show a document that is gone or in the Trash, even if the index disagreed.
    if (head === undefined || head.trashed_at !== null) continue;
    const s = summaryOf(ctx.macKey, head);
    // The rowid is bound as a BigInt: FTS5 ignores `rowid = ?` bound as a JS number (a REAL), and every
    // match would come back (seen with SQLite 3.53; the literal and BigInt forms filter).
    const { text, marks } = splitMarks((snippetOf.get(parsed.fts, BigInt(r.rid)) as string | undefined) ?? '');
    const hit: SearchHit = { id: s.id, title: s.title, type: s.type, tags: s.tags, version: s.version, createdAt: s.createdAt, updatedAt: s.updatedAt, score: -r.score, snippet: text, marks };
    items.push(s.integrityFailed === true ? { ...hit, integrityFailed: true } : hit);
  }
  return { items, nextOffset: more ? offset + limit : null, terms: parsed.terms };
}
