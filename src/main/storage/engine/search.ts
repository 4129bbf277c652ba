/**
 * Full-text search: one page of live documents matching an FTS5 query, ranked by bm25 and filtered by
 * metadata. The index and the triggers that keep it exact are in ../search-index.ts. The user's text is
 * bound as a parameter (never spliced into SQL); the SQL around it is built from fixed fragments.
 */
import { DocvaultError } from '../../../shared/errors';
import { MARK_CLOSE, MARK_OPEN, parseSearchQuery, splitMarks, validateSearchQuery, type ParsedQuery, type SearchHit, type SearchPage, type SearchQuery, type SearchRanking } from '../../../shared/search';
import { tagFacet, typeFacet } from '../search-facets';
import { HEAD_COLUMNS, summaryOf, type HeadRow } from './rows';
import type { WritableDB } from './db';
import type { ReadContext } from './statements';
import { HEAD_TAG_ROWS_SQL, MARK_AT_END_SQL } from '../search-mark-schema';
import { SEQ_TO_END_SQL } from '../search-seq-schema';

/** bm25 column weights: a word in the title counts ten times one in the content. */
const TITLE_WEIGHT = 10;
/** Below this many matches, a filtered search checks each match's document instead of gathering the candidates. */
const FEW_MATCHES = 500;
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
  if (/unterminated string/.test(msg)) return new DocvaultError('Invalid', 'query: a quotation mark is not closed (a phrase is written "like this")', { field: 'query' });
  const col = /no such column: (.*)$/.exec(msg);
  if (col !== null) return new DocvaultError('Invalid', `query: there is no field "${col[1] as string}" (search in title: or content:)`, { field: 'query' });
  if (/unknown special query|fts5:/.test(msg)) return new DocvaultError('Invalid', 'query: the query cannot be read', { field: 'query' });
  return undefined;
}

/**
 * A wrapped expression's error is reported as the user's own text would have it (FTS5 names the token it
 * stumbled on, and "foo AND" then stumbles on the wrapper's closing parenthesis instead of the end): the
 * text is run alone, once, on this error path only.
 */
function userQueryError(ctx: ReadContext, parsed: ParsedQuery, err: unknown): DocvaultError | undefined {
  const wrapped = queryError(err);
  if (wrapped === undefined) return undefined;
  try {
    ctx.sql.get('SELECT rowid FROM search_index WHERE search_index MATCH ? AND rowid = 0', true).get(parsed.fts);
  } catch (alone) {
    return queryError(alone) ?? wrapped;
  }
  return wrapped;
}

/**
 * The FTS5 expressions of a query: `words`, the user's text confined to title and content (a word that
 * happens to equal a facet token finds nothing through the facet column), and `all`, those words ANDed with
 * the type and tag filters as facet terms. Tokens are hex behind a marker: nothing in them needs quoting
 * but the quotes that make each one phrase.
 */
function facetMatch(parsed: ParsedQuery, query: SearchQuery): { words: string; all: string } {
  const words = `{title content} : (${parsed.fts})`;
  const terms = [words];
  if (query.type !== undefined) terms.push(`facets : "${typeFacet(query.type)}"`);
  const tags = query.tags ?? [];
  if (tags.length > 0) {
    const quoted = tags.map((t) => `"${tagFacet(t)}"`);
    if ((query.tagMode ?? 'any') === 'all') for (const q of quoted) terms.push(`facets : ${q}`);
    else terms.push(`facets : (${quoted.join(' OR ')})`);
  }
  return { words, all: terms.join(' AND ') };
}

/** A match's index rowid (its document's number: ../search-doc-keys-schema.ts) and its bm25 score (lower is better). */
interface Scored {
  readonly rid: number;
  readonly score: number;
}

type Plan = 'index' | 'candidates' | 'each';

/** A row of one window's ranked page: a match and `n`, how many matches the window's read found (≤ window + 1). */
interface WindowRow extends Scored {
  readonly n: number;
}

/**
 * One window's part of a page. The window is read newest first (highest rowid: the rowid is the document's
 * number, and documents are numbered as they are added to the vault), with one match more than it holds,
 * which says whether another window follows; SQLite then sorts it by bm25 and returns `count` rows from
 * `from`, each with `n`, the number read. All in one statement: one FTS5 pass (a prefix query pays its
 * merge of term lists once per MATCH, a filtered one its candidate probes once), and only the page's rows
 * cross into JavaScript (10,000 rows would cost ~6 ms). FTS5 walks the `skip` newer matches without
 * scoring them. For a query of at most `window` matches this costs 1–2 ms more than the exact `ORDER BY
 * score LIMIT` (measured at 100k: the rows are kept and sorted whole), the price of learning the count in
 * the same pass. Params: MATCH, filters…, window + 1, skip, window, count, from.
 */
