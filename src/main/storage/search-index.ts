/**
 * The full-text index's schema (migration step "search"): an FTS5 table over the title and content of
 * the current version of every live document, kept exact by triggers, so every write path (create,
 * update, put, restore, delete to the Trash, undelete, purge, emptyTrash, bulk calls, a caller's
 * transaction) updates it in the same transaction and a rollback rolls it back with the rest. No
 * TypeScript write path has to remember it.
 *
 * Why an external-content table over a view: the text is already stored once, in `versions`; a second
 * copy inside the FTS table would double the content on disk (measured in docs/search.md). The view
 * `search_source` is exactly "the current version of each live document", so FTS5's own `rebuild` and
 * `integrity-check` commands mean what they should (tests use the check as the oracle of exactness), and
 * snippet()/highlight() read the text through it by rowid. The index's rowid is the version key
 * (`versions.vid` = doc * 2^24 + version), so a hit names its document (rowid >> 24) without a lookup.
 *
 * The tokenizer is unicode61 with remove_diacritics 2: "Müller" matches "muller", "café" matches "cafe".
 * The view is written so a lookup by `vid` is one rowid search in each table (no scan per snippet).
 *
 * Since step "search facets" (./search-facets.ts) the index, the view and the triggers are that step's: the
 * same, with a third column of type and tag tokens. This SQL stays as step 4 shipped it.
 */
import type Database from 'better-sqlite3-multiple-ciphers';

// Literals, as in migrations.ts: a shipped step never changes.
const BITS = 24;
const MASK = 2 ** 24 - 1;

/** SQL of the step: the view, the index, its first build, and the triggers that keep it exact. */
export const SEARCH_INDEX_SQL = `
  -- The current version of each live document: what the index must hold, no more.
  CREATE VIEW search_source AS
    SELECT v.vid AS vid, v.title AS title, v.content AS content
    FROM versions v JOIN documents d ON d.doc = v.vid >> ${BITS}
    WHERE d.version = (v.vid & ${MASK}) AND d.trashed_at IS NULL;

  CREATE VIRTUAL TABLE search_index USING fts5(
    title, content,
    content = 'search_source', content_rowid = 'vid',
    tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO search_index (search_index) VALUES ('rebuild');

  -- A new version of a live document replaces its previous one (always version - 1: versions are
  -- written in order, and restore writes a new one). The head row is written before the version row.
  CREATE TRIGGER search_versions_ai AFTER INSERT ON versions
    WHEN (SELECT trashed_at FROM documents WHERE doc = new.vid >> ${BITS}) IS NULL
      AND EXISTS (SELECT 1 FROM documents WHERE doc = new.vid >> ${BITS}) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content)
      SELECT 'delete', vid, title, content FROM versions WHERE vid = new.vid - 1 AND new.version > 1;
    INSERT INTO search_index (rowid, title, content) VALUES (new.vid, new.title, new.content);
  END;

  -- Purge (versions are deleted before their head): the current version of a live document leaves the index.
  CREATE TRIGGER search_versions_ad AFTER DELETE ON versions
    WHEN (SELECT trashed_at IS NULL AND version = (old.vid & ${MASK}) FROM documents WHERE doc = old.vid >> ${BITS}) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content) VALUES ('delete', old.vid, old.title, old.content);
  END;

  -- To the Trash: out of the index. Back from it: in again, from its current version.
  CREATE TRIGGER search_trash AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NULL AND new.trashed_at IS NOT NULL BEGIN
    INSERT INTO search_index (search_index, rowid, title, content)
      SELECT 'delete', vid, title, content FROM versions WHERE vid = (new.doc << ${BITS}) + new.version;
  END;
  CREATE TRIGGER search_undelete AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NOT NULL AND new.trashed_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, content)
      SELECT vid, title, content FROM versions WHERE vid = (new.doc << ${BITS}) + new.version;
  END;
`;

/** Runs the step on `db` (inside the migration's transaction). */
export function createSearchIndex(db: Database.Database): void {
  db.exec(SEARCH_INDEX_SQL);
}

/**
 * FTS5's own check of the index against `search_source`: throws (SQLITE_CORRUPT_VTAB) if any entry is
 * missing, extra or stale. Reads the whole index: for verify and tests, not for every write.
 */
export function checkSearchIndex(db: Database.Database): void {
  db.prepare("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)").run();
}
