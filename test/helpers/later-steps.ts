/**
 * Taking a vault made by today's code back to an earlier schema step, for tests of a step "from a vault of the
 * step before": the steps after 5 each register how to drop their own objects here. A new step adds its row to
 * UNDO; `undoStepsAfter` refuses to guess at a step it does not know, so a forgotten row fails loudly.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, migrate } from '../../src/main/storage';
import { ATTACHMENT_TOTALS_STEP, ATTACHMENTS_STEP, AUDIT_HEAD_STEP, AUDIT_STEP, AUDIT_TAIL_STEP, SEARCH_MARK_STEP, SEARCH_FACETS_STEP, SEARCH_IDLE_MERGE_STEP, SEARCH_MERGED_STEP, SEARCH_QUEUE_STEP, SYNC_FILES_STEP, SYNC_STATE_STEP, TAG_QUEUE_STEP, TAG_ROWS_KEYED_STEP, TIME_ROWS_STEP, TOTALS_STEP, VERSIONS_ORDER_STEP, SEARCH_SEQ_STEP, TITLE_ROWS_STEP, SEARCH_DOC_KEYS_STEP } from '../../src/main/storage/migrations';
import { rebuildVersions } from '../../src/main/storage/versions-order-schema';
import { DROP_SEARCH_INDEX_SQL } from '../../src/main/storage/search-facets';
import { SEARCH_INDEX_SQL } from '../../src/main/storage/search-index';
import { queueFlushSql } from '../../src/main/storage/search-queue-schema';
import { SEARCH_MARK_KEY, markFlushSql } from '../../src/main/storage/search-mark-schema';
import { SEARCH_SEQ_DOCS_KEY, SEARCH_SEQ_KEY, SEQ_QUEUE_SQL } from '../../src/main/storage/search-seq-schema';
import { dropAuditStep, undoAuditHeadStep } from './audit-step';
import { settleAuditTail } from '../../src/main/storage/engine/audit';
import { undoTagRowsKeyed } from './schema5';
import { dropSyncState } from './sync-state';

/** The counter triggers the totals step drops. */
export const TOTALS_TRIGGERS = [
  'documents_ai', 'documents_au', 'documents_ad', 'documents_ad_trashed', 'documents_trash', 'versions_ai', 'versions_ad', 'document_tags_ai', 'document_tags_ad',
] as const;

/** The SQL of the objects `names` as a fresh schema at `step` has them. */
function sqlAsAt(step: number, names: readonly string[]): string[] {
  const fresh = new Database(':memory:');
  try {
    migrate(fresh, step);
    const get = fresh.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck();
    return names.map((name) => get.get(name) as string);
  } finally {
    fresh.close();
  }
}

/** Makes the objects `names` on `db` exactly as a fresh schema at `step` has them. */
function putBackAsAt(db: Database.Database, step: number, names: readonly string[]): void {
  for (const sql of sqlAsAt(step, names)) db.exec(sql);
}

/** Puts back the counter triggers exactly as the step before the totals step has them (read from a fresh schema at that step). */
function restoreTotalsTriggers(db: Database.Database): void {
  putBackAsAt(db, TOTALS_STEP - 1, TOTALS_TRIGGERS);
}

/**
 * The search step's index, view and triggers as that step made them, the index filled one entry per commit
 * (several segments, as a vault written over time has: the merge step's test needs them), not by one
 * 'rebuild'. Outside a transaction, as the tests call it.
 */
function undoSearchFacets(db: Database.Database): void {
  db.exec(`DROP TABLE search_facet_terms; ${DROP_SEARCH_INDEX_SQL} ${SEARCH_INDEX_SQL}`);
  const vids = db.prepare('SELECT vid FROM search_source ORDER BY vid').pluck().all();
  db.exec("INSERT INTO search_index (search_index) VALUES ('delete-all')");
  const add = db.prepare('INSERT INTO search_index (rowid, title, content) SELECT vid, title, content FROM search_source WHERE vid = ?');
  for (const vid of vids) add.run(vid);
}

/**
 * The rows of the reserved keys (schema step "time rows held") deleted: the flushes below are today's, which
 * move them with the tag rows, and a vault before that step has none.
 */