function windowSql(select: string, filters: string): string {
  return `WITH m AS MATERIALIZED (${select} ${filters} ORDER BY rowid DESC LIMIT ? OFFSET ?),
    b AS (SELECT count(*) AS n, min(rid) AS oldest FROM m)
    SELECT m.rid AS rid, m.score AS score, b.n AS n FROM m, b WHERE b.n <= ? OR m.rid > b.oldest ORDER BY m.score, m.rid LIMIT ? OFFSET ?`;
}

/**
 * Up to `count` matches from `offset` in window order: the matches, newest first, are cut into windows of
 * `window`, each sorted by bm25 on its own. `read(k, from, n)` returns window k's rows `from` to `from + n`
 * ({@link windowSql}). A query of at most `window` matches is seen whole by the first read, and is ranked
 * exactly (no `ranking`). Why a window at all: FTS5 has no top-k path for bm25, which reads each match's
 * length (docs/search.md).
 */
function rankInWindows(read: (k: number, from: number, n: number) => WindowRow[], window: number, offset: number, count: number): { rows: Scored[]; ranking: SearchRanking | undefined } {
  const rows: Scored[] = [];
  const first = Math.floor(offset / window);
  let matchesAtLeast = 0;
  let last = true;
  for (let k = first; ; k++) {
    const got = read(k, k === first ? offset - k * window : 0, count - rows.length);
    const n = got[0]?.n;
    // Nothing from this window: it holds no more than the page skips, so none follows.
    if (n === undefined) break;
    last = n <= window;
    matchesAtLeast = k * window + n;
    for (const r of got) rows.push({ rid: r.rid, score: r.score });
    if (last || rows.length >= count) break;
  }
  // More than one window's worth of matches is known only once a read came back full.
  return { rows, ranking: matchesAtLeast > window ? { window, matchesAtLeast, allCounted: last } : undefined };
}

/**
 * The marked snippets of the page's hits, by rowid. A query with a prefix term (`integ*`) costs FTS5 a
 * merge of every matching term's list at each MATCH it starts, whatever the rowid constraint: one MATCH
 * per hit cost 20 merges a page (measured: 72 of 140 ms at 100k documents). So such a query runs once over
 * the page's rowid range, with the page's rowids as a filter FTS5 does not see (`+rowid IN`), so snippet()
 * runs for the page's rows alone. Other queries seek each hit's rowid, cheaper than walking a range that
 * can span the whole index.
 */
