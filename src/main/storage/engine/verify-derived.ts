/**
 * verify's last two phases, over what is derived from the documents rather than the documents themselves:
 * SQLite's own structures (`sqlite`: each table's b-trees, and its indexes against its rows) and the
 * search index (`index`). verify.ts runs them after the documents and tag rows, a step at a time; where
 * they stand travels in its token ({@link DerivedAt}).
 */
import type { VerifyProblem } from '../../../shared/types';
import type { AttachmentStore } from './attachments';
import type { AttachmentVerifier } from './attachments-verify';
import type { ReadContext } from './statements';
import type { EntryKeys } from './verify-digest';
import { checkTable, isOnlyItsOwnBtree, planTable, type IndexCheckState } from './verify-indexes';
import { facetProblems, facetProblemsInSteps } from './verify-facets';
import { LEFT_TO_OTHER_PHASES, PAGES_READ_BY_OTHER_PHASES, SEARCH_INDEX, compareIndexedDocuments, freshenSearchIndex, indexProblem, integrityCheckProblems, quoteIdent } from './verify-sqlite';
import { PENDING_COUNT_SQL } from '../search-mark-schema';

/** What verify may do beyond reading: compare the search index with the text it indexes (a write statement in FTS5). */
export interface VerifyExtras {
  /** Throws SQLITE_CORRUPT_VTAB if the index does not match its source. Absent on a read-only connection. */
  readonly checkSearchIndex?: () => void;
  /** The vault's attachment store: every stored file a version lists is read and checked, references recounted. */
  readonly attachments?: AttachmentStore;
}

/** What these phases share with the run (verify.ts). */
export interface DerivedRun {
  readonly ctx: ReadContext;
  readonly deep: boolean;
  readonly chunked: boolean;
  readonly problems: VerifyProblem[];
  /** Checks left out, and why (the report's `skipped`). */
  readonly skips: string[];
  readonly files: AttachmentVerifier | undefined;
  readonly extras: VerifyExtras;
  readonly entryKeys: EntryKeys;
  overBudget(): boolean;
  /** Counts one step in progress. */
  tick(): void;
  /** Reports damage met (and restarts the read transaction); rethrows anything else. */
  corrupt(err: unknown, where: string): void;
  /** Whether damage has hidden rows so far. */
  damaged(): boolean;
  /**
   * The live documents per `type:` and `tag:` that the document phase counted from verified heads (and their
   * other totals), when that phase saw the vault as it is now (no change between chunks, no damage); else undefined.
   */
  documentCounts(): ReadonlyMap<string, number> | undefined;
}

/** Where these phases stand between chunks. */
export interface DerivedAt {
  /** sqlite: how many tables are done. */
  tables: number;
  /** sqlite (default depth): inside the check of table number `tables`. */
  ix: IndexCheckState | undefined;
  /** index (default depth): the last version key compared. */
  indexAt: number;
  /** index: current versions not indexed, indexed versions not current. */
  readonly indexDiff: [number, number];
  /** index: where the facet comparison stands once the rows matched (verify-resume.ts `facets`); undefined before. */
  facets: [string, number, number] | undefined;
}

/** How a phase's step ended: `done` — the phase is complete; `stop` — the budget ran out (inside it, or at its end). */
export interface StepEnd {
  readonly done: boolean;
  readonly stop: boolean;
}

/**
 * SQLite's own check, one table per step. Default depth: a table with indexes by `quick_check(T)` and
 * its indexes against its rows by sequential scans, a page at a time (./verify-indexes.ts); one without,
 * by `integrity_check(T)` (the same check then). Deep: `integrity_check(T)` (every index entry looked up
 * from its row); in one call, the whole-file check instead, which adds the file's page accounting
 * (free-list pages, pages used twice or never) and FTS5's check of the search index's structure. At the
 * default depth the other phases have the pages of `versions`, `documents` and `document_tags`, whose every row
 * they read (each page authenticated by the cipher) and check by key — `quick_check` of those tables is deep's
 * (their indexes are still compared with their rows here: ./verify-sqlite.ts PAGES_READ_BY_OTHER_PHASES) —, and the
 * search index's virtual table (FTS5's structure check decodes every posting list: seconds per 100k
 * documents), whose shadow tables' b-trees are still checked here and whose rows are compared with the
 * heads by {@link indexPhase}. `apart`: `skip` — left to a run of its own (verify-parts.ts).
 */
