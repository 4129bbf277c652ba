/**
 * The schema steps, in order (./migrations.ts runs them). Never edit a shipped step: append one. Each step's
 * SQL is frozen as it shipped; runtime SQL lives beside the code that runs it.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { retagV2 } from './migrate-retag';
import { AUDIT_SCHEMA, initAuditHead, moveAuditHead } from './engine/audit-schema';
import { deriveAuditKey } from './keys';
import { createSearchIndex } from './search-index';
import { createSyncState } from './sync/schema';
import { createAttachmentTables, createAttachmentTotals } from './attachments-schema';
import { createSyncFiles } from './sync/files-schema';
import { addSearchFacets } from './search-facets';
import { SEARCH_QUEUE_SQL, TAG_QUEUE_STEP_SQL } from './search-queue-schema';
import { SEARCH_MARK_STEP_SQL } from './search-mark-schema';
import { holdTimeRows } from './time-rows-schema';
import { versionsInAppendOrder } from './versions-order-schema';
import { SEARCH_SEQ_STEP_SQL } from './search-seq-schema';
import { keySearchByDocument } from './search-doc-keys-schema';
import { holdTitleRows } from './title-rows-schema';
import { mergeSearchIndex } from './migration-chunks';
import type { Migration, MigrationContext } from './migrations';

// Literals for SQL text (the numbers are also exported by migrations.ts; kept here so the steps read them before
// those declarations run). Never change: shipped steps depend on them.
const VERSION_BITS_SQL = 24;
const VERSION_SPAN_SQL = 2 ** 24;
const MAX_VERSION_SQL = 2 ** 24 - 1;

/** Step "audit log": the tables, and the head of an empty log tagged with the audit key. */
export function createAuditLog(db: Database.Database, ctx: MigrationContext): void {
  db.exec(AUDIT_SCHEMA);
  initAuditHead(db, ctx.macKey === undefined ? undefined : deriveAuditKey(ctx.macKey));
}

/**
 * Step "totals kept by the write path": the triggers that kept `counters` go; engine/totals.ts keeps the
 * same totals from the write functions, once per operation. The totals themselves are not touched.
 */
export function dropTotalsTriggers(db: Database.Database): void {
  db.exec(`
    DROP TRIGGER documents_ai; DROP TRIGGER documents_au; DROP TRIGGER documents_ad; DROP TRIGGER documents_ad_trashed;
    DROP TRIGGER documents_trash; DROP TRIGGER versions_ai; DROP TRIGGER versions_ad;
    DROP TRIGGER document_tags_ai; DROP TRIGGER document_tags_ad;
  `);
}

