/**
 * The search queue (schema step "search queue"): the search index kept outside the writes' commits.
 *
 * Until this step, four triggers wrote each new version into the FTS5 index inside the commit that wrote
 * it: about a quarter of a single save's or update's time and half of a bulk save's (docs/bench.md,
 * seventh session). Now a write records, in `search_queue`, the first time it changes a document after the
 * last flush, which version the index still holds for it (`indexed`: a version key, or 0 for none), and
 * the writer brings the index up to date later, many documents in one transaction (engine/search-queue.ts):
 * when it is idle, before a search or a verify on its connection, when the queue is long, and at close.
 *
 * The content view FTS5 reads (`search_source`) becomes "what the index holds": the current version of
 * each live document that is not queued, and the indexed version of each queued one. So FTS5's own
 * `integrity-check`, its `rebuild` and the snippets stay exact while a queue waits, and a purge can still
 * take the purged version's entry out at once (its text must not outlive it in the index).
 *
 * The type and tags of an entry (its facets) travel with its version row, as in the facets step.
 */
import { facetsOf } from './search-facets';

// Literals, as in migrations.ts: a shipped step never changes.
const BITS = 24;
const MASK = 2 ** 24 - 1;

/** The step's SQL: the queue, the view made again over it, and the four triggers replaced by the queue's. */
export const SEARCH_QUEUE_SQL = `
  -- One row per document changed since the last flush: the version key the index holds for it (0: none).
  CREATE TABLE search_queue (doc INTEGER PRIMARY KEY, indexed INTEGER NOT NULL) STRICT;

  DROP TRIGGER search_versions_ai; DROP TRIGGER search_versions_ad; DROP TRIGGER search_trash; DROP TRIGGER search_undelete;

  -- What the index holds: the current version of a live document that is not queued, else the queued one's indexed version.
  DROP VIEW search_source;
  CREATE VIEW search_source AS
    SELECT v.vid AS vid, v.title AS title, v.content AS content, ${facetsOf('v')} AS facets
    FROM versions v JOIN documents d ON d.doc = v.vid >> ${BITS}
    WHERE d.version = (v.vid & ${MASK}) AND d.trashed_at IS NULL AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.doc = d.doc)
    UNION ALL
    SELECT v.vid, v.title, v.content, ${facetsOf('v')} FROM search_queue q JOIN versions v ON v.vid = q.indexed;

  -- A new version of a live document: queued, holding what the index has (the version before, or none for a new document).
  CREATE TRIGGER search_queue_ai AFTER INSERT ON versions
    WHEN (SELECT trashed_at FROM documents WHERE doc = new.vid >> ${BITS}) IS NULL
      AND EXISTS (SELECT 1 FROM documents WHERE doc = new.vid >> ${BITS}) BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (new.vid >> ${BITS}, CASE WHEN new.version > 1 THEN new.vid - 1 ELSE 0 END)
      ON CONFLICT (doc) DO NOTHING;
  END;

  -- To the Trash: the index still holds its current version until the flush takes it out.
  CREATE TRIGGER search_queue_trash AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NULL AND new.trashed_at IS NOT NULL BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (old.doc, (old.doc << ${BITS}) + old.version) ON CONFLICT (doc) DO NOTHING;
  END;

  -- Back from the Trash: the index holds nothing for it until the flush puts its current version in.
  CREATE TRIGGER search_queue_undelete AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NOT NULL AND new.trashed_at IS NULL BEGIN
    INSERT INTO search_queue (doc, indexed) VALUES (new.doc, 0) ON CONFLICT (doc) DO NOTHING;
  END;

  -- A purged version the index holds: its entry out now, and the index holds nothing for the document.
  CREATE TRIGGER search_queue_ad AFTER DELETE ON versions
    WHEN old.vid = coalesce((SELECT indexed FROM search_queue WHERE doc = old.vid >> ${BITS}),
                            (SELECT (doc << ${BITS}) + version FROM documents WHERE doc = old.vid >> ${BITS} AND trashed_at IS NULL)) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content, facets) VALUES ('delete', old.vid, old.title, old.content, ${facetsOf('old')});
    INSERT INTO search_queue (doc, indexed) VALUES (old.vid >> ${BITS}, 0) ON CONFLICT (doc) DO UPDATE SET indexed = 0;
  END;
`;

