/**
 * Schema step "versions in append order": the `versions` table's rows are kept in the order they are
 * written, and found by their key through an index.
 *
 * Until this step a version's row was keyed by its version key (`vid` = doc × 2^24 + version), so an update
 * inserted its ~1.3 KB row beside the document's earlier versions, somewhere in the middle of the table:
 * into a leaf a bulk seed had packed full, which SQLite then rebalances with its siblings. That was ~5 of an
 * update's ~10 WAL frames (`node scripts/wal-pages.mjs --kind update`). From this step the rows have a
 * sequence key (`seq`, SQLite's rowid: the next one after the largest) and `vid` is an ordinary column with
 * a UNIQUE index (`versions_vid`), whose small entries rarely split a page. Every statement that reads or
 * writes versions by `vid` reads the same: lookups and ranges by `vid` go through the index.
 * `node out/probe/write-split.mjs --kind update --only floor,append` measured the layout on plain SQL before
 * it was built (docs/bench.md, seventeenth session).
 *
 * The head names its current version's row (`documents.current_seq`, see {@link CURRENT_POINTER_SQL}), so
 * a current read still descends `versions` once.
 *
 * The step rebuilds the table: the views and triggers that name it are dropped (the rename below would
 * reject a schema with a view of a missing table) and made again from their own SQL afterwards, unchanged;
 * the rows are copied in key order a chunk at a time, with progress, each chunk's old rows deleted once
 * copied (their pages, overwritten by `secure_delete` as any erasure's are, take the next chunks' copies);
 * the emptied table is dropped and the new one renamed; the index is built. One transaction (migrations.ts):
 * a crash leaves the vault at step 21 or 22, never between.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { MigrationContext } from './migrations';

// Literals, as in migrations.ts: a shipped step never changes.

/** The columns every layout of `versions` has, in their order (content last: reading the others never walks its overflow pages). */
export const VERSION_ROW_COLUMNS = 'vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content';

/** The table from this step on (created under a temporary name, renamed once the rows are in). */
const APPEND_ORDER_SQL = (name: string): string => `
  CREATE TABLE ${name} (
    seq        INTEGER PRIMARY KEY,
    vid        INTEGER NOT NULL,
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
  ) STRICT`;

/** The key index (a version's lookup, a document's history as a range). */
const KEY_INDEX_SQL = 'CREATE UNIQUE INDEX versions_vid ON versions (vid)';

/** Version keys per copy statement: about 8,192 documents' versions (progress is reported after each). */
const CHUNK_DOCS = 8192;
const VERSION_SPAN = 2 ** 24;

/** A layout of `versions` for {@link rebuildVersions}: its CREATE TABLE under a given name, and the indexes to build after the copy. */
export interface VersionsLayout {
  readonly create: (name: string) => string;
  readonly indexes: readonly string[];
}

/** The layout of this step. */
const APPEND_ORDER: VersionsLayout = { create: APPEND_ORDER_SQL, indexes: [KEY_INDEX_SQL] };

/**
 * Rebuilds `versions` as `layout` with the same rows, copied in key order; the views and triggers that name
 * it are made again from their own SQL. Runs inside the caller's transaction. Reports progress in documents.
 */
export function rebuildVersions(db: Database.Database, layout: VersionsLayout, ctx: MigrationContext = {}): void {
  const dependents = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_schema
       WHERE type IN ('view', 'trigger') AND (tbl_name = 'versions' OR sql LIKE '%versions%') ORDER BY rowid`,
    )
    .all() as { type: 'view' | 'trigger'; name: string; sql: string }[];
  for (const d of dependents) db.exec(`DROP ${d.type === 'view' ? 'VIEW' : 'TRIGGER'} "${d.name.replace(/"/g, '""')}"`);
  db.exec(layout.create('versions_rebuilt'));
  const lastDoc = Math.floor(((db.prepare('SELECT max(vid) FROM versions').pluck().get() as number | null) ?? 0) / VERSION_SPAN);
  const copy = db.prepare(`INSERT INTO versions_rebuilt (${VERSION_ROW_COLUMNS}) SELECT ${VERSION_ROW_COLUMNS} FROM versions WHERE vid >= ? AND vid < ? ORDER BY vid`);
  // Each chunk's old rows go as soon as they are copied: the pages they free (overwritten first, as the
  // connection's secure_delete says) hold the next chunks' copies, so the file grows by about a chunk, not by
  // the table, and each statement's journal (in memory: temp_store) stays a chunk's size. One DROP of the
  // whole table journals every page it frees: 1.5 GB of memory at a million documents.
  const remove = db.prepare('DELETE FROM versions WHERE vid >= ? AND vid < ?');
  // Units: the documents' rows copied, then one for the swap and the index build.
  const units = lastDoc + 2;
  ctx.stepProgress?.(0, units);
  for (let doc = 0; doc <= lastDoc; doc += CHUNK_DOCS) {
    const range = [doc * VERSION_SPAN, Math.min(doc + CHUNK_DOCS, lastDoc + 1) * VERSION_SPAN];
    copy.run(...range);
    remove.run(...range);
    ctx.stepProgress?.(Math.min(doc + CHUNK_DOCS, lastDoc + 1), units);
  }
  db.exec('DROP TABLE versions; ALTER TABLE versions_rebuilt RENAME TO versions;');
  for (const sql of layout.indexes) db.exec(sql);
  for (const d of dependents) db.exec(d.sql);
  ctx.stepProgress?.(units, units);
}

/**
 * The head's pointer to its current version's row, a hint: `documents.current_seq`, which the write path
 * sets with the head to the sequence key its new version row is about to get (the largest plus one:
 * {@link NEXT_SEQ_SQL}). A read of the current version looks the row up by it (one descent of `versions`
 * instead of two) and takes it only if that row has the head's version key; a pointer that is stale or
 * missing (an edit outside docvault, a rowid SQLite chose otherwise) only costs the read a second statement
 * by key (engine/reads.ts). Not covered by any tag: it decides nothing.
 */
const CURRENT_POINTER_SQL = `
  ALTER TABLE documents ADD COLUMN current_seq INTEGER;
  UPDATE documents SET current_seq = (SELECT seq FROM versions v WHERE v.vid = (documents.doc << 24) + documents.version);`;

/** The sequence key the next version row gets (SQLite gives a new rowid the largest plus one). */
export const NEXT_SEQ_SQL = '(SELECT coalesce(max(seq), 0) + 1 FROM versions)';

/** The step (see the file comment). */
export function versionsInAppendOrder(db: Database.Database, ctx: MigrationContext = {}): void {
  rebuildVersions(db, APPEND_ORDER, ctx);
  db.exec(CURRENT_POINTER_SQL);
}
