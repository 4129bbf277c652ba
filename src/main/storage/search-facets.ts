/**
 * The search index's facet column (migration step "search facets"): beside title and content, each entry of
 * `search_index` holds one token for its version's type and one per tag, in a third column, `facets`. A
 * search filtered by type or tags then adds those tokens to its FTS5 expression, and FTS5 intersects the
 * term lists in C, instead of the engine reading every match of the words and checking each against the
 * filter (measured in docs/search.md).
 *
 * A facet token is a marker character and the hex of the value's UTF-8 bytes: the type "Scan" is
 * `\uE0D0` + `5363616e`, the tag "café" `\uE0D1` + `636166c3a9`. So any string (any script, spaces,
 * punctuation, case) is exactly one token, and no other string makes it: unicode61 keeps a private-use
 * character and hex digits inside one token and only folds the hex to lower case, which the query side
 * writes anyway. The marker also keeps the tokens in one range of the index's terms (verify counts them
 * there, engine/verify-facets.ts).
 *
 * The user's expression never reaches this column: the engine confines it to `{title content}`, so a word
 * typed equal to a facet token matches nothing through it; bm25 gives the column weight 0.
 *
 * The facets are computed from the version row, in SQL, by the view and the triggers alike: the type and
 * the tags travel with every version (a change of either is a new version), so the four writes that move
 * an entry in or out of the index (a new version, purge, to the Trash, back from it) already carry them.
 * A tag list that is not a JSON array (only by damage, which verify reports) gives no tag tokens rather
 * than an error in every write that touches the document.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { deleteSearchRows, mergeSearchIndex, searchRowCount } from './migration-chunks';
import type { MigrationContext } from './migrations';

// Literals, as in migrations.ts: a shipped step never changes.
const BITS = 24;
const MASK = 2 ** 24 - 1;
/** U+E0D0 and U+E0D1 as SQL (char() takes code points). */
const TYPE_MARK_SQL = 'char(57552)';
const TAG_MARK_SQL = 'char(57553)';

/** The marker that starts a type's facet token. */
export const TYPE_FACET_MARK = '\uE0D0';
/** The marker that starts a tag's facet token. */
export const TAG_FACET_MARK = '\uE0D1';

/**
 * The facets of version row `v` as the step writes them: the type's token, then one per tag, space-separated.
 * The tags are walked by position with json_extract, not json_each: FTS5 reads its content view with
 * virtual tables barred (SQLITE_PREPARE_NO_VTAB), and json_each is one.
 */
export function facetsOf(v: string): string {
  return `${TYPE_MARK_SQL} || hex(${v}.type) || CASE WHEN json_valid(${v}.tags) AND json_type(${v}.tags) = 'array' THEN coalesce((
      WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < json_array_length(${v}.tags))
      SELECT group_concat(' ' || ${TAG_MARK_SQL} || hex(json_extract(${v}.tags, '$[' || i || ']')), '') FROM k WHERE i < json_array_length(${v}.tags)
    ), '') ELSE '' END`;
}

/** The four triggers of the search step, and the view and table they write (dropped, then made again with facets). */
export const DROP_SEARCH_INDEX_SQL = `
  DROP TRIGGER search_versions_ai; DROP TRIGGER search_versions_ad; DROP TRIGGER search_trash; DROP TRIGGER search_undelete;
  DROP TABLE search_index;
  DROP VIEW search_source;
`;

/** The step's view and (empty) index: the index made again with its facet column. */
const CREATE_SQL = `
  ${DROP_SEARCH_INDEX_SQL}

  -- The current version of each live document, and its facets.
  CREATE VIEW search_source AS
    SELECT v.vid AS vid, v.title AS title, v.content AS content, ${facetsOf('v')} AS facets
    FROM versions v JOIN documents d ON d.doc = v.vid >> ${BITS}
    WHERE d.version = (v.vid & ${MASK}) AND d.trashed_at IS NULL;

  CREATE VIRTUAL TABLE search_index USING fts5(
    title, content, facets,
    content = 'search_source', content_rowid = 'vid',
    tokenize = 'unicode61 remove_diacritics 2'
  );
`;

/**
 * One chunk of the build: the entries of the live documents with `after < doc <= last` (the two parameters),
 * each its current version with its facets: the rows FTS5's 'rebuild' reads from the view (a document whose
 * current version row is missing has none, there as here), read from the documents side so a chunk starts
 * with one seek.
 */
const FILL_CHUNK_SQL = `
  INSERT INTO search_index (rowid, title, content, facets)
    SELECT v.vid, v.title, v.content, ${facetsOf('v')}
    FROM documents d JOIN versions v ON v.vid = (d.doc << ${BITS}) + d.version
    WHERE d.doc > ? AND d.doc <= ? AND d.trashed_at IS NULL
    ORDER BY d.doc
`;

/** The last of the next `n` live documents after document `after` (the two parameters; fewer when fewer are left), or null. */
const CHUNK_END_SQL = 'SELECT max(doc) FROM (SELECT doc FROM documents WHERE doc > ? AND trashed_at IS NULL ORDER BY doc LIMIT ?)';