/** The last document of the next `n` queued ones (the parameter), or null when the queue is empty. */
export const QUEUE_CHUNK_END_SQL = 'SELECT max(doc) FROM (SELECT doc FROM search_queue ORDER BY doc LIMIT ?)';

/**
 * The step "tag rows queued": from it on, a document's tag rows (`document_tags`, which
 * tag-filtered lists walk) are what the index holds too, moved by the same flush, not by each write. The
 * step empties the queue as the step before flushed it (the index's entries only: its tag rows were
 * exact), so the rows and the queue agree from the start; no object changes.
 */
export const TAG_QUEUE_STEP_SQL = [
  `INSERT INTO search_index (search_index, rowid, title, content, facets)
    SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM search_queue q JOIN versions v ON v.vid = q.indexed`,
  `INSERT INTO search_index (rowid, title, content, facets)
    SELECT v.vid, v.title, v.content, ${facetsOf('v')}
    FROM search_queue q CROSS JOIN documents d ON d.doc = q.doc JOIN versions v ON v.vid = (d.doc << ${BITS}) + d.version
    WHERE d.trashed_at IS NULL`,
  'DELETE FROM search_queue',
] as const;

/**
 * The keys of the rows a document holds in `document_tags` from schema step "time rows held" on, as json_each
 * reads them: its tags, then {@link ALL_KEY} (every live document: what a list by update time walks),
 * {@link TYPE_KEY} + its type (what a list of one type by update time walks) and, from schema step "title
 * rows held" on, {@link TITLE_KEY} + its title (what a list by title walks). A tag list that is not a JSON
 * array (a row altered outside docvault) gives the reserved keys alone. Every statement that inserts,
 * deletes or looks for held rows reads the keys through this, and their times through {@link heldTime}, so
 * they move together.
 */
export const heldList = (tags: string, type: string, title: string): string =>
  `json_each(CASE WHEN json_valid(${tags}) AND json_type(${tags}) = 'array' THEN json_insert(${tags}, '$[#]', char(1), '$[#]', char(2) || ${type}, '$[#]', char(3) || ${title}) ELSE json_array(char(1), char(2) || ${type}, char(3) || ${title}) END)`;

/** The reserved key of every live document's held row (a control character: no tag can be one, tags are printable). */
export const ALL_KEY = '\u0001';
/** The prefix of the reserved key of a live document's held row by its type. */
export const TYPE_KEY = '\u0002';
/** The prefix of the reserved key of a live document's held row by its title (../title-rows-schema.ts). */
export const TITLE_KEY = '\u0003';

/** Whether a `document_tags` key is one of the reserved ones (not a tag). */
export function isReservedKey(key: string): boolean {
  return key < ' ';
}

/**
 * The time a held row under `key` (SQL) carries, for a version or head of update time `time` (SQL): that
 * time, but 0 under a title key — a list by title orders one title's rows by document (by creation), and an
 * update that keeps its title leaves its row where it is.
 */
export const heldTime = (key: string, time: string): string => `CASE WHEN ${key} >= char(3) AND ${key} < char(4) THEN 0 ELSE ${time} END`;

/** Whether a `document_tags` key is a title row's (../title-rows-schema.ts). */
export function isTitleKey(key: string): boolean {
  return key.startsWith(TITLE_KEY);
}

/** {@link heldTime} in JavaScript. */
export function heldAt(key: string, time: number): number {
  return isTitleKey(key) ? 0 : time;
}

/** The keys a document holds rows under, besides its tags. */
export function reservedKeys(type: string, title: string): [string, string, string] {
  return [ALL_KEY, TYPE_KEY + type, TITLE_KEY + title];
}

