/**
 * The storage engine's façade: one vault file in SQLCipher 4 format, every version of every document
 * kept, HMAC-tagged, behind a byte-bounded LRU cache. Synchronous (better-sqlite3); the async
 * StorageService puts it on worker threads. Never imports electron.
 *
 * The work is done in ./engine: `open` (keying, tuning, migrating), `rows` (the row codec), `reads`,
 * `query` (lists and counts), `writes` and `verify`. This class owns what spans them: the connection's
 * life, transactions, the cache and its freshness, and per-operation timing.
 */

import { DocvaultError, isDocvaultError } from '../../shared/errors';
import {
  LIMITS,
  type BulkItemResult,
  type BulkResult,
  type Document,
  type DocumentInput,
  type DocumentPatch,
  type ListPage,
  type ListQuery,
  type MemoryMode,
  type Progress,
  type TrashPage,
  type TrashQuery,
  type VaultStats,
  type VerifyOptions,
  type VerifyReport,
  type VersionInfo,
  type WriteOptions,
} from '../../shared/types';
import type { SearchPage, SearchQuery } from '../../shared/search';
import { ATTACHMENT_LIMITS, type AttachmentBytes, type AttachmentInfo, type AttachmentReadOptions, type AttachmentStart, type UploadTicket } from '../../shared/attachments';
import { AttachmentStore, DEFAULT_UPLOAD_IDLE_MS } from './engine/attachments';
import { validateBulk, validateId, validateVersion } from '../../shared/validation';
import { DocumentCache } from './cache';
import { StatementCache, mapSqliteError, readTransaction, type ReadableDB, type WritableDB } from './engine/db';
import { createVaultFile, createVaultFileSync, openResolved, openVaultFile, openVaultFileSync, specOf, type Opened } from './engine/open';
import { backupVault, restoreBackupFile, type BackupOptions, type BackupReport, type RestoreReport } from './engine/backup';
import { rekeyVault, type RekeyReport } from './engine/rekey';
import { ChangeDetector } from './engine/freshness';
import { countDocuments, listDocuments, listTrash } from './engine/query';
import { rebuildSearchIndex, searchDocuments } from './engine/search';
import { checkSearchIndex } from './search-index';
import { isLive, readCurrent, readHistory, readVersion } from './engine/reads';
import { prepareReads, prepareWrites, type ReadContext, type WriteContext } from './engine/statements';
import { vaultStats } from './engine/stats';
import { verifyVault } from './engine/verify';
import { WalScrubber, walBytes } from './engine/wal-scrub';
import { VaultFileGuard } from './engine/vault-file';
import { createOne, emptyTrash, purgeOne, putOne, restoreComment, trashOne, undeleteOne, updateOne } from './engine/writes';
import { deriveAuditKey, profileOfSalt, readVaultHeader, wipe, type KeySpec, type ResolvedKey } from './keys';
import {
  applyPulled,
  attachRemote,
  markPushed,
  markSynced,
  readOutbox,
  syncConflicts,
  syncState,
  type ApplyReport,
  type AttachOptions,
  type OutboxEntry,
  type PulledRow,
  type SyncConflict,
  type SyncLocalState,
} from './engine/sync';
import { deriveSyncKeys, type SyncKeys } from './sync/seal';
import { filesHere, heldRows, recordDigests, type ReceivedFile, type SyncFile } from './engine/sync-files';
import { appendAudit, auditVerifyProblems, counted, readAudit, validateAuditRecord, type AuditAppend } from './engine/audit';
import { AUDIT_MAX_ENTRIES, type AuditPage, type AuditQuery, type AuditRecord } from '../../shared/audit';
import { tuningFor, type MemoryTuning } from './memory-modes';
import { OpRecorder } from './op-stats';
import { DEFAULT_WAL_SCRUB_MS, type VaultOptions } from './engine/options';

export type { VaultOptions } from './engine/options';

/** Thrown inside a transaction to roll it back on purpose (bulk calls with a failed item). */
const ROLLBACK = Symbol('rollback');

function now(): number {
  return performance.now();
}

/** The id of a bulk item, for its result line, whatever shape the item has. */
function idOfInput(item: unknown): string {
  return typeof item === 'object' && item !== null && 'id' in item ? String((item as { id: unknown }).id) : '';
}

/**
 * FTS5's check of the index against its text, without waiting for the write lock its command takes: if
 * another connection is writing, SQLITE_BUSY at once (verify then says the check was skipped), not a
 * 5 s wait.
 */
function checkIndexNow(db: WritableDB): void {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    checkSearchIndex(db);
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}

/**
 * An open vault. Create or open one with {@link Vault.create} / {@link Vault.open} (or the `Sync`
 * variants with a raw key). Every method throws {@link DocvaultError}; after {@link Vault.close},
 * every method throws `Closed`.
 */
export class Vault {
  readonly path: string;
  readonly encrypted: boolean;
  readonly memoryMode: MemoryMode;
  readonly tuning: MemoryTuning;
  readonly maxContentBytes: number;
  readonly readonly: boolean;

