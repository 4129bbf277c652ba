/**
 * Schema steps that rewrite rows of every document do it a chunk of documents at a time, with progress
 * (time-rows-schema.ts, title-rows-schema.ts). The steps' SQL stays in their own files, frozen as it shipped;
 * this is only the walk. Steps that make the search index again, or merge it, free its pages a bounded
 * number per statement too (search-facets.ts, search-doc-keys-schema.ts, step "search index merged").
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { MigrationContext } from './migrations';

/** The last document of the next chunk after a document number (parameters: after, chunk size). */
const CHUNK_END_SQL = 'SELECT max(doc) FROM (SELECT doc FROM documents WHERE doc > ? ORDER BY doc LIMIT ?)';

/**
 * Calls `run(after, last)` for every chunk of `chunk` documents in document order, reporting progress in
 * documents out of their count + 1 (the step's own last piece of work, which the caller reports when done).
 * Returns the count.
 */
export function forEachDocumentChunk(db: Database.Database, ctx: MigrationContext, chunk: number, run: (after: number, last: number) => void): number {
  const total = db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  const chunkEnd = db.prepare(CHUNK_END_SQL).pluck();
  ctx.stepProgress?.(0, total + 1);
  let done = 0;
  for (let after = 0; ; ) {
    const last = chunkEnd.get(after, chunk) as number | null;
    if (last === null) break;
    run(after, last);
    after = last;
    done = Math.min(total, done + chunk);
    ctx.stepProgress?.(done, total + 1);
  }
  return total;
}

/**
 * The search index's rows, a bounded number per statement, until none is left (before the step drops the
 * index). Dropped whole, the index's pages were freed by one statement: with `secure_delete` each freed page
 * is overwritten, and SQLite keeps every such page's old content in the statement's journal, in memory
 * (`temp_store = MEMORY`): 1.1 GB at a million documents (docs/bench.md, twentieth session). FTS5's own
 * records in `search_index_data` (the averages, 1, and the structure, 10) stay for its drop to read;
 * segment blocks have far larger ids. `search_index_idx` (a row per leaf page, a few bytes each) goes with
 * the drop.
 */
const SEARCH_ROWS_SQL = [
  'DELETE FROM search_index_data WHERE rowid IN (SELECT rowid FROM search_index_data WHERE rowid > 10 LIMIT ?)',
  'DELETE FROM search_index_docsize WHERE rowid IN (SELECT rowid FROM search_index_docsize LIMIT ?)',
] as const;

/** Rows of the index deleted per statement (a block of `search_index_data` is up to ~4 KB). */
const SEARCH_ROWS_CHUNK = 2048;

/** The number of rows {@link deleteSearchRows} will delete (its progress counts them). */
export function searchRowCount(db: Database.Database): number {
  return db.prepare('SELECT (SELECT count(*) FROM search_index_data) + (SELECT count(*) FROM search_index_docsize)').pluck().get() as number;
}

/**
 * Deletes the search index's rows (see {@link SEARCH_ROWS_SQL}), reporting after each statement how many
 * are gone. FTS5's shadow tables are written to only by FTS5 (SQLite's defensive mode, which
 * better-sqlite3 turns on); this lifts that for these deletes alone: the caller drops the index right after.
 */
export function deleteSearchRows(db: Database.Database, progress: (deleted: number) => void): void {
  db.unsafeMode(true);
  try {
    let deleted = 0;
    for (const sql of SEARCH_ROWS_SQL) {
      const step = db.prepare(sql);
      for (let n = step.run(SEARCH_ROWS_CHUNK).changes; n > 0; n = step.run(SEARCH_ROWS_CHUNK).changes) {
        deleted += n;
        progress(deleted);
      }
    }
  } finally {
    db.unsafeMode(false);
  }
}

/** Leaf pages FTS5 writes per statement of {@link mergeSearchIndex} (FTS5's own 'optimize' works in units of 1,000). */
const MERGE_PAGES = 1000;

/**
 * The search index merged into one segment, as FTS5's 'optimize' leaves it, a bounded number of pages per
 * statement: 'optimize' frees every page of the old segments in one statement, so its journal holds them
 * all (see {@link SEARCH_ROWS_SQL}). A negative 'merge' moves every segment to one level and starts merging
 * them; positive ones go on with that merge (FTS5 finishes a level's merge before it starts another) until
 * one finds nothing to do: FTS5's own test, fewer than two rows changed. Reports after each statement the
 * pages written so far (at most the total) out of `search_index_data`'s row count before the merge + 1 (the
 * step's own last piece of work, as {@link forEachDocumentChunk} counts).
 */
export function mergeSearchIndex(db: Database.Database, progress: (done: number, total: number) => void): void {
  const total = Math.max(1, db.prepare('SELECT count(*) FROM search_index_data').pluck().get() as number);
  const changes = db.prepare('SELECT total_changes()').pluck();
  const start = db.prepare(`INSERT INTO search_index (search_index, rank) VALUES ('merge', -${MERGE_PAGES})`);
  const more = db.prepare(`INSERT INTO search_index (search_index, rank) VALUES ('merge', ${MERGE_PAGES})`);
  for (let step = start, pages = MERGE_PAGES; ; step = more, pages += MERGE_PAGES) {
    const before = changes.get() as number;
    step.run();
    if ((changes.get() as number) - before < 2) return;
    progress(Math.min(pages, total), total + 1);
  }
}
