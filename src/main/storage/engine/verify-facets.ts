/**
 * verify's check of the search index's facet column (../search-facets.ts) at the default depth: how many
 * indexed versions carry each facet token must be how many live documents have that type or tag. A wrong
 * facet on one entry changes two counts (the token it lost, the one it gained), so it is found here; two
 * entries whose facets were swapped keep every count, and are found by the deep check (FTS5's comparison
 * of each entry with its text, facets included).
 */
import { TAG_FACET_MARK, TYPE_FACET_MARK, tagFacet, typeFacet } from '../search-facets';
import { TYPE_KEY, isReservedKey } from '../search-queue-schema';
import type { VerifyProblem } from '../../../shared/types';
import type { ReadContext } from './statements';
import { indexProblem } from './verify-sqlite';

/** One past the last marker: facet tokens sort in [TYPE_FACET_MARK, FACETS_END). */
const FACETS_END = String.fromCharCode(TAG_FACET_MARK.charCodeAt(0) + 1);

/**
 * The facet column's problem, if any (verify's index phase, once the rows matched, in the last chunk's
 * snapshot): the number of facets counted on a different number of entries than live documents have them,
 * the heads and tag rows counted now, in one piece (when the document phase's totals cannot be used: see
 * {@link facetProblemsInSteps}).
 */
export function facetProblems(ctx: ReadContext): VerifyProblem[] {
  return compareFacets(ctx, countFacetsNow(ctx), ['', 0, 0], () => false) ?? [];
}

/**
 * The same against `counted`, the document phase's totals over verified heads (`type:…`, `tag:…`), when it
 * saw the vault as it is now: nothing is counted again, and a chunk can stop between the facet tokens when
 * `overBudget` says so (at 1M documents the longest, a type's, took ~80 ms, all of them ~0.2 s). Returns
 * undefined when stopped (`at` then says where), else the problems.
 */
export function facetProblemsInSteps(ctx: ReadContext, counted: ReadonlyMap<string, number>, at: [string, number, number], overBudget: () => boolean): VerifyProblem[] | undefined {
  return compareFacets(ctx, facetsOfCounts(counted), at, overBudget);
}

/**
 * The index's facet tokens read one per step after `at` ([last token, counts that differed, expected
 * tokens met]) and compared with `want`; undefined when `overBudget` stopped it (`at` says where).
 */
function compareFacets(ctx: ReadContext, want: ReadonlyMap<string, number>, at: [string, number, number], overBudget: () => boolean): VerifyProblem[] | undefined {
  let stopped = false;
  const problems = facetReport(ctx, () => {
    const first = ctx.sql.get("SELECT term, doc AS n FROM search_facet_terms WHERE term >= ? AND term < ? AND col = 'facets' LIMIT 1");
    const next = ctx.sql.get("SELECT term, doc AS n FROM search_facet_terms WHERE term > ? AND term < ? AND col = 'facets' LIMIT 1");
    for (;;) {
      // '' is no token (every facet token starts with its marker): the first step.
      const r = (at[0] === '' ? first.get(TYPE_FACET_MARK, FACETS_END) : next.get(at[0], FACETS_END)) as { term: string; n: number } | undefined;
      if (r === undefined) break;
      const n = want.get(r.term);
      if (n !== undefined) at[2]++;
      if (n !== r.n) at[1]++;
      at[0] = r.term;
      if (overBudget()) {
        stopped = true;
        return 0;
      }
    }
    // Each expected token not met in the index is one more count that differs.
    return at[1] + (want.size - at[2]);
  });
  return stopped ? undefined : problems;
}

/** The problem of `count()` facets counted wrong; damage to FTS5's own pages is the index's problem. */
function facetReport(ctx: ReadContext, count: () => number): VerifyProblem[] {
  let wrong: number;
  try {
    wrong = count();
  } catch (err) {
    // FTS5 reports a damaged page of its own as CORRUPT_VTAB: the index's problem (a rebuild repairs it),
    // not the documents'. Damage to the vault's pages stays what it is.
    if ((err as { code?: string }).code === 'SQLITE_CORRUPT_VTAB') return [indexProblem(`is damaged where its type and tag facets are (${(err as Error).message})`)];
    throw err;
  }
  return wrong === 0 ? [] : [indexProblem(`has wrong type or tag facets: ${wrong} facet(s) on a different number of entries than live documents have them`)];
}

/**
 * The facet tokens the live documents should give, with how many entries should carry each, from the
 * document phase's totals over verified heads: no read at all (at 1M documents the reads of
 * {@link countFacetsNow} took ~0.45 s, in one call a caller could wait behind).
 */
function facetsOfCounts(counted: ReadonlyMap<string, number>): Map<string, number> {
  const want = new Map<string, number>();
  for (const [key, n] of counted) {
    if (n === 0) continue;
    if (key.startsWith('type:')) want.set(typeFacet(key.slice(5)), n);
    else if (key.startsWith('tag:')) want.set(tagFacet(key.slice(4)), n);
  }
  return want;
}

/** The same, read now: the held rows by key (tags, and types through their reserved keys). */
function countFacetsNow(ctx: ReadContext): Map<string, number> {
  const want = new Map<string, number>();
  // Held rows exist for live documents only (moving to the Trash removes them), as the index's entries: the
  // tags' rows and, by type, the rows of the reserved type keys (../time-rows-schema.ts; the tag-row sweep
  // compares all of them with the heads). Read from the rows' own keys, not the heads (a pass over every
  // head row: 0.9–1 s at 100k, measured). The title rows (../title-rows-schema.ts), a key per title, are skipped.
  const rows = ctx.sql
    .get("SELECT tag, count(*) AS n FROM document_tags WHERE tag >= char(2) AND tag < char(3) GROUP BY tag UNION ALL SELECT tag, count(*) FROM document_tags WHERE tag >= ' ' GROUP BY tag")
    .all() as { tag: string; n: number }[];
  for (const r of rows) {
    if (!isReservedKey(r.tag)) want.set(tagFacet(r.tag), r.n);
    else if (r.tag.startsWith(TYPE_KEY)) want.set(typeFacet(r.tag.slice(TYPE_KEY.length)), r.n);
  }
  return want;
}
