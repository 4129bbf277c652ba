/**
 * The search queue's mark (schema step "search mark"): new documents wait for the index without a queue row.
 *
 * Until this step every create inserted a row into `search_queue` (the document, holding no version): a page
 * of its own in each single save's commit (1.05 of ~14.6 WAL frames, `scripts/wal-pages.mjs`). Documents are
 * handed their row numbers in creation order (max + 1), so the documents the index has never seen are, but
 * for a purge at the very end, the ones after the last the writer indexed. The `counters` row `search_mark`
 * records that number: a document after it holds nothing in the index and no tag rows, and is not queued;
 * the flush indexes the documents after the mark (the live ones: their current version and tag rows) and
 * moves the mark past them, in the same transaction as the queue's rows (engine/search-queue.ts). A document
 * at or before the mark is queued as before, so one that takes a row number below it (after a purge of the
 * last documents) is still queued, holding none.
 *
 * The view `search_source` ("what the index holds") leaves the documents after the mark out, and the
 * triggers leave them alone: a new version, a move to the Trash or back, a purge change nothing the index
 * holds for them. A vault whose mark row was removed outside docvault reads the mark as past every
 * document (so nothing is indexed twice; since step "updates wait past a sequence mark", a document after the
 * old mark with versions past the sequence mark is then indexed as one holding none); verify reports the
 * documents it then finds missing from the index, and a rebuild puts the mark back.
 */
import { facetsOf } from './search-facets';
import { insertHeadTagRows } from './search-queue-schema';
import { PAST_SEQ_BOUND_SQL, PAST_SEQ_DOCS_SQL } from './search-seq-schema';

// Literals, as in migrations.ts: a shipped step never changes.
const BITS = 24;
const MASK = 2 ** 24 - 1;

/** The `counters` key of the mark. */
export const SEARCH_MARK_KEY = 'search_mark';

/** The mark in SQL: past every possible document (2^40) when its row is missing. */
export const MARK_SQL = `coalesce((SELECT n FROM counters WHERE key = '${SEARCH_MARK_KEY}'), 1099511627776)`;

/** The step's SQL: the mark at the last document, the view and the queue's four triggers made again with it. */
export const SEARCH_MARK_STEP_SQL = `
  INSERT INTO counters (key, n) VALUES ('${SEARCH_MARK_KEY}', coalesce((SELECT max(doc) FROM documents), 0));

  DROP VIEW search_source;
  CREATE VIEW search_source AS
    SELECT v.vid AS vid, v.title AS title, v.content AS content, ${facetsOf('v')} AS facets
    FROM versions v JOIN documents d ON d.doc = v.vid >> ${BITS}
    WHERE d.version = (v.vid & ${MASK}) AND d.trashed_at IS NULL AND d.doc <= ${MARK_SQL}
      AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.doc = d.doc)
    UNION ALL
    SELECT v.vid, v.title, v.content, ${facetsOf('v')} FROM search_queue q JOIN versions v ON v.vid = q.indexed;

  DROP TRIGGER search_queue_ai; DROP TRIGGER search_queue_trash; DROP TRIGGER search_queue_undelete; DROP TRIGGER search_queue_ad;

  -- A new version of a live document at or before the mark: queued, holding what the index has.
  CREATE TRIGGER search_queue_ai AFTER INSERT ON versions
    WHEN (new.vid >> ${BITS}) <= ${MARK_SQL}
      AND (SELECT trashed_at FROM documents WHERE doc = new.vid >> ${BITS}) IS NULL
      AND EXISTS (SELECT 1 FROM documents WHERE doc = new.vid >> ${BITS}) BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (new.vid >> ${BITS}, CASE WHEN new.version > 1 THEN new.vid - 1 ELSE 0 END)
      ON CONFLICT (doc) DO NOTHING;
  END;

  CREATE TRIGGER search_queue_trash AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NULL AND new.trashed_at IS NOT NULL AND old.doc <= ${MARK_SQL} BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (old.doc, (old.doc << ${BITS}) + old.version) ON CONFLICT (doc) DO NOTHING;
  END;

  CREATE TRIGGER search_queue_undelete AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NOT NULL AND new.trashed_at IS NULL AND new.doc <= ${MARK_SQL} BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (new.doc, 0) ON CONFLICT (doc) DO NOTHING;
  END;

  CREATE TRIGGER search_queue_ad AFTER DELETE ON versions
    WHEN (old.vid >> ${BITS}) <= ${MARK_SQL}
      AND old.vid = coalesce((SELECT indexed FROM search_queue WHERE doc = old.vid >> ${BITS}),
                             (SELECT (doc << ${BITS}) + version FROM documents WHERE doc = old.vid >> ${BITS} AND trashed_at IS NULL)) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content, facets) VALUES ('delete', old.vid, old.title, old.content, ${facetsOf('old')});
    INSERT INTO search_queue (doc, indexed) VALUES (old.vid >> ${BITS}, 0) ON CONFLICT (doc) DO UPDATE SET indexed = 0;
  END;
`;