export function sqlitePhase(run: DerivedRun, at: DerivedAt, apart: 'only' | 'skip' | undefined): StepEnd {
  const { ctx, deep, chunked, problems, files } = run;
  const db = ctx.db;
  if (apart === 'skip') return { done: true, stop: false };
  if (at.tables === 0 && at.ix === undefined && files !== undefined) {
    try {
      // Reference counts recounted from every list, in one piece, before SQLite's own check.
      files.finish(problems);
    } catch (err) {
      run.corrupt(err, 'attachment reference counts');
    }
  }
  const report = (lines: string[]): void => {
    problems.push(...integrityCheckProblems(lines));
  };
  const integrityCheck = (name?: string): void => {
    // FTS5's check of its structure (inside SQLite's) must see the index as this snapshot has it.
    if (name === undefined || name === SEARCH_INDEX) freshenSearchIndex(ctx);
    report((db.pragma(name === undefined ? 'integrity_check' : `integrity_check(${quoteIdent(name)})`) as { integrity_check: string }[]).map((r) => r.integrity_check));
  };
  try {
    if (deep && !chunked) {
      integrityCheck();
      return { done: true, stop: false };
    }
    const all = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const names = deep ? all : all.filter((n) => !LEFT_TO_OTHER_PHASES.has(n));
    while (at.tables < names.length) {
      const name = names[at.tables] as string;
      const plan = deep ? undefined : planTable(db, name);
      const readElsewhere = !deep && PAGES_READ_BY_OTHER_PHASES.has(name);
      if (plan === undefined) {
        // A table that is its only b-tree (no index to compare) and whose pages another phase reads: nothing left here.
        if (!(readElsewhere && isOnlyItsOwnBtree(db, name))) integrityCheck(name);
      } else {
        const checked = readElsewhere ? { ...plan, pagesReadElsewhere: true } : plan;
        at.ix = checkTable(ctx, checked, at.ix, run.entryKeys, problems, report, () => run.overBudget());
        if (at.ix !== undefined) return { done: false, stop: true };
      }
      at.tables++;
      // A step of its own only in chunks (progress counts rows; a whole run's total is the documents and versions).
      if (chunked) run.tick();
      if (at.tables < names.length && chunked && run.overBudget()) return { done: false, stop: true };
    }
  } catch (err) {
    at.ix = undefined;
    run.corrupt(err, 'integrity_check');
  }
  return { done: true, stop: run.overBudget() };
}

/**
 * The search index's rows against the heads (default depth): the versions it holds (`search_index_docsize`,
 * one row per indexed version, in key order) must be exactly the current versions of the live documents
 * (in the same order: a version key is doc * 2^24 + version). Both streams are merged a page at a time,
 * each page over whole documents and in one snapshot. Finds a document missing from the index, one left
 * in it after its move to the Trash, a stale version; then each facet's count. Not a wrong word inside
 * one document's entries (deep: FTS5's comparison with the text). True if the budget ran out.
 */
export function indexPhase(run: DerivedRun, at: DerivedAt): boolean {
  try {
    // Documents queued for the index (written since the writer's last flush: engine/search-queue.ts) are
    // entries the index does not hold yet, or holds as an older version: not a fault, and not comparable
    // here. A verify on a writer, or through the service, flushes first, so this is a write that came
    // during the verify, or a read-only connection's view of a busy writer.
    const queued = run.ctx.sql.get(PENDING_COUNT_SQL, true).get() as number;
    if (queued > 0) {
      run.skips.push(`the search index against the documents: ${queued} document(s) were waiting to be indexed (verify again once the vault is idle)`);
      return false;
    }
    // Not counted in progress: the rows it reads are the documents' again.
    if (at.facets === undefined) {
      const stopped = compareIndexedDocuments(run.ctx, at.indexAt, at.indexDiff, () => run.overBudget());
      if (stopped !== undefined) {
        at.indexAt = stopped;
        return true;
      }
      const [missing, extra] = at.indexDiff;
      if (missing > 0 || extra > 0)
        run.problems.push(indexProblem(`does not match the documents: ${missing} live document(s) not indexed, ${extra} indexed document(s) not live`));
      at.facets = ['', 0, 0];
      // Chunked, the facet step starts a chunk of its own: the service sends it, on a large vault, to a
      // thread of its own (one token's list can take longer than a chunk: service/verify-runner.ts).
      if (run.chunked) return true;
    }
    // The facets are counted against the heads' types and the tag rows. When earlier phases found those
    // altered, a mismatch says nothing about the index (it holds the versions' own types and tags), so the
    // comparison is left out rather than blaming the index; a clean run compares them. With the document
    // phase's totals the tokens are read one per step (a chunk can stop between them); without, in one piece.
    const counted = run.documentCounts();
    const facets = counted === undefined ? facetProblems(run.ctx) : facetProblemsInSteps(run.ctx, counted, at.facets, () => run.overBudget());
    if (facets === undefined) return true;
    if (facets.length > 0 && run.problems.some((p) => p.kind !== 'Index'))
      run.skips.push("the search index's type and tag facets: not compared, as other problems were found first (fix them, then verify again)");
    else run.problems.push(...facets);
  } catch (err) {
    run.corrupt(err, 'the search index rows');
  }
  return false;
}

/** The search index against the text it indexes (FTS5's `integrity-check` with the content comparison), in one piece. */
export function deepIndexPhase(run: DerivedRun): void {
  const check = run.extras.checkSearchIndex;
  const why = check === undefined ? "a read-only connection cannot run FTS5's check (SQLite's check covered its structure)" : run.damaged() ? 'damaged pages hid rows' : undefined;
  if (why !== undefined || check === undefined) {
    run.skips.push(`the search index against its text: ${why ?? ''}`);
    return;
  }
  try {
    check();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    // Its command takes the write lock: another connection writing is no finding, only a check not made.
    if (code.startsWith('SQLITE_BUSY')) {
      run.skips.push('the search index against its text: another connection was writing (run verify again)');
      return;
    }
    // FTS5 reports a mismatch as CORRUPT_VTAB; a damaged page of the text it reads is damage, not the index's fault.
    if (code !== 'SQLITE_CORRUPT_VTAB') {
      run.corrupt(err, 'the search index check');
      return;
    }
    run.problems.push(indexProblem(`does not match the documents' text (${(err as Error).message})`));
  }
}
