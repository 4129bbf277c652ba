/**
 * Schema step "time rows held": lists by update time walk rows the search queue's flush moves, not two
 * indexes every write re-keys.
 *
 * Until this step every update re-keyed `documents_updated (updated_at, doc)` and `documents_type (type,
 * updated_at)` by its new time: a delete at a random place and an insert at the end of each, 4.3 of an
 * update's 16.75 WAL frames, a quarter of its CPU (docs/bench.md, fifteenth session). From this step the
 * two indexes are gone, and each live document holds two more rows in `document_tags (tag, updated_at, doc)`
 * beside its tag rows, under keys no tag can take (tags are printable): `char(1)` (every live document) and
 * `char(2) || type` (its type). They move exactly as its tag rows do since step "tag rows queued": written,
 * re-keyed and removed by the search queue's flush from the version the index holds (../search-queue-schema.ts,
 * `heldList`), so a list sorted by update time reads them the way a tag list reads tag rows, and flushes
 * first on a writer and through the service.
 *
 * The step adds the rows as a flush would have left them: for each live document at or before the search
 * mark that is not queued, its head's (keyed by the head's update time); for each queued document, those of
 * the version the index holds (keyed by that version's time: its head's update time when it was written);
 * none for a document after the mark or one queued with nothing indexed. Then the two indexes are dropped.
 * One transaction (migrations.ts): a crash leaves the vault at step 19 or 20, never between.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { forEachDocumentChunk } from './migration-chunks';
import type { MigrationContext } from './migrations';

// Literals, as in migrations.ts: a shipped step never changes (the runtime SQL lives in search-queue-schema.ts).

/** Live, unqueued documents in (after, last] at or before the mark: their head's two rows. */
const HEAD_ROWS_SQL = `
  INSERT OR IGNORE INTO document_tags (tag, updated_at, doc)
    SELECT j.value, d.updated_at, d.doc FROM documents d, json_each(json_array(char(1), char(2) || d.type)) j
    WHERE d.doc > ? AND d.doc <= ? AND d.trashed_at IS NULL
      AND d.doc <= coalesce((SELECT n FROM counters WHERE key = 'search_mark'), 1099511627776)
      AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.doc = d.doc)`;

/** Queued documents: the two rows of the version the index holds (none when it holds nothing). */
const QUEUED_ROWS_SQL = `
  INSERT OR IGNORE INTO document_tags (tag, updated_at, doc)
    SELECT j.value, v.created_at, q.doc FROM search_queue q JOIN versions v ON v.vid = q.indexed,
      json_each(json_array(char(1), char(2) || v.type)) j`;

const DROP_SQL = 'DROP INDEX documents_updated; DROP INDEX documents_type;';

/** Documents per statement of the step (progress is reported after each). */
const CHUNK = 8192;

/** The step (see the file comment); reports its progress in documents. */
export function holdTimeRows(db: Database.Database, ctx: MigrationContext = {}): void {
  const fill = db.prepare(HEAD_ROWS_SQL);
  const total = forEachDocumentChunk(db, ctx, CHUNK, (after, last) => fill.run(after, last));
  db.prepare(QUEUED_ROWS_SQL).run();
  db.exec(DROP_SQL);
  ctx.stepProgress?.(total + 1, total + 1);
}