function dropReservedRows(db: Database.Database): void {
  db.exec("DELETE FROM document_tags WHERE tag < ' '");
}

/** Everything queued flushed, as the writer does (the search index's entries and the tag rows). */
function flushQueue(db: Database.Database): void {
  const end = db.prepare('SELECT max(doc) FROM search_queue').pluck().get() as number | null;
  if (end !== null) for (const sql of queueFlushSql('vid')) db.prepare(sql).run(end);
  dropReservedRows(db);
}

/** The time rows step undone: the reserved keys' rows deleted, the two indexes put back as a fresh schema at the step before has them. */
function undoTimeRows(db: Database.Database): void {
  dropReservedRows(db);
  putBackAsAt(db, TIME_ROWS_STEP - 1, ['documents_updated', 'documents_type']);
}

/**
 * The search queue step undone: what is queued indexed (the flush the writer runs), the queue, its view and
 * triggers dropped, and the view and triggers of the step before put back as a fresh schema at that step has them.
 */
function undoSearchQueue(db: Database.Database): void {
  flushQueue(db);
  db.exec(`DROP TRIGGER search_queue_ai; DROP TRIGGER search_queue_trash; DROP TRIGGER search_queue_undelete; DROP TRIGGER search_queue_ad;
           DROP VIEW search_source; DROP TABLE search_queue;`);
  putBackAsAt(db, SEARCH_QUEUE_STEP - 1, ['search_source', 'search_versions_ai', 'search_versions_ad', 'search_trash', 'search_undelete']);
}

/**
 * The search mark step undone: the documents after the mark indexed (the flush the writer runs), the mark's
 * row deleted, and the view and triggers of the step before put back as a fresh schema at that step has them.
 */
function undoSearchMark(db: Database.Database): void {
  const end = db.prepare('SELECT max(doc) FROM documents').pluck().get() as number | null;
  if (end !== null) for (const sql of markFlushSql('vid')) db.prepare(sql).run(end);
  dropReservedRows(db);
  db.exec(`DELETE FROM counters WHERE key = '${SEARCH_MARK_KEY}';
           DROP TRIGGER search_queue_ai; DROP TRIGGER search_queue_trash; DROP TRIGGER search_queue_undelete; DROP TRIGGER search_queue_ad; DROP VIEW search_source;`);
  putBackAsAt(db, SEARCH_MARK_STEP - 1, ['search_source', 'search_queue_ai', 'search_queue_trash', 'search_queue_undelete', 'search_queue_ad']);
}

/** The last step whose undo lives in its own test (steps 2–5 rewrite existing rows; their tests know how). */
const FIRST_UNDOABLE = 6;

/** The versions table keyed by `vid` again, as a fresh schema at the step before has it (same rows; the key index goes with the old table), and the heads without their pointer. */
function undoVersionsOrder(db: Database.Database): void {
  const [create] = sqlAsAt(VERSIONS_ORDER_STEP - 1, ['versions']) as [string];
  db.exec('ALTER TABLE documents DROP COLUMN current_seq;');
  rebuildVersions(db, { create: (name) => create.replace(/^CREATE TABLE versions/, `CREATE TABLE ${name}`), indexes: [] });
}

/**
 * The sequence mark step undone: the documents updated since the last flush queued (the first statement of
 * every flush), the mark's row deleted, and the view and the two triggers of the step before put back as a
 * fresh schema at that step has them.
 */
function undoSearchSeq(db: Database.Database): void {
  db.exec(`${SEQ_QUEUE_SQL}; DELETE FROM counters WHERE key IN ('${SEARCH_SEQ_KEY}', '${SEARCH_SEQ_DOCS_KEY}'); DROP VIEW search_source; DROP TRIGGER search_queue_trash;`);
  putBackAsAt(db, SEARCH_SEQ_STEP - 1, ['search_source', 'search_queue_ai', 'search_queue_trash']);
}

/** The title rows step undone: the title keys' rows deleted, the index put back as a fresh schema at the step before has it. */
function undoTitleRows(db: Database.Database): void {
  db.exec('DELETE FROM document_tags WHERE tag >= char(3) AND tag < char(4)');
  putBackAsAt(db, TITLE_ROWS_STEP - 1, ['documents_title']);
}

