/**
 * The storage engine's façade: one vault file in SQLCipher 4 format, every version of every document
 * kept, HMAC-tagged, behind a byte-bounded LRU cache. Synchronous (better-sqlite3); the async
 * StorageService puts it on worker threads. Never imports electron.
 *
 * This class is the public API and nothing more: each method is one call. The connection's life, the
 * transactions, the cache and per-operation timing are `engine/vault-core.ts`; the method bodies are the
 * `engine/vault-*.ts` files (reads, writes, attachments, sync, verify and audit, backup/restore/rekey); the
 * work itself is done in ./engine: `open`, `rows` (the row codec), `reads`, `query`, `writes`, `verify`.
 */

import type {
  BulkItemResult, BulkResult, Document, DocumentInput, DocumentPatch, ListPage, ListQuery, MemoryMode,
  Progress, TrashPage, TrashQuery, VaultStats, VerifyOptions, VerifyReport, VersionInfo, WriteOptions,
} from '../../shared/types';
import type { SearchPage, SearchQuery } from '../../shared/search';
import type { AttachmentBytes, AttachmentInfo, AttachmentReadOptions, AttachmentStart, UploadTicket } from '../../shared/attachments';
import type { AuditPage, AuditQuery, AuditRecord } from '../../shared/audit';
import { createVaultFile, createVaultFileSync, openVaultFile, openVaultFileSync, type Opened } from './engine/open';
import type { BackupOptions, BackupReport, RestoreReport } from './engine/backup';
import type { ApplyReport, AttachOptions, DetachedRemote, OutboxEntry, PulledRow, SyncConflict, SyncLocalState } from './engine/sync';
import type { SyncKeys } from './sync/seal';
import type { ReceivedFile, SyncFile } from './engine/sync-files';
import type { MemoryTuning } from './memory-modes';
import { checked, type VaultOptions } from './engine/options';
import { VaultCore } from './engine/vault-core';
import * as reads from './engine/vault-reads';
import * as writes from './engine/vault-writes';
import * as attach from './engine/vault-attachments';
import * as sync from './engine/vault-sync';
import { auditLog, recordAudit, verify } from './engine/vault-audit';
import { backup, rekey, restoreBackup, type RekeyOptions, type RekeyResult, type RestoreOptions } from './engine/vault-copies';

export type { VaultOptions } from './engine/options';

/**
 * An open vault. Create or open one with {@link Vault.create} / {@link Vault.open} (or the `Sync`
 * variants with a raw key). Every method throws {@link DocvaultError}; after {@link Vault.close},
 * every method throws `Closed`.
 */
export class Vault {
  /** The connection, its contexts, cache and guards: every method below is one call on or with it. */
  readonly #core: VaultCore;

  private constructor(path: string, opened: Opened, opts: VaultOptions) {
    this.#core = VaultCore.over(path, opened, opts);
  }

  /** The vault file's path, as opened. */
  get path(): string {
    return this.#core.path;
  }

  /** Whether the file is encrypted (false for a plain vault). */
  get encrypted(): boolean {
    return this.#core.encrypted;
  }

  /** The memory mode it was opened with. */
  get memoryMode(): MemoryMode {
    return this.#core.memoryMode;
  }

  /** The cache and page-cache sizes of that mode (with any overrides). */
  get tuning(): MemoryTuning {
    return this.#core.tuning;
  }

  /** The largest content a document may have, bytes. */
  get maxContentBytes(): number {
    return this.#core.maxContentBytes;
  }

  /** True for a read-only connection: every write throws `Invalid`. */
  get readonly(): boolean {
    return this.#core.readonly;
  }

  // ---------------------------------------------------------------- opening

  /** Creates a new vault file at `path` (fails with `AlreadyExists` if anything is there). */
  static async create(path: string, opts: VaultOptions): Promise<Vault> {
    return new Vault(path, await createVaultFile(path, checked(opts)), opts);
  }

  /** Creates a vault keyed by a raw key or unencrypted (a passphrase needs the async {@link Vault.create}). */
  static createSync(path: string, opts: VaultOptions): Vault {
    return new Vault(path, createVaultFileSync(path, checked(opts)), opts);
  }

  /** Opens an existing vault, migrating it unless `readonly`. With a passphrase, runs the vault's KDF (about 0.2 s by default). */
  static async open(path: string, opts: VaultOptions): Promise<Vault> {
    return new Vault(path, await openVaultFile(path, checked(opts)), opts);
  }