/** All steps in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, versions, tags, counters',
    up: (db) =>
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT;

        -- The head of each document: the newest version's summary, what lists read. Rowids (doc) are
        -- handed out in creation order (max + 1), so "sort by created" is ORDER BY doc, with no index.
        CREATE TABLE documents (
          doc        INTEGER PRIMARY KEY,
          id         TEXT    NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          version    INTEGER NOT NULL,
          title      TEXT    NOT NULL,
          type       TEXT    NOT NULL,
          tags       TEXT    NOT NULL,
          metadata   TEXT    NOT NULL,
          author     TEXT,
          size       INTEGER NOT NULL,
          checksum   TEXT    NOT NULL,
          head_mac   BLOB    NOT NULL
        ) STRICT;
        CREATE INDEX documents_updated ON documents (updated_at, doc);
        CREATE INDEX documents_title   ON documents (title, doc);
        CREATE INDEX documents_type    ON documents (type, updated_at);
        CREATE INDEX documents_author  ON documents (author) WHERE author IS NOT NULL;

        -- Every version ever written, version 1 included, with its full content. The key is
        -- doc * 2^24 + version: reading a version is one rowid lookup, a document's history is one rowid
        -- range, and no second index has to be written with every save. Content is the last column, so
        -- reading the others never walks its overflow pages.
        CREATE TABLE versions (
          vid        INTEGER PRIMARY KEY,
          version    INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          mac        BLOB    NOT NULL,
          size       INTEGER NOT NULL,
          checksum   TEXT    NOT NULL,
          comment    TEXT,
          title      TEXT    NOT NULL,
          type       TEXT    NOT NULL,
          tags       TEXT    NOT NULL,
          metadata   TEXT    NOT NULL,
          content    TEXT    NOT NULL,
          CHECK (version BETWEEN 1 AND 16777215 AND (vid & 16777215) = version)
        ) STRICT;

        -- Current tags, for filtering. Rows are removed by (tag, doc) from the head's own tag list, so
        -- no second index on doc is written with every save (verify() checks for orphans instead of
        -- a foreign key, whose cascade would need that index).
        CREATE TABLE document_tags (
          tag TEXT    NOT NULL,
          doc INTEGER NOT NULL,
          PRIMARY KEY (tag, doc)
        ) STRICT, WITHOUT ROWID;

        -- Running totals kept by triggers, so stats() never scans. One small table, so a save
        -- touches one page for all of them: documents, versions, content_bytes, history_bytes, type:<t>.
        CREATE TABLE counters (key TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
        INSERT INTO counters VALUES ('documents', 0), ('versions', 0), ('content_bytes', 0), ('history_bytes', 0);

        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
          UPDATE counters SET n = n + CASE key WHEN 'documents' THEN 1 ELSE new.size END WHERE key IN ('documents', 'content_bytes');
          INSERT INTO counters VALUES ('type:' || new.type, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER documents_au AFTER UPDATE OF size, type ON documents BEGIN
          UPDATE counters SET n = n - old.size + new.size WHERE key = 'content_bytes' AND old.size IS NOT new.size;
          UPDATE counters SET n = n - 1 WHERE key = 'type:' || old.type AND old.type IS NOT new.type;
          INSERT INTO counters SELECT 'type:' || new.type, 1 WHERE old.type IS NOT new.type
            ON CONFLICT (key) DO UPDATE SET n = n + 1;
          DELETE FROM counters WHERE key = 'type:' || old.type AND n = 0;
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
          UPDATE counters SET n = n - CASE key WHEN 'documents' THEN 1 ELSE old.size END WHERE key IN ('documents', 'content_bytes');
          UPDATE counters SET n = n - 1 WHERE key = 'type:' || old.type;
          DELETE FROM counters WHERE key = 'type:' || old.type AND n = 0;
        END;
        CREATE TRIGGER versions_ai AFTER INSERT ON versions BEGIN
          UPDATE counters SET n = n + CASE key WHEN 'versions' THEN 1 ELSE new.size END WHERE key IN ('versions', 'history_bytes');
        END;
        CREATE TRIGGER versions_ad AFTER DELETE ON versions BEGIN
          UPDATE counters SET n = n - CASE key WHEN 'versions' THEN 1 ELSE old.size END WHERE key IN ('versions', 'history_bytes');
        END;
      `),
  },
  {
    version: 2,
    name: 'trash: deleted documents kept with their versions until purged',
    up: (db) =>
      db.exec(`
        -- NULL: live. A time: in the Trash since then (ms since the epoch). A trashed document keeps its
        -- head and every version; its tag rows are removed (so tag filters never see it) and put back
        -- from the head's tag list when it is undeleted.
        ALTER TABLE documents ADD COLUMN trashed_at INTEGER;
        -- Partial: live documents (nearly all rows) pay nothing for it.
        CREATE INDEX documents_trashed ON documents (trashed_at, doc) WHERE trashed_at IS NOT NULL;

        -- Counters count live documents only; the Trash has its own count.
        INSERT INTO counters VALUES ('trash_documents', 0);
        DROP TRIGGER documents_ad;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents WHEN old.trashed_at IS NULL BEGIN
          UPDATE counters SET n = n - CASE key WHEN 'documents' THEN 1 ELSE old.size END WHERE key IN ('documents', 'content_bytes');
          UPDATE counters SET n = n - 1 WHERE key = 'type:' || old.type;
          DELETE FROM counters WHERE key = 'type:' || old.type AND n = 0;
        END;
        CREATE TRIGGER documents_ad_trashed AFTER DELETE ON documents WHEN old.trashed_at IS NOT NULL BEGIN
          UPDATE counters SET n = n - 1 WHERE key = 'trash_documents';
        END;
        -- A document's versions are deleted (purge) before its head, so the head says whether they counted.
        DROP TRIGGER versions_ad;
        CREATE TRIGGER versions_ad AFTER DELETE ON versions
          WHEN (SELECT trashed_at FROM documents WHERE doc = old.vid >> ${VERSION_BITS_SQL}) IS NULL BEGIN
          UPDATE counters SET n = n - CASE key WHEN 'versions' THEN 1 ELSE old.size END WHERE key IN ('versions', 'history_bytes');
        END;
        -- Moving to or from the Trash moves the document, its size and all its versions out of or into the totals.
        CREATE TRIGGER documents_trash AFTER UPDATE OF trashed_at ON documents
          WHEN (old.trashed_at IS NULL) IS NOT (new.trashed_at IS NULL) BEGIN
          UPDATE counters SET n = n + (CASE WHEN new.trashed_at IS NULL THEN 1 ELSE -1 END) * CASE key
              WHEN 'documents' THEN 1
              WHEN 'trash_documents' THEN -1
              WHEN 'content_bytes' THEN new.size
              WHEN 'versions' THEN (SELECT count(*) FROM versions WHERE vid BETWEEN new.doc * ${VERSION_SPAN_SQL} + 1 AND new.doc * ${VERSION_SPAN_SQL} + ${MAX_VERSION_SQL})
              ELSE (SELECT coalesce(sum(size), 0) FROM versions WHERE vid BETWEEN new.doc * ${VERSION_SPAN_SQL} + 1 AND new.doc * ${VERSION_SPAN_SQL} + ${MAX_VERSION_SQL})
            END
            WHERE key IN ('documents', 'trash_documents', 'content_bytes', 'versions', 'history_bytes');
          INSERT INTO counters SELECT 'type:' || new.type, 1 WHERE new.trashed_at IS NULL
            ON CONFLICT (key) DO UPDATE SET n = n + 1;
          UPDATE counters SET n = n - 1 WHERE key = 'type:' || new.type AND new.trashed_at IS NOT NULL;
          DELETE FROM counters WHERE key = 'type:' || new.type AND n = 0;
        END;
      `),
  },
  {
    version: 3,
    name: 'integrity over history: chained version tags, v2 head tags, a tagged vault state; tag counts',
    up: (db, ctx) => {
      db.exec(`
        -- A copy of the current version's tag beside the head, covered by the head's tag: get() checks the
        -- version row it reads against it, and lists verify heads without reading versions.
        ALTER TABLE documents ADD COLUMN version_mac BLOB;

        -- The vault state lives in the counters table (column b), on the page every save already writes,
        -- not in meta: one WAL frame less per commit. The triggers that insert counters by position are
        -- recreated, unchanged but for naming their columns, so the table can take the column.
        DROP TRIGGER documents_ai;
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
          UPDATE counters SET n = n + CASE key WHEN 'documents' THEN 1 ELSE new.size END WHERE key IN ('documents', 'content_bytes');
          INSERT INTO counters (key, n) VALUES ('type:' || new.type, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
        END;
        DROP TRIGGER documents_au;
        CREATE TRIGGER documents_au AFTER UPDATE OF size, type ON documents BEGIN
          UPDATE counters SET n = n - old.size + new.size WHERE key = 'content_bytes' AND old.size IS NOT new.size;
          UPDATE counters SET n = n - 1 WHERE key = 'type:' || old.type AND old.type IS NOT new.type;
          INSERT INTO counters (key, n) SELECT 'type:' || new.type, 1 WHERE old.type IS NOT new.type
            ON CONFLICT (key) DO UPDATE SET n = n + 1;
          DELETE FROM counters WHERE key = 'type:' || old.type AND n = 0;
        END;
        DROP TRIGGER documents_trash;
        CREATE TRIGGER documents_trash AFTER UPDATE OF trashed_at ON documents
          WHEN (old.trashed_at IS NULL) IS NOT (new.trashed_at IS NULL) BEGIN
          UPDATE counters SET n = n + (CASE WHEN new.trashed_at IS NULL THEN 1 ELSE -1 END) * CASE key
              WHEN 'documents' THEN 1
              WHEN 'trash_documents' THEN -1
              WHEN 'content_bytes' THEN new.size
              WHEN 'versions' THEN (SELECT count(*) FROM versions WHERE vid BETWEEN new.doc * ${VERSION_SPAN_SQL} + 1 AND new.doc * ${VERSION_SPAN_SQL} + ${MAX_VERSION_SQL})
              ELSE (SELECT coalesce(sum(size), 0) FROM versions WHERE vid BETWEEN new.doc * ${VERSION_SPAN_SQL} + 1 AND new.doc * ${VERSION_SPAN_SQL} + ${MAX_VERSION_SQL})
            END
            WHERE key IN ('documents', 'trash_documents', 'content_bytes', 'versions', 'history_bytes');
          INSERT INTO counters (key, n) SELECT 'type:' || new.type, 1 WHERE new.trashed_at IS NULL
            ON CONFLICT (key) DO UPDATE SET n = n + 1;
          UPDATE counters SET n = n - 1 WHERE key = 'type:' || new.type AND new.trashed_at IS NOT NULL;
          DELETE FROM counters WHERE key = 'type:' || new.type AND n = 0;
        END;
        ALTER TABLE counters ADD COLUMN b BLOB;

        -- Documents per tag, so count({ tag }) and a tag list's total never scan.
        INSERT INTO counters (key, n) SELECT 'tag:' || tag, count(*) FROM document_tags GROUP BY tag;
        CREATE TRIGGER document_tags_ai AFTER INSERT ON document_tags BEGIN
          INSERT INTO counters (key, n) VALUES ('tag:' || new.tag, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER document_tags_ad AFTER DELETE ON document_tags BEGIN
          UPDATE counters SET n = n - 1 WHERE key = 'tag:' || old.tag;
          DELETE FROM counters WHERE key = 'tag:' || old.tag AND n = 0;
        END;
      `);
      // Every v1 tag is checked, then rewritten as v2 (see integrity.ts); the vault state is created.
      retagV2(db, ctx.macKey);
    },
  },
  {
    version: 4,
    name: 'search: an FTS5 index of the current version of live documents, kept by triggers',
    up: createSearchIndex,
  },
  {
    version: 5,
    name: 'tag pages by update time: each tag row carries its document\'s updated_at, indexed (tag, updated_at, doc)',
    up: (db) =>
      db.exec(`
        -- A tag-filtered page sorted by update time (the default) then walks one index range and stops
        -- at the page's end, instead of reading every document with the tag and sorting them all. The
        -- write path keeps the copy in step (writes.ts); verify() compares it with the head's.
        ALTER TABLE document_tags ADD COLUMN updated_at INTEGER;
        UPDATE document_tags SET updated_at = (SELECT d.updated_at FROM documents d WHERE d.doc = document_tags.doc);
        CREATE INDEX document_tags_updated ON document_tags (tag, updated_at, doc);
      `),
  },
  {
    version: 6,
    name: 'team vault sync state: remote, outbox of unpushed versions and tombstones, origins of pulled versions, conflicts',
    up: createSyncState,
  },
  {
    version: 7,
    name: 'audit log: security events chained by HMAC, and a tagged head (engine/audit.ts)',
    up: createAuditLog,
  },
  {
    version: 8,
    name: 'tag rows keyed (tag, updated_at, doc): the row is the index, one B-tree written per tag instead of two',
    up: (db) =>
      db.exec(`
        -- Step 5 wrote each tag twice per save: the (tag, doc) row and its (tag, updated_at, doc) index
        -- entry, each a random insert into a packed B-tree (measured: 5.3 of 23 WAL frames per create).
        -- Keyed by what tag pages read, the row is the index. Writers delete a row by its full key (the
        -- head's updated_at is the row's), so no (tag, doc) index is needed; a probe for one document's
        -- tag gives the head's updated_at too. A row whose copy of updated_at was NULL (altered outside
        -- docvault) takes its head's, or 0 without one: verify still reports what is wrong with it.
        CREATE TABLE document_tags_keyed (
          tag        TEXT    NOT NULL,
          updated_at INTEGER NOT NULL,
          doc        INTEGER NOT NULL,
          PRIMARY KEY (tag, updated_at, doc)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO document_tags_keyed (tag, updated_at, doc)
          SELECT t.tag, coalesce(t.updated_at, (SELECT d.updated_at FROM documents d WHERE d.doc = t.doc), 0), t.doc FROM document_tags t;
        -- Dropping the table drops its index and its two counter triggers; they are made again, unchanged.
        DROP TABLE document_tags;
        ALTER TABLE document_tags_keyed RENAME TO document_tags;
        CREATE TRIGGER document_tags_ai AFTER INSERT ON document_tags BEGIN
          INSERT INTO counters (key, n) VALUES ('tag:' || new.tag, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER document_tags_ad AFTER DELETE ON document_tags BEGIN
          UPDATE counters SET n = n - 1 WHERE key = 'tag:' || old.tag;
          DELETE FROM counters WHERE key = 'tag:' || old.tag AND n = 0;
        END;
      `),
  },
  {
    version: 9,
    name: 'search index merged into one segment (FTS5 optimize)',
    // The search step built the index of an existing vault with FTS5's 'rebuild', which leaves large
    // segments on the lowest levels, and every later small commit then pays FTS5's automerge into them:
    // measured (10k realistic docs, strace) 72 WAL pwrites per update and 79 per create against 51 and
    // 42 for an index built one commit at a time. Merged into one segment, the vault pays what a fresh
    // one does (52 and 42). Rows are not touched; the work is once, on the order of the index's size.
    // The step shipped as one 'optimize'; the same merge now runs a bounded number of pages a statement,
    // with progress (memory: ./migration-chunks.ts).
    up: (db, ctx) => mergeSearchIndex(db, (merged, of) => ctx.stepProgress?.(merged, of)),
  },
  {
    version: 10,
    name: 'attachments: chunked, deduplicated files inside the vault, listed per version and covered by its tag',
    up: createAttachmentTables,
  },
  {
    version: 11,
    name: 'totals kept by the write path: the counter triggers dropped (engine/totals.ts keeps them, once per operation)',
    up: dropTotalsTriggers,
  },
  {
    version: 12,
    name: 'sync files: digests of stored files for attachment sync, and pulled rows held back until their files arrive',
    up: createSyncFiles,
  },
  {
    version: 13,
    name: 'attachment totals: stored files, stored bytes after dedup and referenced bytes in counters, kept by triggers',
    up: createAttachmentTotals,
  },
  {
    version: 14,
    name: 'search facets: the search index made again with a third column, a token per type and tag, so filters run inside FTS5',
    up: addSearchFacets,
  },
  {
    version: 15,
    name: 'search merges at idle: FTS5 automerge off, the writer merges the index when idle (engine/search-merge.ts)',
    // A setting in the index's config table: no row or segment changes. Older builds refuse the vault by its
    // number, so none runs on it without the idle merges.
    up: (db) => db.exec("INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0)"),
  },
  {
    version: 16,
    name: 'search queue: writes queue their documents, the writer indexes them later in batches (engine/search-queue.ts)',
    // An empty queue, the view over it and the queue's triggers in place of the index's: the index is
    // exact at the step before, so nothing is queued and no entry changes.
    up: (db) => db.exec(SEARCH_QUEUE_SQL),
  },
  {
    version: 17,
    name: 'tag rows queued: a document\'s tag rows move with the search queue\'s flush, not in each write (engine/search-queue.ts)',
    // The rows are exact at the step before and the index is as the queue says: the queue is emptied as that
    // step flushed it, so rows, index and queue agree. No object changes; older builds refuse the vault by its
    // number, so none writes tag rows the old way beside a queue that moves them.
    up: (db) => {
      for (const sql of TAG_QUEUE_STEP_SQL) db.exec(sql);
    },
  },
  {
    version: 18,
    name: 'audit head in counters: the audit log\'s head moves to a row of counters, the page every write already rewrites (engine/audit-schema.ts)',
    // Fields and tag unchanged (the tag covers the fields, not where they are kept); audit_head is dropped.
    // Older builds refuse the vault by its number, so none looks for the head in the table.
    up: moveAuditHead,
  },
  {
    version: 19,
    name: 'search mark: new documents wait for the index after a mark in counters, without a queue row (search-mark-schema.ts)',
    // The mark at the last document: every document before it is indexed or queued, as the step before
    // keeps them, so nothing moves. The view and the queue's triggers are made again with the mark. Older
    // builds refuse the vault by its number, so none writes to it without the mark.
    up: (db) => db.exec(SEARCH_MARK_STEP_SQL),
  },
  {
    version: 20,
    name: 'time rows held: lists by update time walk rows the search queue\'s flush moves, not two indexes every write re-keys (time-rows-schema.ts)',
    // The rows as a flush would have left them, then documents_updated and documents_type dropped. Older
    // builds refuse the vault by its number, so none lists from the indexes or writes without the rows.
    up: holdTimeRows,
  },
  {
    version: 21,
    name: 'audit tail in the head: the newest audit entry is kept in the head, so a run of single writes of one event writes no audit_log page (engine/audit.ts)',
    // Nothing moves: a head without an entry is read as before, and the next append puts the new entry in
    // it. Older builds refuse the vault by its number, so none reads a head it cannot decode as altered.
    up: () => undefined,
  },
  {
    version: 22,
    name: 'versions in append order: a version row goes at the end of its table, found by its key through an index, not inserted mid-table (versions-order-schema.ts)',
    up: versionsInAppendOrder,
  },
  {
    version: 23,
    name: 'updates wait past a sequence mark: an update of an indexed document writes no search queue row; the flush queues the documents with versions past the mark first (search-seq-schema.ts)',
    up: (db) => db.exec(SEARCH_SEQ_STEP_SQL),
  },
  {
    version: 24,
    name: 'title rows held: lists by title walk rows the search queue\'s flush moves, not an index every create inserts into (title-rows-schema.ts)',
    // The rows as a flush would have left them, then documents_title dropped. Older builds refuse the vault
    // by its number, so none lists from the index or writes without the rows.
    up: holdTitleRows,
  },
  {
    version: 25,
    name: 'search entries keyed by document: the search index\'s rowid is the document\'s number, not its version key (search-doc-keys-schema.ts)',
    // The index made again with the same entries under the new keys (merged later by the writer's idle
    // merges). Older builds refuse the vault by its number, so none writes entries under version keys beside them.
    up: keySearchByDocument,
  },
];