/**
 * The search entries keyed by document undone: the index, its term table, view and purge trigger made again as
 * a fresh schema at the step before has them (keyed by version), refilled with the same entries from that view,
 * merged, with automerge off as that step left it.
 */
function undoSearchDocKeys(db: Database.Database): void {
  db.exec('DROP TRIGGER search_queue_ad; DROP TABLE search_facet_terms; DROP TABLE search_index; DROP VIEW search_source;');
  putBackAsAt(db, SEARCH_DOC_KEYS_STEP - 1, ['search_source', 'search_index', 'search_facet_terms', 'search_queue_ad']);
  db.exec(`INSERT INTO search_index (search_index) VALUES ('rebuild');
           INSERT INTO search_index (search_index) VALUES ('optimize');
           INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0);`);
}

const UNDO: ReadonlyMap<number, (db: Database.Database) => void> = new Map([
  [SYNC_FILES_STEP, (db) => db.exec('DROP TRIGGER sync_files_blob_ad; DROP TABLE sync_files; DROP TABLE sync_held;')],
  [SYNC_STATE_STEP, dropSyncState],
  [AUDIT_STEP, dropAuditStep],
  [TAG_ROWS_KEYED_STEP, undoTagRowsKeyed],
  // The merge rewrites the search index's segments only: an index that was merged is one step 4 could have built.
  [SEARCH_MERGED_STEP, () => undefined],
  [TOTALS_STEP, restoreTotalsTriggers],
  [
    ATTACHMENTS_STEP,
    (db) =>
      db.exec(`DROP TABLE attachment_chunks; DROP TABLE attachment_chunk_data; DROP TABLE attachment_blobs; DROP TABLE version_attachments; DROP TABLE attachment_uploads;
               DELETE FROM meta WHERE key = 'attachment_key';`),
  ],
  [
    ATTACHMENT_TOTALS_STEP,
    (db) =>
      db.exec(`DROP TRIGGER attachment_blobs_ai; DROP TRIGGER attachment_blobs_au; DROP TRIGGER attachment_blobs_ad;
               DROP TRIGGER attachment_chunk_data_ai; DROP TRIGGER attachment_chunk_data_au; DROP TRIGGER attachment_chunk_data_ad;
               DELETE FROM counters WHERE key IN ('attachment_files', 'attachment_stored_bytes', 'attachment_referenced_bytes');`),
  ],
  [SEARCH_FACETS_STEP, undoSearchFacets],
  // FTS5's default, set by its own command (its config table may not be written to directly).
  [SEARCH_IDLE_MERGE_STEP, (db) => db.exec("INSERT INTO search_index (search_index, rank) VALUES ('automerge', 4)")],
  [SEARCH_QUEUE_STEP, undoSearchQueue],
  // What is queued flushed (index entries and tag rows), so the rows are the heads' as the step before keeps them.
  [TAG_QUEUE_STEP, flushQueue],
  [AUDIT_HEAD_STEP, undoAuditHeadStep],
  [SEARCH_MARK_STEP, undoSearchMark],
  [TIME_ROWS_STEP, undoTimeRows],
  // The newest audit entry moved from the head into the table, tags unchanged, as the step before keeps it.
  [AUDIT_TAIL_STEP, settleAuditTail],
  [VERSIONS_ORDER_STEP, undoVersionsOrder],
  [SEARCH_SEQ_STEP, undoSearchSeq],
  [TITLE_ROWS_STEP, undoTitleRows],
  [SEARCH_DOC_KEYS_STEP, undoSearchDocKeys],
]);

/**
 * Drops the objects of every step after `step` that is 6 or later (newest first) on a raw connection and
 * sets `user_version` to `step`; a caller that undoes steps of its own (2–5) sets it again. Only for vaults
 * whose later steps hold no data a test needs (their tables are dropped with it).
 */
export function undoStepsAfter(db: Database.Database, step: number): void {
  for (const m of [...MIGRATIONS].reverse()) {
    if (m.version <= Math.max(step, FIRST_UNDOABLE - 1)) break;
    const undo = UNDO.get(m.version);
    if (undo === undefined) throw new Error(`No undo for schema step ${m.version} (${m.name}): add one to test/helpers/later-steps.ts`);
    undo(db);
  }
  db.pragma(`user_version = ${step}`);
}
