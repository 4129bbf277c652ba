/** The fixed statements of a connection, prepared once: reads on any connection, writes only on a {@link WritableDB}. */
import { MAX_VERSION } from '../migrations';
import { MARK_SQL } from '../search-mark-schema';
import { NEXT_SEQ_SQL } from '../versions-order-schema';
import { CURRENT_COLUMNS_RAW, HEAD_COLUMNS, VERSION_COLUMNS } from './rows';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { StatementCache} from './db';
import { TOTALS_SQL, type PendingTotals } from './totals';
import type { PendingAudit } from './audit-pending';
import { VID, VID_RANGE, type ReadableDB, type WritableDB } from './db';

/** The current read by the version key alone (through `versions_vid`): a head whose pointer is stale or missing. Prepared when first needed. */
export const CURRENT_BY_KEY_SQL = `SELECT ${CURRENT_COLUMNS_RAW} FROM documents d LEFT JOIN versions v ON v.vid = ${VID('d.doc', 'd.version')} WHERE d.id = ?`;

/** Statements every connection has. */
export function prepareReads(db: ReadableDB) {
  return {
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    /**
     * Arrays of {@link CURRENT_COLUMNS_RAW}: read with `headWithContentOf`. The version row by the head's pointer
     * (one descent), taken only if it has the head's key; no row: {@link CURRENT_BY_KEY_SQL} (engine/reads.ts).
     */
    getCurrent: db.prepare(
      `SELECT ${CURRENT_COLUMNS_RAW} FROM documents d LEFT JOIN versions v ON v.seq = d.current_seq AND v.vid = ${VID('d.doc', 'd.version')} WHERE d.id = ?`,
    ).raw(),
    getHead: db.prepare(`SELECT ${HEAD_COLUMNS} FROM documents d WHERE d.id = ?`),
    /** undefined: no such id; null: live; a number: in the Trash since then. */
    state: db.prepare('SELECT trashed_at FROM documents WHERE id = ?').pluck(),
    getVersion: db.prepare(
      `SELECT ${VERSION_COLUMNS}, v.content, (SELECT mac FROM versions p WHERE p.vid = ${VID('d.doc', '@version - 1')}) AS prev_mac
       FROM documents d JOIN versions v ON v.vid = ${VID('d.doc', '@version')} WHERE d.id = @id`,
    ),
    /** Rows of {@link VERSION_COLUMNS} and the head's version number (`head_version`). */
    listVersions: db.prepare(`SELECT ${VERSION_COLUMNS}, d.version AS head_version FROM documents d JOIN versions v ON v.vid BETWEEN ${VID_RANGE('d.doc')} WHERE d.id = ? ORDER BY v.vid`),
    counters: db.prepare('SELECT key, n FROM counters'),
    documentCount: db.prepare("SELECT n FROM counters WHERE key = 'documents'").pluck(),
    /** A running total by its key (`type:<t>`, `tag:<t>`). */
    counter: db.prepare('SELECT n FROM counters WHERE key = ?').pluck(),
    vaultState: db.prepare("SELECT b FROM counters WHERE key = 'state'").pluck(),
  };
}

