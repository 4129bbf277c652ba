/**
 * Schema step "updates wait past a sequence mark": a new version of a document the search index holds
 * writes no queue row; the versions written since the writer's last flush are the ones past a mark in the
 * versions' append order.
 *
 * Until this step every update of a document the index held inserted a `search_queue` row (the document,
 * and the version the index holds for it): a page of its own in the commit, 0.69 of an update's 6.78 WAL
 * frames, and a trigger with three lookups (`scripts/wal-pages.mjs --kind update`, docs/bench.md, eighteenth
 * session). Since step "versions in append order" a version row's `seq` is the next one after the largest,
 * so the versions written since a point in time are the rows after a number. The `counters` row
 * `search_seq` ({@link SEQ_SQL}) records the largest `seq` when the writer last flushed; a live document at
 * or before the search mark that is not queued holds in the index **its newest version at or before that
 * number** ({@link INDEXED_SQL}) — its current one, unless it was updated since (its newer versions are past
 * the number). So an update changes nothing the index's bookkeeping reads.
 *
 * Every flush (engine/search-queue.ts) first turns those documents into queue rows ({@link SEQ_QUEUE_SQL})
 * and moves the number to the largest `seq` ({@link SEQ_FLUSHED_SQL}), in its own transaction, before it
 * indexes anything: from there the queue's and the mark's flushes run as before, and a document they index
 * holds a version at or before the new number. What else reads "the version the index holds" reads it the
 * same way: the view `search_source` (FTS5's content, what a rebuild or deep verify reads), the Trash
 * trigger (which queues the document with it), and a purge, which queues a document that has such versions
 * before it deletes them ({@link SEQ_QUEUE_ONE_SQL}). A purge of the rows at the very end of the table would
 * let SQLite hand their numbers out again (a rowid is the largest + 1), below the recorded one: the purge
 * lowers it to the largest left ({@link SEQ_AFTER_PURGE_SQL}).
 *
 * A vault whose `search_seq` row was removed outside docvault reads the number as past every version
 * (nothing is indexed twice; documents updated since the last flush stay indexed at their older version):
 * verify reports them as stale in the index, and a rebuild puts the row back.
 *
 * The step records the largest `seq` (everything written so far is queued or indexed already), makes the view
 * and the Trash trigger again with the rule and drops the trigger that queued new versions. One transaction
 * (migrations.ts): a crash leaves the vault at step 22 or 23, never between.
 */
import { facetsOf } from './search-facets';

// Literals, as in migrations.ts: a shipped step never changes (the runtime statements below read the same).
const BITS = 24;
const MASK = 2 ** 24 - 1;
const MARK = "coalesce((SELECT n FROM counters WHERE key = 'search_mark'), 1099511627776)";

/** The `counters` key of the number. */
export const SEARCH_SEQ_KEY = 'search_seq';
/** The `counters` key of the last document's number when the sequence mark was last moved up (for {@link PAST_SEQ_BOUND_SQL}). */
export const SEARCH_SEQ_DOCS_KEY = 'search_seq_docs';

/** The number in SQL: past every version (2^53 − 1) when its row is missing. */
export const SEQ_SQL = `coalesce((SELECT n FROM counters WHERE key = '${SEARCH_SEQ_KEY}'), 9007199254740991)`;

/** The version key document `doc` (an SQL expression) has in the index when it is live, at or before the mark and not queued; 0 when none. */
export const INDEXED_SQL = (doc: string): string =>
  `coalesce((SELECT p.vid FROM versions p WHERE p.vid BETWEEN (${doc}) << ${BITS} AND ((${doc}) << ${BITS}) + ${MASK} AND p.seq <= ${SEQ_SQL} ORDER BY p.vid DESC LIMIT 1), 0)`;

/** The step's SQL (see the file comment). */
export const SEARCH_SEQ_STEP_SQL = `
  INSERT INTO counters (key, n) VALUES ('${SEARCH_SEQ_KEY}', (SELECT coalesce(max(seq), 0) FROM versions)),
                                       ('${SEARCH_SEQ_DOCS_KEY}', (SELECT coalesce(max(doc), 0) FROM documents));

  DROP VIEW search_source;
  CREATE VIEW search_source AS
    SELECT v.vid AS vid, v.title AS title, v.content AS content, ${facetsOf('v')} AS facets
    FROM versions v JOIN documents d ON d.doc = v.vid >> ${BITS}
    WHERE d.trashed_at IS NULL AND d.doc <= ${MARK} AND v.vid = ${INDEXED_SQL('d.doc')}
      AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.doc = d.doc)
    UNION ALL
    SELECT v.vid, v.title, v.content, ${facetsOf('v')} FROM search_queue q JOIN versions v ON v.vid = q.indexed;

  DROP TRIGGER search_queue_ai;

  -- Moved to the Trash: queued, holding the version the index has (its newest at or before the number).
  DROP TRIGGER search_queue_trash;
  CREATE TRIGGER search_queue_trash AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NULL AND new.trashed_at IS NOT NULL AND old.doc <= ${MARK} BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (old.doc, ${INDEXED_SQL('old.doc')}) ON CONFLICT (doc) DO NOTHING;
  END;
`;