  #db: ReadableDB | undefined;
  readonly #macKey: Buffer;
  /** The audit log's tag key (derived from the tag key), wiped on close. */
  readonly #auditKey: Buffer;
  readonly #auditMax: number;
  readonly #read: ReadContext;
  /** Undefined on a read-only connection: the only place "can this write?" is decided. */
  readonly #write: WriteContext | undefined;
  readonly #cache: DocumentCache;
  readonly #ops = new OpRecorder();
  readonly #changes: ChangeDetector;
  readonly #openedAt: number;
  #cachedGets = 0;
  #cachedExists = 0;
  /** Depth of transactions this object opened (see `#counted`). */
  #txDepth = 0;
  /** What the connection was keyed with (a copy, wiped on close): a backup is opened and verified with it. */
  readonly #key: ResolvedKey;
  readonly #nativeBinding: string | undefined;
  /** Truncates the WAL after erasing writes (writers only). */
  readonly #scrub: WalScrubber | undefined;
  /** The file opened, checked before each commit (undefined on a read-only connection, which never commits). */
  readonly #file: VaultFileGuard | undefined;
  /** Uploads, reads and checks of attachments (engine/attachments.ts). */
  readonly #attachments: AttachmentStore;

  private constructor(path: string, opened: Opened, opts: VaultOptions) {
    this.path = path;
    this.#db = opened.db;
    this.#macKey = opened.macKey;
    this.#auditKey = deriveAuditKey(opened.macKey);
    this.#auditMax = opts.auditMaxEntries ?? AUDIT_MAX_ENTRIES;
    this.#key = opened.key;
    this.#nativeBinding = opts.nativeBinding;
    this.encrypted = opened.encrypted;
    this.memoryMode = opts.memoryMode ?? 'standard';
    this.tuning = tuningFor(this.memoryMode, opts.tuning);
    this.maxContentBytes = opts.maxContentBytes ?? LIMITS.defaultMaxContentBytes;
    this.readonly = opened.mode === 'read';
    this.#cache = new DocumentCache(this.tuning.cacheEntries, this.tuning.cacheBytes, this.tuning.existsEntries);
    const sql = new StatementCache(opened.db);
    this.#read = { db: opened.db, r: prepareReads(opened.db), sql, macKey: this.#macKey };
    this.#write =
      opened.mode === 'write'
        ? { ...this.#read, db: opened.db, w: prepareWrites(opened.db), clock: opts.now ?? Date.now, maxContentBytes: this.maxContentBytes }
        : undefined;
    this.#scrub = this.#write === undefined ? undefined : new WalScrubber(this.#write.db, opts.walScrubMs ?? DEFAULT_WAL_SCRUB_MS);
    // A crash between an erasure and its checkpoint leaves the erased text in the -wal: fold it in now.
    if (this.#scrub !== undefined && walBytes(path) > 0) this.#scrub.request();
    this.#file = opened.mode === 'write' ? new VaultFileGuard(path) : undefined;
    this.#attachments = new AttachmentStore({
      maxBytes: opts.maxAttachmentBytes ?? ATTACHMENT_LIMITS.maxBytes,
      uploadIdleMs: opts.uploadIdleMs ?? DEFAULT_UPLOAD_IDLE_MS,
    });
    // Uploads a crashed process left behind are dropped once idle past the time-out (a cheap look first:
    // no write lock is taken when there are none).
    if (this.#write !== undefined) {
      const w = this.#write;
      try {
        if (w.sql.get('SELECT 1 FROM attachment_uploads LIMIT 1', true).get() !== undefined) w.db.transaction(() => this.#attachments.expire(w)).immediate();
      } catch {
        // Best effort: another writer holds the lock, the disk is full, or a page there is damaged (found by
        // the tamper suite) — none of it may keep the rest of the vault from opening. The next begin drops
        // them; verify reports damage.
      }
    }
    this.#changes = new ChangeDetector(this.#read.r.dataVersion, opts.externalCheckMs ?? 0, () => this.#cache.clear());
    this.#openedAt = (opts.now ?? Date.now)();
  }

  // ---------------------------------------------------------------- opening

  /** Creates a new vault file at `path` (fails with `AlreadyExists` if anything is there). */
  static async create(path: string, opts: VaultOptions): Promise<Vault> {
    return new Vault(path, await createVaultFile(path, opts), opts);
  }

  /** Creates a vault keyed by a raw key or unencrypted (a passphrase needs the async {@link Vault.create}). */
  static createSync(path: string, opts: VaultOptions): Vault {
    return new Vault(path, createVaultFileSync(path, opts), opts);
  }

  /** Opens an existing vault, migrating it unless `readonly`. With a passphrase, runs the vault's KDF (about 0.2 s by default). */
  static async open(path: string, opts: VaultOptions): Promise<Vault> {
    return new Vault(path, await openVaultFile(path, opts), opts);
  }

  /** Opens a vault with a raw key or an unencrypted one; takes milliseconds. */
  static openSync(path: string, opts: VaultOptions): Vault {
    return new Vault(path, openVaultFileSync(path, opts), opts);
  }

  // ---------------------------------------------------------------- plumbing

  #conn(): ReadableDB {
    const db = this.#db;
    if (db === undefined) throw new DocvaultError('Closed', 'The vault is closed');
    return db;
  }

  #writer(): WriteContext {
    this.#conn();
    if (this.#write === undefined) throw new DocvaultError('Invalid', 'This vault connection is read-only');
    return this.#write;
  }

