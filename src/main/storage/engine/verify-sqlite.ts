/**
 * verify's checks of the derived structures: SQLite's own check (which tables, and its lines as problems)
 * and the search index's rows against the heads. verify-derived.ts runs them in the `sqlite` and `index` phases.
 */
import type { VerifyProblem } from '../../../shared/types';
import { VERSION_BITS } from '../migrations';
import type { ReadContext } from './statements';

const DOC_SPAN = 2 ** VERSION_BITS;
/** Rows of the search index (and heads) read per statement. */
const PAGE = 1000;
/** The FTS5 index, named in its problems. */
export const SEARCH_INDEX = 'search_index';

/**
 * Tables SQLite's check leaves to other phases at the default depth: the FTS5 table (FTS5's structure check
 * decodes every posting list: deep only; its rows are compared with the heads by {@link compareIndexedVersions}).
 * `versions` was one until its rows got a key index (schema step "versions in append order"): its pages and
 * that index's entries are now checked here like any other table's.
 */
export const LEFT_TO_OTHER_PHASES: ReadonlySet<string> = new Set([SEARCH_INDEX]);

/**
 * Makes this connection's FTS5 see the search index as its current snapshot has it, before SQLite's check
 * runs FTS5's. FTS5 caches the index's structure record (its list of segments) per connection and drops
 * the copy only when a statement opens the table (xOpen, xBegin) and `PRAGMA data_version` says another
 * connection committed since; SQLite's `integrity_check` calls FTS5's xIntegrity without either. On a
 * connection that had not opened the table since another one wrote (a reader of the service after a burst
 * of writes), that check walked segments merged away since, and reported "fts5: corruption found reading
 * blob" of an index that was sound. One lookup of a rowid no version has (0) opens the table: cheap, and
 * inside the caller's read transaction, so the structure it loads is that snapshot's.
 */
export function freshenSearchIndex(ctx: ReadContext): void {
  ctx.sql.get(`SELECT rowid FROM ${SEARCH_INDEX} WHERE rowid = 0`, true).all();
}

/** `name` as an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A problem of the search index, with the repair. */
export function indexProblem(what: string): VerifyProblem {
  return { kind: 'Index', index: SEARCH_INDEX, message: `search index "${SEARCH_INDEX}" ${what}; \`docvault verify --repair-index\` rebuilds it from the documents` };
}

/** A line of SQLite's check: about the search index (its FTS5 tables) as `Index`, anything else as `Sqlite`. */
function sqliteProblem(line: string): VerifyProblem {
  if (line.includes(SEARCH_INDEX)) return indexProblem(`is damaged (${line})`);
  return { kind: 'Sqlite', message: line };
}

/** SQLite reports a page it could not read (damaged or failing its page HMAC) in lines like these. */
const UNREADABLE_PAGE = /unable to get the page|failed to get page|error code=11\b/;

/**
 * `integrity_check`'s lines as problems. A page that cannot be read makes SQLite report it and, as a
 * consequence, every page below it as "never used": one `Corrupt` problem then says so (with the first
 * lines), instead of a hundred lines that read like separate faults. Other lines are `Sqlite` problems, or
 * `Index` ones when they name the search index.
 */
export function integrityCheckProblems(lines: readonly string[]): VerifyProblem[] {
  const bad = lines.filter((l) => l !== 'ok');
  if (!bad.some((l) => UNREADABLE_PAGE.test(l))) return bad.map(sqliteProblem);
  const shown = bad.slice(0, 4).join('; ');
  return [{ kind: 'Corrupt', message: `SQLite's check found unreadable pages (damaged or altered): ${shown}${bad.length > 4 ? `; and ${bad.length - 4} more lines` : ''}` }];
}

/**
 * The search index's rows against the heads (verify's default depth): the versions it holds
 * (`search_index_docsize`, one row per indexed version, in key order) must be exactly the current versions
 * of the live documents (in the same order: a version key is doc * 2^24 + version). Both are merged a page
 * at a time, each page over whole documents and in one snapshot, from key `after` on; `diff` counts current
 * versions not indexed ([0]) and indexed versions not current or not live ([1]). Finds a document missing
 * from the index, one left in it after its move to the Trash, a stale version; not a wrong term inside one
 * document's entries (deep: FTS5's comparison with the text). Returns the key it stopped after when
 * `overBudget` said so between pages, undefined once complete. Throws what reading throws (damage).
 */
export function compareIndexedVersions(
  ctx: ReadContext,
  after: number,
  diff: [number, number],
  overBudget: () => boolean,
): number | undefined {
  const indexed = ctx.sql.get(`SELECT id FROM search_index_docsize WHERE id > ? ORDER BY id LIMIT ${PAGE}`, true);
  const indexedUpTo = ctx.sql.get('SELECT id FROM search_index_docsize WHERE id > ? AND id <= ? ORDER BY id', true);
  const live = ctx.sql.get(`SELECT (doc * ${DOC_SPAN}) + version FROM documents WHERE doc >= ? AND trashed_at IS NULL ORDER BY doc LIMIT ${PAGE + 1}`, true);
  /** The last key of the document of `key`: pages end on whole documents. */
  const docEnd = (key: number): number => (Math.floor(key / DOC_SPAN) + 1) * DOC_SPAN - 1;
  let at = after;
  for (;;) {
    const ids = indexed.all(at) as number[];
    const heads = (live.all(Math.floor(at / DOC_SPAN)) as number[]).filter((k) => k > at);
    const lastId = ids.length === PAGE ? ids[ids.length - 1] : undefined;
    const lastHead = heads.length >= PAGE ? heads[PAGE - 1] : undefined;
    const bound = Math.min(lastId === undefined ? Number.MAX_SAFE_INTEGER : docEnd(lastId), lastHead === undefined ? Number.MAX_SAFE_INTEGER : docEnd(lastHead));
    // Further indexed versions of the page's last document (a stale copy beside its current one).
    if (lastId !== undefined && bound > lastId) ids.push(...(indexedUpTo.all(lastId, bound) as number[]));
    const have = ids.filter((k) => k <= bound);
    const want = heads.filter((k) => k <= bound);
    let i = 0;
    let j = 0;
    while (i < want.length || j < have.length) {
      const w = want[i];
      const h = have[j];
      if (h === undefined || (w !== undefined && w < h)) {
        diff[0]++;
        i++;
      } else if (w === undefined || h < w) {
        diff[1]++;
        j++;
      } else {
        i++;
        j++;
      }
    }
    if (bound === Number.MAX_SAFE_INTEGER) return undefined;
    at = bound;
    if (overBudget()) return at;
  }
}