/**
 * The live documents at or before the mark with versions past the number, queued with the version the
 * index holds (a queued document keeps its row). The first statement of every flush, before {@link SEQ_FLUSHED_SQL}.
 */
export const SEQ_QUEUE_SQL = `
  INSERT INTO search_queue (doc, indexed)
    SELECT d.doc, ${INDEXED_SQL('d.doc')}
    FROM (SELECT DISTINCT vid >> ${BITS} AS doc FROM versions WHERE seq > ${SEQ_SQL} AND (vid >> ${BITS}) <= ${MARK}) n CROSS JOIN documents d ON d.doc = n.doc
    WHERE d.trashed_at IS NULL
  ON CONFLICT (doc) DO NOTHING`;

/**
 * The number moved up to the largest `seq`, and the last document's number recorded with it, after
 * {@link SEQ_QUEUE_SQL} (no write when the number is there already). A removed row stays removed.
 */
export const SEQ_FLUSHED_SQL = [
  `UPDATE counters SET n = (SELECT coalesce(max(doc), 0) FROM documents)
    WHERE key = '${SEARCH_SEQ_DOCS_KEY}' AND (SELECT n FROM counters WHERE key = '${SEARCH_SEQ_KEY}') < (SELECT coalesce(max(seq), 0) FROM versions)`,
  `UPDATE counters SET n = (SELECT coalesce(max(seq), 0) FROM versions) WHERE key = '${SEARCH_SEQ_KEY}' AND n < (SELECT coalesce(max(seq), 0) FROM versions)`,
] as const;

/** The number put at the largest `seq` and the last document, the rows made again if they were removed: a rebuild of the index (which then holds every current version). */
export const SEQ_TO_END_SQL = `INSERT OR REPLACE INTO counters (key, n) VALUES ('${SEARCH_SEQ_KEY}', (SELECT coalesce(max(seq), 0) FROM versions)),
  ('${SEARCH_SEQ_DOCS_KEY}', (SELECT coalesce(max(doc), 0) FROM documents))`;

/** {@link SEQ_QUEUE_SQL} for one document (the parameter), when it has versions past the number: a purge runs it before deleting them. */
export const SEQ_QUEUE_ONE_SQL = `
  INSERT INTO search_queue (doc, indexed)
    SELECT d.doc, ${INDEXED_SQL('d.doc')} FROM documents d
    WHERE d.doc = ? AND d.doc <= ${MARK} AND d.trashed_at IS NULL
      AND EXISTS (SELECT 1 FROM versions p WHERE p.vid BETWEEN d.doc << ${BITS} AND (d.doc << ${BITS}) + ${MASK} AND p.seq > ${SEQ_SQL})
  ON CONFLICT (doc) DO NOTHING`;

/** After a purge deleted versions: the number no higher than the largest `seq` left, which SQLite would hand out again plus one. */
export const SEQ_AFTER_PURGE_SQL = `UPDATE counters SET n = min(n, (SELECT coalesce(max(seq), 0) FROM versions)) WHERE key = '${SEARCH_SEQ_KEY}'`;

/**
 * Documents updated past the number, in O(1), for the writer's bound (../search-mark-schema.ts
 * `PENDING_BOUND_SQL`, which adds the documents after the search mark): the largest `seq` less the number
 * (versions written since), less the documents numbered after the last one when the number was moved (each
 * wrote its first version since, and waits after the search mark). Exact for single updates and creates but
 * for purges; 0 when no version is past the number; when it undercounts to 0 with one past it, a document is
 * after the search mark, so the bound is not 0 while anything waits.
 */
export const PAST_SEQ_BOUND_SQL = `max(0, coalesce((SELECT max(seq) FROM versions), 0) - ${SEQ_SQL}
  - max(0, coalesce((SELECT max(doc) FROM documents), 0) - coalesce((SELECT n FROM counters WHERE key = '${SEARCH_SEQ_DOCS_KEY}'), 0)))`;

/** The documents at or before the mark with versions past the number (queued or not). */
export const PAST_SEQ_DOCS_SQL = `SELECT DISTINCT vid >> ${BITS} FROM versions WHERE seq > ${SEQ_SQL} AND (vid >> ${BITS}) <= ${MARK}`;
