/**
 * verify's checks of the derived structures: SQLite's own check (which tables, and its lines as problems)
 * and the search index's rows against the heads. verify-derived.ts runs them in the `sqlite` and `index` phases.
 */
import type { VerifyProblem } from '../../../shared/types';
import type { ReadContext } from './statements';

/** Rows of the search index (and heads) read per statement. */
const PAGE = 1000;
/** The FTS5 index, named in its problems. */
export const SEARCH_INDEX = 'search_index';

/**
 * Tables SQLite's check leaves to other phases at the default depth: the FTS5 table (FTS5's structure check
 * decodes every posting list: deep only; its rows are compared with the heads by {@link compareIndexedDocuments}).
 * `versions` was one until its rows got a key index (schema step "versions in append order"): that index's
 * entries are compared with its rows here like any other table's; its pages are left to the document phase
 * ({@link PAGES_READ_BY_OTHER_PHASES}).
 */
export const LEFT_TO_OTHER_PHASES: ReadonlySet<string> = new Set([SEARCH_INDEX]);

/**
 * Tables whose every row an earlier phase reads at the default depth, each page authenticated by the cipher as
 * it is read and each row checked by key: `versions` and `documents` by the document phase (every version
 * against its tag and its document's chain, every head against its tag), `document_tags` by the tag-row phase
 * (every row in its keyed sum). SQLite's check still compares their indexes with their rows
 * (./verify-indexes.ts), but leaves `quick_check`'s walk of their pages (free-space accounting, cell layout,
 * constraints, column types) to the deep verify: what only that walk finds is a page whose bookkeeping is
 * wrong while its rows still read back, or a value of the wrong type or outside a CHECK that still reads back
 * as the keyed value (a row whose values change fails its tag or the keyed sum). The walk read each of these
 * pages once more: `versions` 8.0 s, `documents` ~2.1 s and `document_tags` ~1.2 s of a verify at a million
 * documents (docs/bench.md, twenty-first and twenty-second sessions).
 */
export const PAGES_READ_BY_OTHER_PHASES: ReadonlySet<string> = new Set(['versions', 'documents', 'document_tags']);

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
 * The search index's rows against the heads (verify's default depth): the documents it holds entries for
 * (`search_index_docsize`, one row per entry, keyed by document since schema step "search entries keyed by
 * document", in key order) must be exactly the live documents. Both are merged a page at a time, from
 * document `after` on; `diff` counts live documents not indexed ([0]) and entries of documents that are not
 * live ([1]). Finds a document missing from the index, one left in it after its move to the Trash or its
 * purge; not which version an entry holds, nor a wrong term inside one (deep: FTS5's comparison with the
 * text). Returns the document it stopped after when `overBudget` said so between pages, undefined once
 * complete. Throws what reading throws (damage).
 */
export function compareIndexedDocuments(
  ctx: ReadContext,
  after: number,
  diff: [number, number],
  overBudget: () => boolean,
): number | undefined {
  const indexed = ctx.sql.get(`SELECT id FROM search_index_docsize WHERE id > ? ORDER BY id LIMIT ${PAGE}`, true);
  const live = ctx.sql.get(`SELECT doc FROM documents WHERE doc > ? AND trashed_at IS NULL ORDER BY doc LIMIT ${PAGE}`, true);
  let at = after;
  for (;;) {
    const page = indexed.all(at) as number[];
    const heads = live.all(at) as number[];
    // Every key up to the smaller of the full pages' last keys (the end when neither page is full) is on
    // both pages: the page is compared up to it.
    const bound = Math.min(page.length === PAGE ? (page[PAGE - 1] as number) : Number.MAX_SAFE_INTEGER, heads.length === PAGE ? (heads[PAGE - 1] as number) : Number.MAX_SAFE_INTEGER);
    const have = page.filter((k) => k <= bound);
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