function snippetsOf(ctx: ReadContext, words: string, parsed: ParsedQuery, rids: readonly number[]): Map<number, string> {
  const out = new Map<number, string>();
  if (rids.length === 0) return out;
  const snippet = `snippet(search_index, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS})`;
  // Rowids are bound as BigInts: FTS5 ignores a rowid constraint bound as a JS number (a REAL), and every
  // match would come back (seen with SQLite 3.53; the literal and BigInt forms filter).
  if (parsed.terms.some((t) => t.prefix)) {
    let lo = rids[0] as number;
    let hi = lo;
    for (const r of rids) {
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
    const rows = ctx.sql
      .get(`SELECT rowid AS rid, ${snippet} AS s FROM search_index WHERE search_index MATCH ? AND rowid >= ? AND rowid <= ? AND +rowid IN (SELECT value FROM json_each(?))`)
      .all(words, BigInt(lo), BigInt(hi), JSON.stringify(rids)) as { rid: number; s: string }[];
    for (const r of rows) out.set(r.rid, r.s);
    return out;
  }
  const one = ctx.sql.get(`SELECT ${snippet} FROM search_index WHERE search_index MATCH ? AND rowid = ?`, true);
  for (const rid of rids) out.set(rid, (one.get(words, BigInt(rid)) as string | undefined) ?? '');
  return out;
}

/**
 * One page of search hits, best first: by bm25 over every match when at most `window` documents match or
 * the query asks `rankAll`, else within windows of the newest matches ({@link rankInWindows}).
 */
export function searchDocuments(ctx: ReadContext, query: SearchQuery, window: number): SearchPage {
  const limit = validateSearchQuery(query);
  const offset = query.offset ?? 0;
  const parsed = parseSearchQuery(query.query);
  // Type and tags are terms of the FTS5 expression (the index's facet column, ../search-facets.ts), so
  // FTS5 intersects their term lists with the words' in C; the user's expression is confined to title and
  // content. The other filters select candidate documents (live ones) through
  // the documents' own indexes.
  const match = facetMatch(parsed, query);
  const where = ['d.trashed_at IS NULL'];
  const filterParams: (string | number)[] = [];
  if (query.author !== undefined) {
    where.push('d.author = ?');
    filterParams.push(query.author);
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
    filterParams.push(v);
  }
  // Rank first (rowids and scores only), then snippets for the page's rows alone: snippet() reads the
  // text, and computing it for every match before the sort would cost a text read per match.
  // Without filters other than type and tags the index alone answers (it holds live documents only, kept
  // exact by its triggers): no lookup of a head row per match. With an author or a time range, two plans,
  // chosen by how many documents match (counted up to FEW_MATCHES, cheap: no score, no text). Many: the
  // candidates are gathered once into SQLite's in-memory set for IN, each match is looked up there (the
  // `+` keeps FTS5 from taking the IN as a rowid constraint, one MATCH per value), and bm25 runs for the
  // matches that pass alone. Few (a rare word): each match checks its own document (a correlated EXISTS on
  // primary keys), which costs less than gathering every candidate. Both count and read the matches of the
  // whole expression, so type and tags have narrowed them already. A prefix query always takes the first
  // plan: counting its matches would cost FTS5 the prefix merge twice.
  const candidates = `SELECT d.doc FROM documents d WHERE ${where.join(' AND ')}`;
  const filters = (plan: Plan): string =>
    plan === 'index'
      ? ''
      : plan === 'candidates'
        ? `AND +rowid IN (${candidates})`
        : `AND EXISTS (${candidates} AND d.doc = search_index.rowid)`;
  const select = `SELECT rowid AS rid, bm25(search_index, ${TITLE_WEIGHT}, 1, 0) AS score FROM search_index WHERE search_index MATCH ?`;
  let rows: readonly Scored[];
  let ranking: SearchRanking | undefined;
  try {
    let plan: Plan = 'index';
    if (where.length > 1) {
      const few =
        !parsed.terms.some((t) => t.prefix) &&
        (ctx.sql.get(`SELECT count(*) FROM (SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ${FEW_MATCHES})`, true).get(match.all) as number) < FEW_MATCHES;
      plan = few ? 'each' : 'candidates';
    }
    const params = [match.all, ...(plan === 'index' ? [] : filterParams)];
    if (query.rankAll === true) {
      rows = ctx.sql.get(`${select} ${filters(plan)} ORDER BY score, rid LIMIT ? OFFSET ?`).all(...params, limit + 1, offset) as Scored[];
    } else {
      const inWindow = ctx.sql.get(windowSql(select, filters(plan)));
      ({ rows, ranking } = rankInWindows((k, from, n) => inWindow.all(...params, window + 1, k * window, window, n, from) as WindowRow[], window, offset, limit + 1));
    }
  } catch (err) {
    throw userQueryError(ctx, parsed, err) ?? err;
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  let snippets: Map<number, string>;
  try {
    snippets = snippetsOf(ctx, match.words, parsed, page.map((r) => r.rid));
  } catch (err) {
    throw userQueryError(ctx, parsed, err) ?? err;
  }
  const headOf = ctx.sql.get(`SELECT ${HEAD_COLUMNS} FROM documents d WHERE d.doc = ?`);
  const items: SearchHit[] = [];
  for (const r of page) {
    const head = headOf.get(r.rid) as HeadRow | undefined;
    // Belt and braces: never show a document that is gone or in the Trash, even if the index disagreed.
    if (head === undefined || head.trashed_at !== null) continue;
    const s = summaryOf(ctx.macKey, head);
    const { text, marks } = splitMarks(snippets.get(r.rid) ?? '');
    const hit: SearchHit = { id: s.id, title: s.title, type: s.type, tags: s.tags, version: s.version, createdAt: s.createdAt, updatedAt: s.updatedAt, score: -r.score, snippet: text, marks };
    items.push(s.integrityFailed === true ? { ...hit, integrityFailed: true } : hit);
  }
  const out: SearchPage = { items, nextOffset: more ? offset + limit : null, terms: parsed.terms };
  return ranking === undefined ? out : { ...out, ranking };
}

/**
 * Rebuilds the full-text index from `search_source` (FTS5's `rebuild`): the repair for a damaged or stale
 * index. The search queue is emptied and the search mark put at the last document first (and the sequence
 * mark at the last version: ../search-seq-schema.ts), so the view it reads is the current version of every
 * live document, whatever the queue held. The tag rows, which move
 * with the queue (schema step "tag rows queued"), are made again from the live heads in the same
 * transaction: emptying the queue alone left those of the documents it held as of their last flush.
 * The caller holds the write transaction; the documents are only read.
 */
export function rebuildSearchIndex(db: WritableDB): void {
  db.prepare('DELETE FROM search_queue').run();
  db.prepare(MARK_AT_END_SQL).run();
  db.prepare(SEQ_TO_END_SQL).run();
  db.prepare("INSERT INTO search_index (search_index) VALUES ('rebuild')").run();
  db.prepare('DELETE FROM document_tags').run();
  db.prepare(HEAD_TAG_ROWS_SQL).run();
}