/** Statements only a writer has. */
export function prepareWrites(db: WritableDB) {
  return {
    /** `changes` 0: the id is taken; else `lastInsertRowid` is the new document's key (no RETURNING: its result table costs more). */
    insertDoc: db.prepare(
      `INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, head_mac, version_mac, current_seq)
       VALUES (@id, @createdAt, @updatedAt, @version, @title, @type, @tags, @metadata, @author, @size, @checksum, @headMac, @versionMac, ${NEXT_SEQ_SQL})
       ON CONFLICT (id) DO NOTHING`,
    ),
    insertVersion: db.prepare(
      `INSERT INTO versions (vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content)
       VALUES (@vid, @version, @createdAt, @mac, @size, @checksum, @comment, @title, @type, @tags, @metadata, @content)`,
    ),
    /** A tag row by its full key (tag, the head's updated_at, doc): one B-tree probe. */
    deleteTag: db.prepare('DELETE FROM document_tags WHERE tag = ? AND updated_at = ? AND doc = ?'),
    /** A tag row whatever its updated_at (a copy altered outside docvault): walks the tag's range, only after a miss. */
    deleteTagAnyTime: db.prepare('DELETE FROM document_tags WHERE tag = ? AND doc = ?'),
    /** Every tag row of a document, by a scan (a head whose list does not parse); returns the tags removed. */
    deleteAllTags: db.prepare('DELETE FROM document_tags WHERE doc = ? RETURNING tag').pluck(),
    /** The version key the search index holds for a queued document, 0 (none) for one after the search mark, else no row. */
    queuedVersion: db.prepare(`WITH p(doc) AS (SELECT ?) SELECT q.indexed FROM p JOIN search_queue q ON q.doc = p.doc UNION ALL SELECT 0 FROM p WHERE p.doc > ${MARK_SQL}`).pluck(),
    /** A version's tag list and time, by its key: the tag rows it has while the index holds it. */
    versionTags: db.prepare('SELECT tags, created_at AS at, type, title FROM versions WHERE vid = ?'),
    deleteVersions: db.prepare(`DELETE FROM versions WHERE vid BETWEEN ${VID('?', '1')} AND ${VID('?', String(MAX_VERSION))}`),
    deleteDoc: db.prepare('DELETE FROM documents WHERE doc = ?'),
    setTrashed: db.prepare('UPDATE documents SET trashed_at = ?, head_mac = ? WHERE doc = ?'),
    trashedDocs: db.prepare('SELECT doc, id, head_mac FROM documents WHERE trashed_at IS NOT NULL'),
    setState: db.prepare("UPDATE counters SET b = ? WHERE key = 'state'"),
    /** How many versions a document has and their bytes (doc, doc): what it adds to or takes from the totals. */
    versionTotals: db.prepare(`SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM versions WHERE vid BETWEEN ${VID('?', '1')} AND ${VID('?', String(MAX_VERSION))}`),
    /** Rows changed by every statement completed on this connection, triggers included (see VaultCore.group). */
    totalChanges: db.prepare('SELECT total_changes()').pluck(),
    /** Writes the search index's pending data now (FTS5 does at any savepoint; see VaultCore.group). */
    flushSearchIndex: db.prepare("INSERT INTO search_index (search_index) VALUES ('flush')"),
    addTotals: db.prepare(TOTALS_SQL.add),
    dropEmptyTotals: db.prepare(TOTALS_SQL.dropEmpty),
  };
}

/** A connection's fixed read statements. */
export type ReadStatements = ReturnType<typeof prepareReads>;
/** A writer's fixed write statements. */
export type WriteStatements = ReturnType<typeof prepareWrites>;

/** What read functions need: a connection, its statements, the tag key. */
export interface ReadContext {
  readonly db: ReadableDB;
  readonly r: ReadStatements;
  readonly sql: StatementCache;
  readonly macKey: Uint8Array;
}

/** What write functions need besides: a writable connection and its write statements. */
export interface WriteContext extends ReadContext {
  readonly db: WritableDB;
  readonly w: WriteStatements;
  readonly clock: () => number;
  readonly maxContentBytes: number;
  /** What the current write operation changed in the totals and the vault state, written at its end (totals.ts). */
  readonly totals: PendingTotals;
  /** The audit entries the current write operation recorded, appended at its end (audit-pending.ts). */
  readonly audits: PendingAudit;
  /**
   * The connection's one transaction function, called with the body to run: BEGIN (`.immediate`) … COMMIT, or
   * a savepoint when a transaction is open (better-sqlite3 decides at each call). Made once: each
   * `db.transaction(fn)` builds four wrappers and defines twenty properties on them (~4 µs in a loop, more in
   * garbage later), and the write path took one per write, bulk call and nested `transaction()`.
   */
  readonly inTx: Database.Transaction<(body: () => unknown) => unknown>;
}