/** The last of the next `n` documents after the mark (the parameter), or null when there is none. */
export const MARK_CHUNK_END_SQL = `SELECT max(doc) FROM (SELECT doc FROM documents WHERE doc > ${MARK_SQL} ORDER BY doc LIMIT ?)`;

/**
 * One flush of the documents after the mark up to `doc` (each statement's one parameter): the current
 * version of each live one into the index, its head's tag rows in, and the mark moved to `doc`. Run in
 * one transaction, the mark last (the first two read it). `key`: the index's rowid (see
 * ./search-queue-schema.ts's `queueFlushSql`).
 */
export function markFlushSql(key: 'doc' | 'vid'): readonly string[] {
  return [
    `INSERT INTO search_index (rowid, title, content, facets)
    SELECT ${key === 'doc' ? 'd.doc' : 'v.vid'}, v.title, v.content, ${facetsOf('v')}
    FROM documents d CROSS JOIN versions v ON v.vid = (d.doc << ${BITS}) + d.version
    WHERE d.doc > ${MARK_SQL} AND d.doc <= ? AND d.trashed_at IS NULL`,
    insertHeadTagRows('documents d', `d.doc > ${MARK_SQL} AND d.doc <= ?`),
    `UPDATE counters SET n = ? WHERE key = '${SEARCH_MARK_KEY}'`,
  ];
}

/** The mark's flush (see {@link markFlushSql}), the index keyed by document. */
export const MARK_FLUSH_SQL = markFlushSql('doc');

/**
 * Documents waiting for the index: those queued, those updated since the last flush (versions past the
 * sequence mark: ./search-seq-schema.ts), and those after the mark (trashed ones included: the flush moves
 * the mark past them).
 */
export const PENDING_COUNT_SQL = `SELECT (SELECT count(*) FROM (SELECT doc FROM search_queue UNION ${PAST_SEQ_DOCS_SQL})) + (SELECT count(*) FROM documents WHERE doc > ${MARK_SQL})`;

/**
 * {@link PENDING_COUNT_SQL} bounded in O(1): the documents after the mark by the last document's number less
 * the mark's (exact but for purges after the mark; 0 exactly when none is after it), and those updated since
 * the last flush by ./search-seq-schema.ts's `PAST_SEQ_BOUND_SQL`. 0 exactly when nothing waits. The writer
 * asks it after every commit, where counting the documents after the mark walked up to the bound's 4,096 rows.
 */
export const PENDING_BOUND_SQL = `SELECT (SELECT count(*) FROM search_queue) + max(0, coalesce((SELECT max(doc) FROM documents), 0) - ${MARK_SQL}) + ${PAST_SEQ_BOUND_SQL}`;

/** The mark put at the last document, its row made again if it was removed (a rebuild of the index from `search_source` after this indexes them all). */
export const MARK_AT_END_SQL = `INSERT OR REPLACE INTO counters (key, n) VALUES ('${SEARCH_MARK_KEY}', coalesce((SELECT max(doc) FROM documents), 0))`;

/** Every live head's tag rows, as a flush leaves them (after `DELETE FROM document_tags`: the repair's rebuild). */
export const HEAD_TAG_ROWS_SQL = insertHeadTagRows('documents d');
