/**
 * Schema steps that rewrite rows of every document do it a chunk of documents at a time, with progress
 * (time-rows-schema.ts, title-rows-schema.ts). The steps' SQL stays in their own files, frozen as it shipped;
 * this is only the walk.
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