  /** Opens a vault with a raw key or an unencrypted one; takes milliseconds. */
  static openSync(path: string, opts: VaultOptions): Vault {
    return new Vault(path, openVaultFileSync(path, checked(opts)), opts);
  }

  // ---------------------------------------------------------------- reading

  /** The current version of `id`. Throws `NotFound` (details.trashed for a document in the Trash), or `Integrity` if the stored bytes were altered. */
  get(id: string): Document {
    return reads.getDocument(this.#core, id);
  }

  /** Whether a live document with `id` exists (false for one in the Trash). */
  exists(id: string): boolean {
    return reads.documentExists(this.#core, id);
  }

  /** Version `version` of `id`, as it was written. */
  getVersion(id: string, version: number): Document {
    return reads.getVersion(this.#core, id, version);
  }

  /**
   * Every version of `id`, oldest first (content excluded). A version whose record fails its tag is
   * still listed, with its fields as stored (untrusted) and `integrityProblem` saying why, so one
   * altered version does not hide the history; reading it with `getVersion` raises `Integrity`.
   */
  versions(id: string): VersionInfo[] {
    return reads.versions(this.#core, id);
  }

  /** One page of document summaries, filtered and sorted, with a cursor for the next page. */
  list(query: ListQuery = {}): ListPage {
    return reads.list(this.#core, query);
  }

  /** Number of documents matching the filters of `query`. */
  count(query: Pick<ListQuery, 'type' | 'tag' | 'author'> = {}): number {
    return reads.count(this.#core, query);
  }

  /** One page of the Trash, the most recently trashed first. */
  listTrash(query: TrashQuery = {}): TrashPage {
    return reads.listTrash(this.#core, query);
  }

  /**
   * One page of live documents whose current title or content matches `query.query` (words, `prefix*`,
   * `"phrases"`, AND / OR / NOT, `title:`), best first (bm25, title weighted; past `searchRankWindow` matches,
   * within windows of the newest: `page.ranking`), with a marked snippet each, filtered like a list. A query
   * that cannot be read throws `Invalid` with the reason. A writer indexes every committed write first
   * ({@link Vault.indexSearch}); a read-only vault answers from the index as its writer last left it.
   */
  search(query: SearchQuery): SearchPage {
    return reads.search(this.#core, query);
  }

  /**
   * Indexes every document the writes queued for search, now (they are indexed in batches: when idle, before
   * this writer's searches and verifies, when many wait, at close: engine/search-queue.ts). The service calls
   * it before a search on a reader. A no-op on a read-only vault; inside a transaction, part of it; `Closed`
   * after close, else never throws (a flush that fails leaves the index as of its last flush).
   */
  indexSearch(): void {
    this.#core.flushSearch();
  }

  /** Whether written documents wait for the search queue's flush, as this connection sees the vault (O(1)). */
  searchPending(): boolean {
    return reads.searchPending(this.#core);
  }

  /** Reads many documents; a result per id (NotFound and Integrity are per item). */
  bulkGet(ids: readonly string[]): BulkItemResult<Document>[] {
    return reads.bulkGet(this.#core, ids);
  }

  // ---------------------------------------------------------------- writing (engine/vault-writes.ts)

  /** Creates a document at version 1. `AlreadyExists` if the id is taken (details.reason `trashed` if by a document in the Trash). */
  create(input: DocumentInput, opts?: WriteOptions): Document {
    return writes.createDocument(this.#core, input, opts);
  }

  /** Writes a new version with the fields of `patch` changed. `expectedVersion` guards against lost updates. */
  update(id: string, patch: DocumentPatch, opts?: WriteOptions): Document {
    return writes.updateDocument(this.#core, id, patch, opts);
  }

  /** Creates the document, or writes a new version with the given fields changed (absent fields keep their value). */
  put(input: DocumentInput, opts?: WriteOptions): Document {
    return writes.putDocument(this.#core, input, opts);
  }

  /**
   * Writes a new version equal to version `version`, commented "restored from version N", or
   * "restored from version N: <comment>" when a comment is given (the history always says where a
   * restored version came from). Raises `Integrity`, writing nothing, when that version fails its check.
   */
  restore(id: string, version: number, opts?: WriteOptions): Document {
    return writes.restoreVersion(this.#core, id, version, opts);
  }

  /**
   * Moves a document, with every version of it, to the Trash: it leaves lists, counts and stats, and
   * reads of it fail with `NotFound` (details.trashed) until {@link Vault.undelete}. Nothing is erased:
   * {@link Vault.purge} or {@link Vault.emptyTrash} does that.
   */
  delete(id: string, opts?: WriteOptions): void {
    writes.trashDocument(this.#core, id, opts);
  }

  /** Brings a document back from the Trash, as it was (same version, tags, history). `NotFound` unless it is in the Trash. */
  undelete(id: string): Document {
    return writes.undeleteDocument(this.#core, id);
  }

  /**
   * Deletes a document, live or in the Trash, and every version of it, forever: the freed pages are
   * overwritten (`secure_delete` is on). `NotFound` if there is no such id.
   */
  purge(id: string): void {
    writes.purgeDocument(this.#core, id);
  }

  /** Purges every document in the Trash in one transaction. Returns how many. */
  emptyTrash(): number {
    return writes.emptyTrash(this.#core);
  }

  /** Creates every document in one transaction: all or nothing, a result per item. */
  bulkCreate(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
    return writes.bulkCreate(this.#core, inputs, opts);
  }

  /** Puts every document in one transaction: all or nothing, a result per item. */
  bulkPut(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
    return writes.bulkPut(this.#core, inputs, opts);
  }

  /** Moves every listed document to the Trash in one transaction: all or nothing, a result per item. */
  bulkDelete(ids: readonly string[]): BulkResult<null> {
    return writes.bulkDelete(this.#core, ids);
  }

  // ---------------------------------------------------------------- attachments (engine/vault-attachments.ts)

  /**
   * Opens an upload of a file to attach to the live document `id` (see engine/attachments.ts). Send the
   * bytes with {@link Vault.putAttachmentChunk}, then {@link Vault.commitAttachment} or
   * {@link Vault.abortAttachment}; or let `attachStream` do all three from a stream.
   */
  beginAttachment(id: string, start: AttachmentStart, opts?: WriteOptions): UploadTicket {
    return attach.beginAttachment(this.#core, id, start, opts);
  }

  /** Stores the piece of an upload that starts at `offset`; every piece but the last is `chunkBytes` long. */
  putAttachmentChunk(uploadId: string, offset: number, data: Uint8Array): { received: number } {
    return attach.putAttachmentChunk(this.#core, uploadId, offset, data);
  }

  /** Ends an upload of document `id`'s: writes its next version with the file attached (replacing one of the same name). */
  commitAttachment(id: string, uploadId: string, opts?: WriteOptions): Document {
    return attach.commitAttachment(this.#core, id, uploadId, opts);
  }

  /**
   * Creates `input.id` or writes its next version (as `put`), carrying exactly the files of `uploads` as its
   * attachments, in one version: what import needs to replay an exported version with its files.
   */
  putWithAttachments(input: DocumentInput, uploads: readonly string[], opts?: WriteOptions): Document {
    return attach.putWithAttachments(this.#core, input, uploads, opts);
  }

  /** Drops an upload and every chunk only it named. */
  abortAttachment(uploadId: string): void {
    attach.abortAttachment(this.#core, uploadId);
  }

  /** Writes the next version of `id` without attachment `name` (older versions keep it). */
  detach(id: string, name: string, opts?: WriteOptions): Document {
    return attach.detach(this.#core, id, name, opts);
  }

  /** The attachments of the current version of `id`, or of version `version`, verified. */
  attachments(id: string, version?: number): AttachmentInfo[] {
    return attach.listAttachments(this.#core, id, version);
  }

  /** Up to `length` bytes (at most `ATTACHMENT_LIMITS.readMaxBytes`) of attachment `name` from `offset`, verified chunk by chunk. */
  readAttachment(id: string, name: string, opts?: AttachmentReadOptions): AttachmentBytes {
    return attach.readAttachment(this.#core, id, name, opts);
  }

  /**
   * Every chunk of attachment `name` (of the current version, or of `version`) in order, each verified
   * before it is yielded; one chunk in memory at a time. `Integrity` names the attachment.
   */
  *attachmentChunks(id: string, name: string, version?: number): Generator<Uint8Array, void, undefined> {
    yield* attach.attachmentChunks(this.#core, id, name, version);
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `fn` in a transaction; nested calls become savepoints. If `fn` throws, its writes roll back
   * (an inner failure caught by the outer function rolls back only the inner part). `fn` must be
   * synchronous. The cache is exact after any rollback: writes inside a transaction invalidate
   * instead of caching, and reads inside one never populate the cache.
   */
  transaction<T>(fn: () => T): T {
    return this.#core.transaction(fn);
  }

  /** The service writer's group commit (see VaultCore.group and docs/api.md); application code uses {@link Vault.transaction}. */
  writeGroup<T>(fn: () => T): T {
    return this.#core.group(fn);
  }

  // ---------------------------------------------------------------- team sync (engine/vault-sync.ts)

  /** Where this vault syncs to, how far it got, what is pending, conflicts and refused rows. */
  syncState(): SyncLocalState {
    return sync.syncState(this.#core);
  }

  /** Documents both this device and another changed from the same base, until a new version settles them. */
  syncConflicts(): SyncConflict[] {
    return sync.syncConflicts(this.#core);
  }

  /** Attaches the vault to a remote vault (URL without password); the first attach queues everything already here. */
  attachRemote(opts: AttachOptions): void {
    sync.attachRemote(this.#core, opts);
  }

  /**
   * Detaches the vault from its remote (see engine/sync.ts `detachRemote`): the remote and the sync state
   * go, every document and version stays. Returns what it was attached to, or undefined.
   */
  detachRemote(): DetachedRemote | undefined {
    return sync.detachRemote(this.#core);
  }

  /** The next `limit` versions and tombstones to push, oldest first, in plaintext (sealed by the caller). */
  syncOutbox(limit: number): OutboxEntry[] {
    return sync.syncOutbox(this.#core, limit);
  }

  /** Removes entries the server has acknowledged from the outbox. */
  markPushed(entries: readonly Pick<OutboxEntry, 'n' | 'settles' | 'payload'>[]): void {
    sync.markPushed(this.#core, entries);
  }

  /** Applies pulled rows and records `lastSeq`, in one transaction. */
  applyPulled(rows: readonly PulledRow[], lastSeq: number, received: readonly ReceivedFile[] = []): ApplyReport {
    return sync.applyPulled(this.#core, rows, lastSeq, received);
  }

  /** Chunk `index` of a stored file an outbox version lists (`OutboxEntry.files`), verified: sync reads files one chunk at a time. */
  syncFileChunk(file: SyncFile, index: number): Uint8Array {
    return sync.syncFileChunk(this.#core, file, index);
  }

  /** Records the SHA-256 of stored files (by `ref`), as sync read them: the next push names them without reading them. */
  recordSyncDigests(files: readonly { readonly ref: string; readonly sha256: string }[]): void {
    sync.recordSyncDigests(this.#core, files);
  }

  /** Which of these files (SHA-256 hex and size) are stored here already: sync does not fetch those. */
  syncFilesHere(files: readonly { readonly sha256: string; readonly size: number }[]): string[] {
    return sync.syncFilesHere(this.#core, files);
  }

  /** Opens an upload for a file sync fetches for a pulled version (sent with `putAttachmentChunk`, taken by `applyPulled`). */
  beginSyncFile(size: number): UploadTicket {
    return sync.beginSyncFile(this.#core, size);
  }

  /** Pulled rows held back until their files arrive, oldest first (server number, document, why). */
  syncHeld(): { seq: number; id: string; reason: string }[] {
    return sync.syncHeld(this.#core);
  }

  /** Records that a sync finished now. */
  markSynced(): void {
    sync.markSynced(this.#core);
  }

  /**
   * The keys that seal this vault's rows for remote vault `remoteVault` (32 hex), derived from the vault
   * key. `Invalid` for a vault without a docvault key (plain, or keyed by stock SQLCipher's own KDF).
   * The caller wipes them (`wipeSyncKeys`).
   */
  syncKeys(remoteVault: string): SyncKeys {
    return sync.syncKeys(this.#core, remoteVault);
  }

  /**
   * The vault's KDF salt (hex) when it is keyed by a passphrase through docvault's KDF, else null: a clone
   * made with the same passphrase and this salt has the same key.
   */
  kdfSalt(): string | null {
    return sync.kdfSalt(this.#core);
  }

  // ---------------------------------------------------------------- maintenance (engine/vault-copies.ts, vault-audit.ts)

  /**
   * Changes the key of the (closed) vault at `path` from `key` to `newKey` (a passphrase or a raw key),
   * by copy and swap (see engine/rekey.ts): a verified copy, its tags re-derived under the new key, the copy
   * re-encrypted (journal DELETE for the rekey, then WAL again), verified with the new key, renamed over the
   * vault. Killed at any moment, the vault opens with the old key or the new one. `WrongKey` for a wrong
   * `key`, `Invalid` for a plain vault or a bad new key, `Overloaded` while the vault is open anywhere,
   * `Integrity` if the vault does not verify (nothing changes).
   */
  static async rekey(path: string, opts: RekeyOptions): Promise<RekeyResult> {
    return rekey(path, opts);
  }

  /**
   * Writes a consistent, verified copy of the vault to `out` while other connections keep writing
   * (`VACUUM INTO` a temporary file beside `out`, fsync, open and verify it, rename). Encrypted with the
   * vault's own key and salt: it opens with the same passphrase or key. `AlreadyExists` if `out` exists
   * (unless `overwrite`), `Integrity` if the copy does not verify (nothing is left at `out`). Works on a
   * read-only connection too (the service runs it on a reader thread).
   */
  backup(out: string, opts: BackupOptions = {}): BackupReport {
    return backup(this.#core, out, opts);
  }

  /**
   * Replaces the vault file at `vaultPath` with the backup `file`: copies it beside the vault, opens the
   * copy with `key` (the backup's key: `WrongKey` if it does not fit) and verifies it (`Integrity` if it
   * does not), keeps the vault it replaces as `<vault>.before-restore-<time>`, and renames the copy over
   * the vault — atomically: the vault path always holds the old vault or the whole restored one. The vault
   * must be closed everywhere (`Overloaded` otherwise).
   */
  static restoreBackup(vaultPath: string, file: string, opts: RestoreOptions): Promise<RestoreReport> {
    return restoreBackup(vaultPath, file, opts);
  }

  /**
   * Checks every document's head and chain of versions, the vault state, counters and tag rows, the search
   * index's rows and SQLite's own structure of every table but `versions`; `{ deep: true }` adds the
   * whole-file check and FTS5's. With `{ maxMs }`, checks one chunk and returns `next` to resume with `{ from }`.
   */
  verify(onProgress?: (p: Progress) => void, options?: VerifyOptions): VerifyReport {
    return verify(this.#core, onProgress, options);
  }

  // ---------------------------------------------------------------- audit log

  /**
   * A page of the audit log, newest first (default 200 entries), and every break in its chain over the
   * whole log (`problems`, empty when it verifies). Works on a read-only connection.
   */
  auditLog(query: AuditQuery = {}): AuditPage {
    return auditLog(this.#core, query);
  }

  /**
   * Appends an event the app layer observes (see `APP_AUDIT_EVENTS`: an open by a user, failed unlocks
   * counted since the last open, a backup, a failed verify, an export or import) in its own transaction.
   * `detail` is an error kind at most (letters only): never content, titles, ids or paths.
   */
  recordAudit(record: AuditRecord): void {
    recordAudit(this.#core, record);
  }

  /**
   * Rebuilds the full-text index from the documents (FTS5's `rebuild`), in one write transaction: the repair
   * for an `Index` problem of {@link Vault.verify}. The documents are not touched. Needs a writable vault.
   */
  rebuildSearchIndex(): void {
    writes.rebuildSearchIndex(this.#core);
  }

  /** Counters, sizes and latencies. Reads two small tables and a few pragmas: fine to poll every second. */
  stats(): VaultStats {
    return this.#core.stats();
  }

  /**
   * Drops the cache now if another connection changed the vault (reads do this on their own, throttled).
   * Returns whether it did (the async service's writer uses this to tell the main thread's cache).
   */
  refresh(): boolean {
    return this.#core.refresh();
  }

  /** True until {@link Vault.close}. */
  get isOpen(): boolean {
    return this.#core.isOpen;
  }

  /** Checkpoints the WAL, runs `PRAGMA optimize`, closes. Idempotent; every later call throws `Closed`. */
  close(): void {
    this.#core.close();
  }
}