/**
 * Inserts the held rows (tags and reserved keys: {@link heldList}) of the live heads `d` that `from` (which names
 * `documents d`) and `where` select, keyed by each head's update time ({@link heldTime}), as a flush leaves them:
 * the queue's flush, the search mark's, the repair's rebuild. A row already there is left as it is.
 */
export function insertHeadTagRows(from: string, where = 'true'): string {
  return `INSERT OR IGNORE INTO document_tags (tag, updated_at, doc)
    SELECT j.value, ${heldTime('j.value', 'd.updated_at')}, d.doc FROM ${from}, ${heldList('d.tags', 'd.type', 'd.title')} j
    WHERE ${where} AND d.trashed_at IS NULL AND j.type = 'text'`;
}

/**
 * The held tag rows (see {@link QUEUE_FLUSH_SQL}) of the queued documents up to `doc` that are not at their
 * key: none in a vault only docvault wrote. Each is then deleted by (tag, doc), a walk of its tag's rows.
 */
export const QUEUE_STRAY_TAGS_SQL = `
  SELECT j.value AS tag, q.doc AS doc FROM search_queue q JOIN versions v ON v.vid = q.indexed, ${heldList('v.tags', 'v.type', 'v.title')} j
  WHERE q.doc <= ? AND j.type = 'text'
    AND NOT EXISTS (SELECT 1 FROM document_tags x WHERE x.tag = j.value AND x.updated_at = ${heldTime('j.value', 'v.created_at')} AND x.doc = q.doc)`;

/**
 * One flush of the queued documents up to `doc` (each statement's one parameter, in order): each one's
 * indexed entry out, the current version of each that is live in; its tag rows likewise (those of the
 * indexed version, keyed by that version's time, which was its head's update time, out; the live head's
 * in); their queue rows removed. Run in one transaction. CROSS JOIN keeps the queue the outer loop:
 * without it SQLite read every document up to `doc` for a few queued ones. `key`: the index's rowid, the
 * document's number from schema step "search entries keyed by document" on (../search-doc-keys-schema.ts),
 * the version key before it ({@link QUEUE_FLUSH_SQL} is the former: tests that take a vault back to an
 * earlier step flush it with the latter).
 */
export function queueFlushSql(key: 'doc' | 'vid'): readonly string[] {
  return [
    `INSERT INTO search_index (search_index, rowid, title, content, facets)
    SELECT 'delete', ${key === 'doc' ? 'q.doc' : 'v.vid'}, v.title, v.content, ${facetsOf('v')} FROM search_queue q JOIN versions v ON v.vid = q.indexed WHERE q.doc <= ?`,
    `INSERT INTO search_index (rowid, title, content, facets)
    SELECT ${key === 'doc' ? 'd.doc' : 'v.vid'}, v.title, v.content, ${facetsOf('v')}
    FROM search_queue q CROSS JOIN documents d ON d.doc = q.doc JOIN versions v ON v.vid = (d.doc << ${BITS}) + d.version
    WHERE q.doc <= ? AND d.trashed_at IS NULL`,
    // A title row the live head keeps (an update that left the title) stays: the insert below finds it there.
    `DELETE FROM document_tags WHERE (tag, updated_at, doc) IN (
    SELECT j.value, ${heldTime('j.value', 'v.created_at')}, q.doc
    FROM search_queue q JOIN versions v ON v.vid = q.indexed LEFT JOIN documents d ON d.doc = q.doc, ${heldList('v.tags', 'v.type', 'v.title')} j
    WHERE q.doc <= ? AND j.type = 'text' AND NOT (j.value >= char(3) AND j.value < char(4) AND d.trashed_at IS NULL AND j.value IS char(3) || d.title))`,
    insertHeadTagRows('search_queue q CROSS JOIN documents d ON d.doc = q.doc', 'q.doc <= ?'),
    'DELETE FROM search_queue WHERE doc <= ?',
  ];
}

/** The queue's flush (see {@link queueFlushSql}), the index keyed by document. */
export const QUEUE_FLUSH_SQL = queueFlushSql('doc');