  /** Runs `fn` as a timed operation, mapping stray SQLite errors to typed ones (naming `id`, if the call is about one). */
  #op<T>(name: string, fn: () => T, id?: string): T {
    this.#conn();
    const t0 = now();
    try {
      const r = fn();
      this.#ops.record(name, (now() - t0) * 1000);
      return r;
    } catch (err) {
      this.#ops.record(name, (now() - t0) * 1000, true);
      throw mapSqliteError(err, name, typeof id === 'string' ? id : undefined);
    }
  }

  /** Runs a write in its own transaction (or a savepoint inside the caller's). */
  #tx<T>(fn: (w: WriteContext) => T): T {
    const w = this.#writer();
    return w.db.transaction(this.#counted(this.#guarded(() => fn(w)))).immediate();
  }

  /**
   * Wraps a transaction body so that the outermost one, before it commits, checks that the path still
   * names the file opened: SQLite would commit into a deleted or replaced file without an error, and the
   * write would be lost at close. Throwing here rolls the transaction back. One `stat` per commit.
   */
  #guarded<T>(fn: () => T): () => T {
    return () => {
      const r = fn();
      if (this.#txDepth === 1) this.#file?.check();
      return r;
    };
  }

  /**
   * Wraps a transaction body so `#txDepth` says whether we are inside one. Cheaper than asking SQLite
   * (`db.inTransaction` is a native call), which matters on the cache-hit path.
   */
  #counted<T>(fn: () => T): () => T {
    return () => {
      this.#txDepth++;
      try {
        return fn();
      } finally {
        this.#txDepth--;
      }
    };
  }

  /** After a write to `id`: cache the new state, or forget it while a transaction may still roll back. */
  #afterWrite(id: string, doc: Document | null): void {
    if (this.#txDepth > 0) {
      this.#cache.invalidate(id);
      return;
    }
    if (doc === null) {
      this.#cache.invalidate(id);
      this.#cache.setExists(id, false);
    } else this.#cache.set(doc);
  }

  /** A single-document write: its own transaction, then the cache. */
  #writeDoc(name: string, fn: (w: WriteContext) => Document): Document {
    return this.#op(name, () => {
      const doc = this.#tx(fn);
      this.#afterWrite(doc.id, doc);
      return doc;
    });
  }

  /** Appends an audit entry inside the current write transaction: it commits or rolls back with the write. */
  #audit(w: WriteContext, e: AuditAppend): void {
    appendAudit(w.db, this.#auditKey, e, w.clock(), this.#auditMax);
  }

  // ---------------------------------------------------------------- reading

  /** The current version of `id`. Throws `NotFound` (details.trashed for a document in the Trash), or `Integrity` if the stored bytes were altered. */
  get(id: string): Document {
    this.#conn();
    if (this.#txDepth === 0) {
      this.#changes.checkThisTurn();
      const hit = this.#cache.get(id);
      if (hit !== undefined) {
        this.#cachedGets++;
        return hit;
      }
    }
    return this.#op('get', () => {
      validateId(id);
      const doc = readCurrent(this.#read, id);
      return this.#txDepth > 0 ? doc : this.#cache.set(doc);
    }, id);
  }

  /** Whether a live document with `id` exists (false for one in the Trash). */
  exists(id: string): boolean {
    this.#conn();
    if (this.#txDepth === 0) {
      this.#changes.checkThisTurn();
      const known = this.#cache.exists(id);
      if (known !== undefined) {
        this.#cachedExists++;
        return known;
      }
    }
    return this.#op('exists', () => {
      validateId(id);
      const present = isLive(this.#read, id);
      if (this.#txDepth === 0) this.#cache.setExists(id, present);
      return present;
    });
  }

  /** Version `version` of `id`, as it was written. */
  getVersion(id: string, version: number): Document {
    return this.#op('getVersion', () => readVersion(this.#read, validateId(id), validateVersion(version)), id);
  }

  /**
   * Every version of `id`, oldest first (content excluded). A version whose record fails its tag is
   * still listed, with its fields as stored (untrusted) and `integrityProblem` saying why, so one
   * altered version does not hide the history; reading it with `getVersion` raises `Integrity`.
   */
  versions(id: string): VersionInfo[] {
    return this.#op('versions', () => readHistory(this.#read, validateId(id)), id);
  }

  /** One page of document summaries, filtered and sorted, with a cursor for the next page. */
  list(query: ListQuery = {}): ListPage {
    return this.#op('list', () => listDocuments(this.#read, query));
  }

  /** Number of documents matching the filters of `query`. */
  count(query: Pick<ListQuery, 'type' | 'tag' | 'author'> = {}): number {
    return this.#op('count', () => countDocuments(this.#read, query));
  }

  /** One page of the Trash, the most recently trashed first. */
  listTrash(query: TrashQuery = {}): TrashPage {
    return this.#op('listTrash', () => listTrash(this.#read, query));
  }

  /**
   * One page of live documents whose current title or content matches `query.query` (words, `prefix*`,
   * `"phrases"`, AND / OR / NOT, `title:`), best first (bm25, title weighted), with a marked snippet each,
   * filtered like a list. A query that cannot be read throws `Invalid` with the reason.
   */
  search(query: SearchQuery): SearchPage {
    return this.#op('search', () => searchDocuments(this.#read, query));
  }

  /** Reads many documents; a result per id (NotFound and Integrity are per item). */
  bulkGet(ids: readonly string[]): BulkItemResult<Document>[] {
    const db = this.#conn();
    validateBulk(ids, 'ids');
    const out: BulkItemResult<Document>[] = new Array<BulkItemResult<Document>>(ids.length);
    const missing: number[] = [];
    const inTx = this.#txDepth > 0;
    if (!inTx) this.#changes.checkThisTurn();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const hit = inTx ? undefined : this.#cache.get(id);
      if (hit !== undefined) out[i] = { id, status: 'ok', value: hit };
      else missing.push(i);
    }
    this.#cachedGets += ids.length - missing.length;
    if (missing.length === 0) return out;
    return this.#op('bulkGet', () => {
      // One read transaction: the misses come from one consistent snapshot.
      db.transaction(
        this.#counted(() => {
          for (const i of missing) {
            const id = ids[i] as string;
            try {
              out[i] = { id, status: 'ok', value: readCurrent(this.#read, validateId(id)) };
            } catch (err) {
              if (!isDocvaultError(err)) throw err;
              out[i] = { id: String(id), status: 'error', error: { kind: err.kind, message: err.message } };
            }
          }
        }),
      ).deferred();
      if (!inTx)
        for (const i of missing) {
          const r = out[i];
          if (r?.status === 'ok') out[i] = { id: r.id, status: 'ok', value: this.#cache.set(r.value) };
        }
      return out;
    });
  }

  // ---------------------------------------------------------------- writing

  /** Creates a document at version 1. `AlreadyExists` if the id is taken (details.reason `trashed` if by a document in the Trash). */
  create(input: DocumentInput, opts?: WriteOptions): Document {
    return this.#writeDoc('create', (w) => {
      const doc = createOne(w, input, opts);
      this.#audit(w, { event: 'document.create', outcome: 'ok', count: 1 });
      return doc;
    });
  }

  /** Writes a new version with the fields of `patch` changed. `expectedVersion` guards against lost updates. */
  update(id: string, patch: DocumentPatch, opts?: WriteOptions): Document {
    return this.#writeDoc('update', (w) => updateOne(w, id, patch, opts));
  }

  /** Creates the document, or writes a new version with the given fields changed (absent fields keep their value). */
  put(input: DocumentInput, opts?: WriteOptions): Document {
    return this.#writeDoc('put', (w) => {
      const doc = putOne(w, input, opts);
      if (doc.version === 1) this.#audit(w, { event: 'document.create', outcome: 'ok', count: 1 });
      return doc;
    });
  }

  /**
   * Writes a new version equal to version `version`, commented "restored from version N", or
   * "restored from version N: <comment>" when a comment is given (the history always says where a
   * restored version came from). Raises `Integrity`, writing nothing, when that version fails its check.
   */
  restore(id: string, version: number, opts?: WriteOptions): Document {
    const comment = restoreComment(version, opts?.comment);
    return this.#writeDoc('restore', (w) => {
      const old = readVersion(w, validateId(id), validateVersion(version));
      // The restored version carries that version's attachments too.
      const attachments = old.attachments === undefined ? null : JSON.stringify(old.attachments);
      return updateOne(w, id, { content: old.content, title: old.title, type: old.type, tags: old.tags, metadata: old.metadata }, { ...opts, comment }, attachments);
    });
  }

  /**
   * Moves a document, with every version of it, to the Trash: it leaves lists, counts and stats, and
   * reads of it fail with `NotFound` (details.trashed) until {@link Vault.undelete}. Nothing is erased:
   * {@link Vault.purge} or {@link Vault.emptyTrash} does that.
   */
  delete(id: string, opts?: WriteOptions): void {
    this.#op('delete', () => {
      this.#tx((w) => {
        trashOne(w, id, opts);
        this.#audit(w, { event: 'document.delete', outcome: 'ok', count: 1 });
      });
      this.#afterWrite(id, null);
    });
  }

  /** Brings a document back from the Trash, as it was (same version, tags, history). `NotFound` unless it is in the Trash. */
  undelete(id: string): Document {
    return this.#writeDoc('undelete', (w) => {
      const doc = undeleteOne(w, id);
      this.#audit(w, { event: 'document.undelete', outcome: 'ok', count: 1 });
      return doc;
    });
  }

  /**
   * Deletes a document, live or in the Trash, and every version of it, forever: the freed pages are
   * overwritten (`secure_delete` is on). `NotFound` if there is no such id.
   */
  purge(id: string): void {
    this.#op('purge', () => {
      this.#tx((w) => {
        purgeOne(w, id);
        this.#audit(w, { event: 'document.purge', outcome: 'ok', count: 1 });
      });
      this.#afterWrite(id, null);
      this.#scrub?.request();
    });
  }

  /** Purges every document in the Trash in one transaction. Returns how many. */
  emptyTrash(): number {
    return this.#op('emptyTrash', () => {
      const ids = this.#tx((w) => {
        const purged = emptyTrash(w);
        if (purged.length > 0) this.#audit(w, { event: 'document.purge', outcome: 'ok', count: purged.length });
        return purged;
      });
      for (const id of ids) this.#afterWrite(id, null);
      if (ids.length > 0) this.#scrub?.request();
      return ids.length;
    });
  }

  // ---------------------------------------------------------------- bulk

  #bulk<I, T extends Document | null>(
    op: string,
    items: readonly I[],
    idOf: (item: I) => string,
    one: (w: WriteContext, item: I) => T,
    audit: (results: readonly BulkItemResult<T>[]) => AuditAppend | undefined,
  ): BulkResult<T> {
    return this.#op(op, () => {
      validateBulk(items);
      const results: BulkItemResult<T>[] = [];
      let failed = false;
      try {
        this.#tx((w) => {
          for (const item of items) {
            const id = idOf(item);
            try {
              results.push({ id, status: 'ok', value: one(w, item) });
            } catch (err) {
              if (!isDocvaultError(err)) throw err;
              failed = true;
              results.push({ id, status: 'error', error: { kind: err.kind, message: err.message } });
            }
          }
          if (failed) throw ROLLBACK;
          const entry = audit(results);
          if (entry !== undefined) this.#audit(w, entry);
        });
      } catch (err) {
        if (err !== ROLLBACK) throw err;
        // Nothing was committed; the items that did not fail are reported as rolled back.
        const rolled = results.map((r): BulkItemResult<T> => (r.status === 'ok' ? { id: r.id, status: 'rolledBack' } : r));
        for (const r of rolled) this.#cache.invalidate(r.id);
        return { committed: false, items: rolled };
      }
      for (const r of results) if (r.status === 'ok') this.#afterWrite(r.id, r.value);
      return { committed: true, items: results };
    });
  }

  /** Creates every document in one transaction: all or nothing, a result per item. */
  bulkCreate(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
    return this.#bulk('bulkCreate', inputs, idOfInput, (w, i) => createOne(w, i, opts), (r) => counted('document.create', r.length));
  }

  /** Puts every document in one transaction: all or nothing, a result per item. */
  bulkPut(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
    return this.#bulk('bulkPut', inputs, idOfInput, (w, i) => putOne(w, i, opts), (r) =>
      counted('document.create', r.filter((x) => x.status === 'ok' && x.value.version === 1).length),
    );
  }

  /** Moves every listed document to the Trash in one transaction: all or nothing, a result per item. */
  bulkDelete(ids: readonly string[]): BulkResult<null> {
    return this.#bulk('bulkDelete', ids, (id) => String(id), (w, id) => {
      trashOne(w, id, undefined);
      return null;
    }, (r) => counted('document.delete', r.length));
  }

  // ---------------------------------------------------------------- attachments

  /**
   * Opens an upload of a file to attach to the live document `id` (see engine/attachments.ts). Send the
   * bytes with {@link Vault.putAttachmentChunk}, then {@link Vault.commitAttachment} or
   * {@link Vault.abortAttachment}; or let `attachStream` do all three from a stream.
   */
  beginAttachment(id: string, start: AttachmentStart, opts?: WriteOptions): UploadTicket {
    return this.#op('beginAttachment', () => this.#tx((w) => this.#attachments.begin(w, id, start, opts)), id);
  }

  /** Stores the piece of an upload that starts at `offset`; every piece but the last is `chunkBytes` long. */
  putAttachmentChunk(uploadId: string, offset: number, data: Uint8Array): { received: number } {
    return this.#op('putAttachmentChunk', () => this.#tx((w) => this.#attachments.chunk(w, uploadId, offset, data)));
  }

  /** Ends an upload of document `id`'s: writes its next version with the file attached (replacing one of the same name). */
  commitAttachment(id: string, uploadId: string, opts?: WriteOptions): Document {
    return this.#writeDoc('commitAttachment', (w) => this.#attachments.commit(w, id, uploadId, opts));
  }

  /**
   * Creates `input.id` or writes its next version (as `put`), carrying exactly the files of `uploads` as its
   * attachments, in one version: what import needs to replay an exported version with its files.
   */
  putWithAttachments(input: DocumentInput, uploads: readonly string[], opts?: WriteOptions): Document {
    return this.#writeDoc('putWithAttachments', (w) => this.#attachments.putWith(w, input, uploads, opts));
  }

  /** Drops an upload and every chunk only it named. */
  abortAttachment(uploadId: string): void {
    this.#op('abortAttachment', () => this.#tx((w) => this.#attachments.abort(w, uploadId)));
  }

  /** Writes the next version of `id` without attachment `name` (older versions keep it). */
  detach(id: string, name: string, opts?: WriteOptions): Document {
    return this.#writeDoc('detach', (w) => this.#attachments.detach(w, id, name, opts));
  }

  /** The attachments of the current version of `id`, or of version `version`, verified. */
  attachments(id: string, version?: number): AttachmentInfo[] {
    return this.#op('attachments', () => this.#attachments.list(this.#read, id, version), id);
  }

  /** Up to `length` bytes (at most `ATTACHMENT_LIMITS.readMaxBytes`) of attachment `name` from `offset`, verified chunk by chunk. */
  readAttachment(id: string, name: string, opts?: AttachmentReadOptions): AttachmentBytes {
    return this.#op('readAttachment', () => this.#attachments.read(this.#read, id, name, opts), id);
  }

  /**
   * Every chunk of attachment `name` (of the current version, or of `version`) in order, each verified
   * before it is yielded; one chunk in memory at a time. `Integrity` names the attachment.
   */
  *attachmentChunks(id: string, name: string, version?: number): Generator<Uint8Array, void, undefined> {
    this.#conn();
    yield* this.#attachments.chunks(this.#read, id, name, version);
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `fn` in a transaction; nested calls become savepoints. If `fn` throws, its writes roll back
   * (an inner failure caught by the outer function rolls back only the inner part). `fn` must be
   * synchronous. The cache is exact after any rollback: writes inside a transaction invalidate
   * instead of caching, and reads inside one never populate the cache.
   */
  transaction<T>(fn: () => T): T {
    const w = this.#writer();
    const wrapped = w.db.transaction(
      this.#counted(
        this.#guarded(() => {
          const r = fn();
          if (r instanceof Promise) throw new DocvaultError('Invalid', 'transaction(): the function must be synchronous');
          return r;
        }),
      ),
    );
    try {
      return this.#txDepth > 0 ? wrapped() : wrapped.immediate();
    } catch (err) {
      throw mapSqliteError(err, 'transaction');
    }
  }

  // ---------------------------------------------------------------- team sync (engine/sync.ts)

  /** Where this vault syncs to, how far it got, what is pending, conflicts and refused rows. */
  syncState(): SyncLocalState {
    return this.#op('syncState', () => syncState(this.#read));
  }

  /** Documents both this device and another changed from the same base, until a new version settles them. */
  syncConflicts(): SyncConflict[] {
    return this.#op('syncConflicts', () => syncConflicts(this.#read));
  }

  /** Attaches the vault to a remote vault (URL without password); the first attach queues everything already here. */
  attachRemote(opts: AttachOptions): void {
    this.#op('attachRemote', () => this.#tx((w) => attachRemote(w, opts)));
  }

  /** The next `limit` versions and tombstones to push, oldest first, in plaintext (sealed by the caller). */
  syncOutbox(limit: number): OutboxEntry[] {
    return this.#op('syncOutbox', () => readOutbox(this.#read, limit));
  }

  /** Removes entries the server has acknowledged from the outbox. */
  markPushed(entries: readonly Pick<OutboxEntry, 'n' | 'settles' | 'payload'>[]): void {
    this.#op('markPushed', () => this.#tx((w) => markPushed(w, entries)));
  }

  /**
   * Applies pulled rows and records `lastSeq`, in one transaction. `received`: the files fetched for
   * their versions (uploads begun with {@link Vault.beginSyncFile}, or why one could not be fetched); a
   * version whose files are missing is held back (`syncHeld`), and uploads no version took are dropped.
   */
  applyPulled(rows: readonly PulledRow[], lastSeq: number, received: readonly ReceivedFile[] = []): ApplyReport {
    return this.#op('applyPulled', () => {
      const a = this.#attachments;
      const report = this.#tx((w) =>
        applyPulled(w, rows, lastSeq, { files: received, take: (upload, size) => a.takeReceived(w, upload, size), drop: (upload) => a.abort(w, upload) }),
      );
      for (const id of report.ids) this.#cache.invalidate(id);
      return report;
    });
  }

  /** Chunk `index` of a stored file an outbox version lists (`OutboxEntry.files`), verified: sync reads files one chunk at a time. */
  syncFileChunk(file: SyncFile, index: number): Uint8Array {
    return this.#op('syncFileChunk', () => this.#attachments.fileChunk(this.#read, file.id, file.version, file.entry, index), file.id);
  }

  /** Records the SHA-256 of stored files (by `ref`), as sync read them: the next push names them without reading them. */
  recordSyncDigests(files: readonly { readonly ref: string; readonly sha256: string }[]): void {
    this.#op('recordSyncDigests', () => this.#tx((w) => recordDigests(w, files)));
  }

  /** Which of these files (SHA-256 hex and size) are stored here already: sync does not fetch those. */
  syncFilesHere(files: readonly { readonly sha256: string; readonly size: number }[]): string[] {
    return this.#op('syncFilesHere', () => filesHere(this.#read, files));
  }

  /** Opens an upload for a file sync fetches for a pulled version (sent with `putAttachmentChunk`, taken by `applyPulled`). */
  beginSyncFile(size: number): UploadTicket {
    return this.#op('beginSyncFile', () => this.#tx((w) => this.#attachments.beginReceive(w, size)));
  }

  /** Pulled rows held back until their files arrive, oldest first (server number, document, why). */
  syncHeld(): { seq: number; id: string; reason: string }[] {
    return this.#op('syncHeld', () => heldRows(this.#read));
  }

  /** Records that a sync finished now. */
  markSynced(): void {
    this.#op('markSynced', () => this.#tx((w) => markSynced(w)));
  }

  /**
   * The keys that seal this vault's rows for remote vault `remoteVault` (32 hex), derived from the vault
   * key. `Invalid` for a vault without a docvault key (plain, or keyed by stock SQLCipher's own KDF).
   * The caller wipes them (`wipeSyncKeys`).
   */
  syncKeys(remoteVault: string): SyncKeys {
    this.#conn();
    const k = this.#key;
    if (!('rawKey' in k)) throw new DocvaultError('Invalid', 'A team vault needs an encrypted docvault vault (a passphrase or raw key docvault made)');
    if (!/^[0-9a-f]{32}$/.test(remoteVault)) throw new DocvaultError('Invalid', 'remote vault id: 32 hexadecimal characters');
    return deriveSyncKeys(k.rawKey, Buffer.from(remoteVault, 'hex'));
  }

  /**
   * The vault's KDF salt (hex) when it is keyed by a passphrase through docvault's KDF, else null: a clone
   * made with the same passphrase and this salt has the same key.
   */
  kdfSalt(): string | null {
    this.#conn();
    const header = readVaultHeader(this.path);
    return 'rawKey' in this.#key && profileOfSalt(header) !== undefined ? header.toString('hex') : null;
  }

  // ---------------------------------------------------------------- maintenance

  /**
   * Changes the key of the (closed) vault at `path` from `key` to `newKey` (a passphrase or a raw key),
   * by copy and swap (see engine/rekey.ts): a verified copy, its tags re-derived under the new key, the copy
   * re-encrypted (journal DELETE for the rekey, then WAL again), verified with the new key, renamed over the
   * vault. Killed at any moment, the vault opens with the old key or the new one. `WrongKey` for a wrong
   * `key`, `Invalid` for a plain vault or a bad new key, `Overloaded` while the vault is open anywhere,
   * `Integrity` if the vault does not verify (nothing changes).
   */
  static async rekey(
    path: string,
    opts: { readonly key: KeySpec; readonly newKey: KeySpec; readonly onProgress?: (p: Progress) => void; readonly nativeBinding?: string },
  ): Promise<RekeyReport> {
    const binding = opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding };
    return rekeyVault(path, opts, {
      copyUnderOldKey: async (copy, onProgress) => {
        const v = await Vault.open(path, { key: opts.key, memoryMode: 'baseline', ...binding });
        try {
          if (!v.encrypted) throw new DocvaultError('Invalid', 'This vault is not encrypted: it has no key to change');
          v.backup(copy, onProgress === undefined ? {} : { onProgress });
          const k = v.#key;
          return 'rawKey' in k ? { rawKey: Buffer.from(k.rawKey) } : 'sqlcipherPassphrase' in k ? { passphrase: k.sqlcipherPassphrase } : {};
        } finally {
          v.close();
        }
      },
      verifyCopy: (copy, rawKey, onProgress) => {
        const nv = Vault.openSync(copy, { key: { rawKey }, readonly: true, memoryMode: 'baseline', ...binding });
        try {
          return nv.verify(onProgress);
        } finally {
          nv.close();
        }
      },
    });
  }

  /**
   * Writes a consistent, verified copy of the vault to `out` while other connections keep writing
   * (`VACUUM INTO` a temporary file beside `out`, fsync, open and verify it, rename). Encrypted with the
   * vault's own key and salt: it opens with the same passphrase or key. `AlreadyExists` if `out` exists
   * (unless `overwrite`), `Integrity` if the copy does not verify (nothing is left at `out`). Works on a
   * read-only connection too (the service runs it on a reader thread).
   */
  backup(out: string, opts: BackupOptions = {}): BackupReport {
    return this.#op('backup', () => backupVault(this.#conn(), this.path, out, (copy, onProgress) => this.#verifyCopy(copy, onProgress), opts));
  }

  /** Opens a copy of this vault read-only with this vault's key and verifies it. */
  #verifyCopy(path: string, onProgress?: (p: Progress) => void): VerifyReport {
    const key = this.#key;
    const copy: ResolvedKey = 'rawKey' in key ? { rawKey: Buffer.from(key.rawKey) } : key;
    const opts: VaultOptions = { key: specOf(copy), readonly: true, memoryMode: 'baseline', ...(this.#nativeBinding === undefined ? {} : { nativeBinding: this.#nativeBinding }) };
    const v = new Vault(path, openResolved(path, opts, copy), opts);
    try {
      return v.verify(onProgress);
    } finally {
      v.close();
    }
  }

  /**
   * Replaces the vault file at `vaultPath` with the backup `file`: copies it beside the vault, opens the
   * copy with `key` (the backup's key: `WrongKey` if it does not fit) and verifies it (`Integrity` if it
   * does not), keeps the vault it replaces as `<vault>.before-restore-<time>`, and renames the copy over
   * the vault — atomically: the vault path always holds the old vault or the whole restored one. The vault
   * must be closed everywhere (`Overloaded` otherwise).
   */
  static restoreBackup(vaultPath: string, file: string, opts: Pick<VaultOptions, 'key' | 'nativeBinding' | 'now'> & { readonly onProgress?: (p: Progress) => void }): Promise<RestoreReport> {
    const binding = opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding };
    return restoreBackupFile(vaultPath, file, {
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
      ...(opts.now === undefined ? {} : { now: opts.now }),
      verifyFile: async (path, onProgress) => {
        const v = await Vault.open(path, { key: opts.key, readonly: true, memoryMode: 'baseline', ...binding });
        try {
          return v.verify(onProgress);
        } finally {
          v.close();
        }
      },
      // The restored vault's own log says it was restored (and how many documents came back).
      markRestored: async (path, report) => {
        const v = await Vault.open(path, { key: opts.key, memoryMode: 'baseline', ...binding, ...(opts.now === undefined ? {} : { now: opts.now }) });
        try {
          v.#tx((w) => v.#audit(w, { event: 'restore', outcome: 'ok', count: report.documents }));
        } finally {
          v.close();
        }
      },
    });
  }

  /**
   * Checks every document's head and chain of versions, the vault state, counters and tag rows, and
   * SQLite's own structure. With `{ maxMs }`, checks one chunk and returns `next` to resume with `{ from }`.
   */
  verify(onProgress?: (p: Progress) => void, options?: VerifyOptions): VerifyReport {
    return this.#op('verify', () => {
      const db = this.#conn();
      const t0 = now();
      const w = this.#write;
      const report = verifyVault(this.#read, readTransaction(db), onProgress, options, {
        attachments: this.#attachments,
        ...(w === undefined ? {} : { checkSearchIndex: () => checkIndexNow(w.db) }),
      });
      // The audit chain is checked with the last chunk (it is small: at most auditMaxEntries rows).
      const audit = report.next === undefined ? auditVerifyProblems(db, this.#auditKey) : [];
      const problems = audit.length === 0 ? report.problems : [...report.problems, ...audit];
      return { ...report, ok: problems.length === 0, problems, durationMs: now() - t0 };
    });
  }

  // ---------------------------------------------------------------- audit log

  /**
   * A page of the audit log, newest first (default 200 entries), and every break in its chain over the
   * whole log (`problems`, empty when it verifies). Works on a read-only connection.
   */
  auditLog(query: AuditQuery = {}): AuditPage {
    return this.#op('auditLog', () => {
      if (typeof query !== 'object' || query === null) throw new DocvaultError('Invalid', 'query: an object is expected');
      const db = this.#conn();
      const tx = readTransaction(db);
      tx.begin();
      try {
        return readAudit(db, this.#auditKey, query);
      } finally {
        tx.end();
      }
    });
  }

  /**
   * Appends an event the app layer observes (see `APP_AUDIT_EVENTS`: an open by a user, failed unlocks
   * counted since the last open, a backup, a failed verify, an export or import) in its own transaction.
   * `detail` is an error kind at most (letters only): never content, titles, ids or paths.
   */
  recordAudit(record: AuditRecord): void {
    this.#op('recordAudit', () => {
      const e = validateAuditRecord(record);
      this.#tx((w) => this.#audit(w, e));
    });
  }

  /**
   * Rebuilds the full-text index from the documents (FTS5's `rebuild`), in one write transaction: the repair
   * for an `Index` problem of {@link Vault.verify}. The documents are not touched. Needs a writable vault.
   */
  rebuildSearchIndex(): void {
    this.#op('rebuildSearchIndex', () => this.#tx((w) => rebuildSearchIndex(w.db)));
  }

  /** Counters, sizes and latencies. Reads two small tables and a few pragmas: fine to poll every second. */
  stats(): VaultStats {
    this.#conn();
    const ops = this.#ops.snapshot();
    // Cache hits are counted here, not timed (timing would cost more than the hit).
    for (const [name, cached] of [['get', this.#cachedGets], ['exists', this.#cachedExists]] as const) {
      if (cached === 0) continue;
      const o = ops[name];
      ops[name] = o === undefined ? { count: cached, errors: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 } : { ...o, count: o.count + cached };
    }
    return vaultStats(this.#read, { path: this.path, encrypted: this.encrypted, memoryMode: this.memoryMode, cache: this.#cache.stats(), ops, openedAt: this.#openedAt });
  }

  /**
   * Drops the cache now if another connection changed the vault (reads do this on their own, throttled).
   * Returns whether it did (the async service's writer uses this to tell the main thread's cache).
   */
  refresh(): boolean {
    this.#conn();
    return this.#changes.checkNow();
  }

  /** True until {@link Vault.close}. */
  get isOpen(): boolean {
    return this.#db !== undefined;
  }

  /** Checkpoints the WAL, runs `PRAGMA optimize`, closes. Idempotent; every later call throws `Closed`. */
  close(): void {
    const db = this.#db;
    if (db === undefined) return;
    // Uploads this connection began end with it (locking the vault ends them); their chunks go.
    if (this.#write !== undefined)
      for (const upload of this.#attachments.ownUploads) {
        try {
          this.#tx((w) => this.#attachments.abort(w, upload));
        } catch {
          this.#attachments.forget(upload);
        }
      }
    this.#db = undefined;
    this.#scrub?.close();
    this.#attachments.close();
    try {
      if (this.#write !== undefined) {
        this.#write.db.pragma('optimize');
        this.#write.db.pragma('wal_checkpoint(TRUNCATE)');
      }
    } catch (err) {
      // Typed like every other engine error: a lock held elsewhere is Overloaded, a damaged page
      // NotAVault, a full disk says so. Every commit is already durable; only the checkpoint is lost.
      throw mapSqliteError(err, 'Closing the vault');
    } finally {
      db.close();
      this.#cache.clear();
      wipe(this.#macKey);
      wipe(this.#auditKey);
      if ('rawKey' in this.#key) wipe(this.#key.rawKey);
    }
  }
}

