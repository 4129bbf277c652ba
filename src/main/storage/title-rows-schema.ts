/**
 * Schema step "title rows held": lists sorted by title walk rows the search queue's flush moves, not an
 * index every create inserts into.
 *
 * Until this step every create inserted its title into `documents_title (title, doc)`, at a random place:
 * 1.33 of a create's 8.68 WAL frames (`scripts/wal-pages.mjs --kind save`, docs/bench.md, nineteenth
 * session), and an update that changed a title moved its entry. From this step the index is gone, and each
 * live document holds one more row in `document_tags (tag, updated_at, doc)` beside its tag rows and the two
 * rows of step "time rows held": under `char(3) || title` (a control character first: no tag can take the
 * key, tags are printable; and keys under it sort as their titles do), with the time 0, so one title's rows
 * are in creation order as the index had them, and an update that keeps its title leaves its row alone. It
 * moves as those rows do: written, moved and removed by the search queue's flush from the version the index
 * holds (../search-queue-schema.ts, `heldList`, `heldTime`), so a list sorted by title walks that key's range,
 * and flushes first on a writer and through the service, as a list by update time does.
 *
 * The step adds the rows as a flush would have left them — the title of the version the index holds for
 * each document (what ../search-seq-schema.ts's view `search_source` reads):
 * for a live document at or before the search mark that is not queued, its newest version at or before the
 * sequence mark; for a queued one, its queue row's version; none for a document after the mark or one
 * queued with nothing indexed. Then the index is dropped. One transaction (migrations.ts): a crash leaves
 * the vault at step 23 or 24, never between.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { forEachDocumentChunk } from './migration-chunks';
import type { MigrationContext } from './migrations';

// Literals, as in migrations.ts: a shipped step never changes (the runtime SQL lives in search-queue-schema.ts).
const BITS = 24;
const MASK = 2 ** 24 - 1;
const MARK = "coalesce((SELECT n FROM counters WHERE key = 'search_mark'), 1099511627776)";
const SEQ = "coalesce((SELECT n FROM counters WHERE key = 'search_seq'), 9007199254740991)";

/** Live, unqueued documents in (after, last] at or before the mark: the row of the version the index holds (none when it holds none). */
const HELD_ROWS_SQL = `
  INSERT OR IGNORE INTO document_tags (tag, updated_at, doc)
    SELECT char(3) || v.title, 0, d.doc FROM documents d JOIN versions v
      ON v.vid = (SELECT p.vid FROM versions p WHERE p.vid BETWEEN d.doc << ${BITS} AND (d.doc << ${BITS}) + ${MASK} AND p.seq <= ${SEQ} ORDER BY p.vid DESC LIMIT 1)
    WHERE d.doc > ? AND d.doc <= ? AND d.trashed_at IS NULL AND d.doc <= ${MARK}
      AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.doc = d.doc)`;

/** Queued documents: the row of the version the index holds (none when it holds nothing). */
const QUEUED_ROWS_SQL = `
  INSERT OR IGNORE INTO document_tags (tag, updated_at, doc)
    SELECT char(3) || v.title, 0, q.doc FROM search_queue q JOIN versions v ON v.vid = q.indexed`;

/** Documents per statement of the step (progress is reported after each). */
const CHUNK = 8192;

/** The step (see the file comment); reports its progress in documents. */
export function holdTitleRows(db: Database.Database, ctx: MigrationContext = {}): void {
  const fill = db.prepare(HELD_ROWS_SQL);
  const total = forEachDocumentChunk(db, ctx, CHUNK, (after, last) => fill.run(after, last));
  db.prepare(QUEUED_ROWS_SQL).run();
  db.exec('DROP INDEX documents_title');
  ctx.stepProgress?.(total + 1, total + 1);
}
