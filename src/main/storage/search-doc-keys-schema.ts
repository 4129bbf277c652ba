/**
 * Schema step "search entries keyed by document": the search index's rowid is the document's number, not
 * its version key.
 *
 * Until this step an entry was keyed by the version it indexes (doc * 2^24 + version). FTS5 stores each
 * term's list of rowids as deltas, and consecutive documents' keys differ by 2^24 or more: 4–5 bytes a
 * delta instead of 1–2. Keyed by document, the index of 20,000 realistic 1 KB documents takes 545 bytes a
 * document instead of 832 (−34 %; bench/fts-rowid-probe.ts), and the search queue's flush of a bulk of
 * 1,000 costs 45 µs a document instead of 69 (docs/bench.md, twentieth session). The index holds one entry per document anyway
 * (the version ../search-seq-schema.ts's view names: "what the index holds"), so nothing is lost but the
 * version in the key: verify's default depth compared the keys with each live head's version (an entry left
 * at an older version was named); it now compares them with the live documents, and the version an entry
 * holds is checked by the deep verify (FTS5's comparison of every entry with the view's text), as a wrong
 * word inside an entry always was (docs/api.md).
 *
 * The step deletes the old index's rows a chunk at a time (memory stays bounded: ./migration-chunks.ts), makes
 * the view again with the document's number as its key column (the same rows), the index again keyed by it,
 * fills it a chunk of documents at a time with progress, turns FTS5's automerge off again (schema step "search
 * merges at idle": a setting of the old index's config table; the writer's idle merges go on from the
 * segments the fill left), makes the term table verify reads, and the purge trigger again with the new key. The
 * queue, the marks and the tag rows are untouched: the new index holds exactly what the old one did. One
 * transaction (migrations.ts): a crash leaves the vault at step 24 or 25, never between.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { facetsOf } from './search-facets';
import { MARK_SQL } from './search-mark-schema';
import { INDEXED_SQL } from './search-seq-schema';
import { deleteSearchRows, forEachDocumentChunk, searchRowCount } from './migration-chunks';
import type { MigrationContext } from './migrations';

// A literal, as in migrations.ts: a shipped step never changes. The view reads "what the index holds" through
// ../search-seq-schema.ts's and ../search-mark-schema.ts's own expressions (frozen with their steps).
const BITS = 24;

/** The step's first part (after the old rows): the old index, its term table, view and purge trigger out; the view and the index made again keyed by document. */
const CREATE_SQL = `
  DROP TRIGGER search_queue_ad;
  DROP TABLE search_facet_terms;
  DROP TABLE search_index;
  DROP VIEW search_source;

  -- What the index holds, by document: as ../search-seq-schema.ts's view, read from the documents' side.
  CREATE VIEW search_source AS
    SELECT d.doc AS doc, v.title AS title, v.content AS content, ${facetsOf('v')} AS facets
    FROM documents d JOIN versions v ON v.vid = ${INDEXED_SQL('d.doc')}
    WHERE d.trashed_at IS NULL AND d.doc <= ${MARK_SQL}
      AND NOT EXISTS (SELECT 1 FROM search_queue q WHERE q.doc = d.doc)
    UNION ALL
    SELECT q.doc, v.title, v.content, ${facetsOf('v')} FROM search_queue q JOIN versions v ON v.vid = q.indexed;

  CREATE VIRTUAL TABLE search_index USING fts5(
    title, content, facets,
    content = 'search_source', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
  );
`;

/** One chunk of the fill: the entries of the documents in (after, last] (the two parameters), as the view has them. */
const FILL_SQL = 'INSERT INTO search_index (rowid, title, content, facets) SELECT doc, title, content, facets FROM search_source WHERE doc > ? AND doc <= ?';

/** The step's last part: automerge off, the term table, the purge trigger keyed by document. */
const FINISH_SQL = `
  -- FTS5's automerge off again, as schema step "search merges at idle" left the old index (a setting of its
  -- config table): the writer's idle merges go on from the segments the fill left. The fill ran with FTS5's
  -- default (4), which merges a bounded amount in every statement: with automerge off, a level's 16th segment
  -- merged the whole level inside one statement of the fill, and SQLite journaled every page that merge freed
  -- (./migration-chunks.ts): 627 MiB of memory at a million documents. An 'optimize' here would rewrite the
  -- whole index in one statement the same way.
  INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0);

  CREATE VIRTUAL TABLE search_facet_terms USING fts5vocab(search_index, 'col');

  -- A purged version the index holds: its entry out now, and the index holds nothing for the document.
  CREATE TRIGGER search_queue_ad AFTER DELETE ON versions
    WHEN (old.vid >> ${BITS}) <= ${MARK_SQL}
      AND old.vid = coalesce((SELECT indexed FROM search_queue WHERE doc = old.vid >> ${BITS}),
                             (SELECT (doc << ${BITS}) + version FROM documents WHERE doc = old.vid >> ${BITS} AND trashed_at IS NULL)) BEGIN
    INSERT INTO search_index (search_index, rowid, title, content, facets) VALUES ('delete', old.vid >> ${BITS}, old.title, old.content, ${facetsOf('old')});
    INSERT INTO search_queue (doc, indexed) VALUES (old.vid >> ${BITS}, 0) ON CONFLICT (doc) DO UPDATE SET indexed = 0;
  END;
`;

/** Documents per chunk of the fill (a progress report each). */
export const DOC_KEYS_FILL_CHUNK = 8192;

/** Runs the step on `db` inside the migration's transaction (see the file comment). */
export function keySearchByDocument(db: Database.Database, ctx: MigrationContext = {}, chunk = DOC_KEYS_FILL_CHUNK): void {
  // Progress in documents filled, after the old rows deleted at ten rows a unit (measured at a million 1 KB
  // documents: 1.21M rows deleted in 11 s, the fill 108 s).
  const old = Math.ceil(searchRowCount(db) / 10);
  const documents = db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  const units = old + documents + 1;
  deleteSearchRows(db, (deleted) => ctx.stepProgress?.(Math.min(old, Math.floor(deleted / 10)), units));
  db.exec(CREATE_SQL);
  const fill = db.prepare(FILL_SQL);
  const filling: MigrationContext = { ...ctx, stepProgress: (done) => ctx.stepProgress?.(old + done, units) };
  forEachDocumentChunk(db, filling, chunk, (after, last) => fill.run(after, last));
  db.exec(FINISH_SQL);
  ctx.stepProgress?.(units, units);
}