/**
 * The step's last part (after the index is merged into one segment, as step "search index merged" left it:
 * an index left on the lowest levels costs every later commit FTS5's automerge into it): the term table
 * verify reads, and the four triggers that keep the index.
 */
const FINISH_SQL = `
  -- The index's terms by column, for verify's count of each facet token against the heads (a read of the
  -- facet tokens' lists alone: they sort together, behind their markers).
  CREATE VIRTUAL TABLE search_facet_terms USING fts5vocab(search_index, 'col');

  -- The search step's triggers, each writing the facets too.
  CREATE TRIGGER search_versions_ai AFTER INSERT ON versions
    WHEN (SELECT trashed_at FROM documents WHERE doc = new.vid >> ${BITS}) IS NULL
      AND EXISTS (SELECT 1 FROM documents WHERE doc = new.vid >> ${BITS}) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content, facets)
      SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM versions v WHERE v.vid = new.vid - 1 AND new.version > 1;
    INSERT INTO search_index (rowid, title, content, facets) VALUES (new.vid, new.title, new.content, ${facetsOf('new')});
  END;

  CREATE TRIGGER search_versions_ad AFTER DELETE ON versions
    WHEN (SELECT trashed_at IS NULL AND version = (old.vid & ${MASK}) FROM documents WHERE doc = old.vid >> ${BITS}) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content, facets) VALUES ('delete', old.vid, old.title, old.content, ${facetsOf('old')});
  END;

  CREATE TRIGGER search_trash AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NULL AND new.trashed_at IS NOT NULL BEGIN
    INSERT INTO search_index (search_index, rowid, title, content, facets)
      SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM versions v WHERE v.vid = (new.doc << ${BITS}) + new.version;
  END;
  CREATE TRIGGER search_undelete AFTER UPDATE OF trashed_at ON documents
    WHEN old.trashed_at IS NOT NULL AND new.trashed_at IS NULL BEGIN
    INSERT INTO search_index (rowid, title, content, facets)
      SELECT v.vid, v.title, v.content, ${facetsOf('v')} FROM versions v WHERE v.vid = (new.doc << ${BITS}) + new.version;
  END;
`;

/** Documents per chunk of the build: a progress report per chunk (about 0.3 s each at 1 KB documents, measured at 100k). */
export const FACETS_FILL_CHUNK = 5000;

/**
 * Runs the step on `db` (inside the migration's transaction): the old index's rows deleted a chunk at a
 * time, the index made again with its facet column, filled in chunks of {@link FACETS_FILL_CHUNK} live
 * documents with a progress report after each (the step's time grows with the vault: minutes at a million
 * documents), merged into one segment a bounded number of pages at a time, then kept by the triggers.
 * Memory stays bounded: the step shipped dropping the old index and running FTS5's 'optimize' in one
 * statement each, and SQLite journals every page such a statement frees (./migration-chunks.ts; measured
 * at 100k documents: 55 → 183 MiB). It also shipped with one FTS5 'rebuild' instead of the chunks. Each form
 * builds the same index (test/storage/migration-progress.test.ts compares them token by token).
 */
export function addSearchFacets(db: Database.Database, ctx: MigrationContext = {}, chunk = FACETS_FILL_CHUNK): void {
  const total = db.prepare('SELECT count(*) FROM documents WHERE trashed_at IS NULL').pluck().get() as number;
  // Units: the old rows at ten a unit, then two per document built, one per document merged (the merge took
  // about a third of the build's time at 100k documents, measured), so the bar moves at an even pace.
  const old = Math.ceil(searchRowCount(db) / 10);
  const units = old + 3 * total + 1;
  ctx.stepProgress?.(0, units);
  deleteSearchRows(db, (deleted) => ctx.stepProgress?.(Math.min(old, Math.floor(deleted / 10)), units));
  db.exec(CREATE_SQL);
  const fill = db.prepare(FILL_CHUNK_SQL);
  const chunkEnd = db.prepare(CHUNK_END_SQL).pluck();
  let done = 0;
  for (let after = 0; ; ) {
    const last = chunkEnd.get(after, chunk) as number | null;
    if (last === null) break;
    fill.run(after, last);
    done = Math.min(total, done + chunk);
    after = last;
    ctx.stepProgress?.(old + 2 * done, units);
  }
  ctx.stepProgress?.(old + 2 * total, units);
  mergeSearchIndex(db, (merged, of) => ctx.stepProgress?.(old + 2 * total + Math.floor((total * merged) / of), units));
  db.exec(FINISH_SQL);
  ctx.stepProgress?.(units, units);
}

/** The hex of `s`'s UTF-8 bytes. */
function utf8Hex(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

/** The facet token of type `type` (what the step's SQL writes for it, folded as the index folds it). */
export function typeFacet(type: string): string {
  return TYPE_FACET_MARK + utf8Hex(type);
}

/** The facet token of tag `tag`. */
export function tagFacet(tag: string): string {
  return TAG_FACET_MARK + utf8Hex(tag);
}
