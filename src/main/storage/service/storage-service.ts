/**
 * The asynchronous storage service: the engine's API with SQLite off the main thread. This file is the
 * façade; the parts are
 *
 * - ./worker-pool: one writer thread (the only write connection) and a pool of reader threads (read-only
 *   connections; WAL lets them read while the writer writes); started, restarted, least-loaded first.
 * - ./scheduler: bounded queues (`Overloaded`), timeouts (`Timeout`) and AbortSignals (`Aborted`); reads to
 *   the least-loaded reader, writes to the writer in group commits (a failing write fails alone: see
 *   Vault.writeGroup; every promise settles after its commit).
 * - ../cache (the one document cache, also a Vault's), in the calling thread: ./cache-front answers from it
 *   (a hit never crosses a thread); ./cache-wire and ./write-effects bring it each worker's answer (a
 *   write's before its promise settles); ./outside-flag is its outside-change detector, a flag the writer
 *   raises on a commit by another process.
 * - ./opening-reads: a read-only connection in the calling thread that answers reads while the writer starts.
 * - ./verify-runner: a whole-vault verify spread over the readers in short chunks.
 * - ./metrics: round trips, cache hits, group-commit sizes, event-loop delay.
 */
import { availableParallelism } from 'node:os';
import { DocvaultError } from '../../../shared/errors';
import type { BulkItemResult, BulkResult, Document, MemoryMode, VerifyOptions, VerifyReport } from '../../../shared/types';
import { wipe } from '../keys';
import { tuningFor } from '../memory-modes';
import type { Vault } from '../vault';
import { checked } from '../engine/options';
import { READ_METHODS, WRITE_METHODS, type BatchOp, type BatchResults, type EngineMethod } from '../worker/protocol';
import { ServiceMetrics } from './metrics';
import { Scheduler, type Method, type Pending } from './scheduler';
import { DocumentCache } from '../cache';
import { CacheFront } from './cache-front';
import { schedulerLimits } from './defaults';
import { OutsideFlag } from './outside-flag';
import type { CallOptions, ServiceOptions, ServiceStats, StorageCalls } from './types';
import { WorkerPool } from './worker-pool';
import { poolConfig } from './worker-init';
import { createWithPassphrase, resolveServiceKey, type ServiceKey } from './worker-key';
import { resolveWorkerPath } from './worker-path';
import { verifyWhole } from './verify-runner';
import { writeEffectOf } from './write-effects';
import { SearchFreshness } from './search-freshness';

/** Whether `method` runs on the writer: `batch` and every row of the write-effects table. */
const isWrite = (method: Method): boolean => method === 'batch' || writeEffectOf(method) !== undefined;

/**
 * The engine's API, asynchronous, with SQLite on worker threads. Open one with
 * {@link StorageService.create} or {@link StorageService.open}; every method returns a promise and
 * rejects with a {@link DocvaultError}.
 */
export class StorageService implements StorageCalls {
  /** The vault file. */
  readonly path: string;
  /** Reader threads in the pool. */
  readonly readers: number;
  /** The memory preset in use. */
  readonly memoryMode: MemoryMode;

  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  readonly #key: ServiceKey;
  readonly #metrics = new ServiceMetrics();
  readonly #cache: DocumentCache;
  readonly #pool: WorkerPool<Pending>;
  readonly #scheduler: Scheduler;
  /** Answers `get`, `exists` and `bulkGet` from the cache when it can (./cache-front.ts). */
  readonly #front: CacheFront;
  /** Searches and verifies on a reader wait for the writer to index what was written (./search-freshness.ts). */
  readonly #fresh: SearchFreshness;

  private constructor(path: string, opts: ServiceOptions, key: ServiceKey, workerPath: string) {
    this.path = path;
    this.#key = key;
    this.memoryMode = opts.memoryMode ?? 'standard';
    const tuning = tuningFor(this.memoryMode, opts.tuning);
    this.readers = Math.max(1, Math.floor(opts.readers ?? Math.min(tuning.readers, availableParallelism())));
    const outside = new OutsideFlag();
    this.#cache = new DocumentCache({
      maxEntries: tuning.cacheEntries,
      maxBytes: tuning.cacheBytes,
      existsEntries: tuning.existsEntries,
      outside,
      onOutsideChange: () => this.#metrics.outsideChange(),
    });
    this.#pool = new WorkerPool<Pending>(
      this,
      poolConfig({ path, workerPath, key, memoryMode: this.memoryMode, readers: this.readers, signal: outside.buffer }, opts),
      {
        results: (slot, msg) => this.#scheduler.results(slot, msg),
        progress: (slot, seq, progress) => this.#scheduler.progress(slot, seq, progress),
        crashed: (slot, code, held) => this.#scheduler.crashed(slot, code, held),
        ready: (slot) => {
          // Reads answered in this thread while the writer started were not watched for commits by other
          // processes (the writer watches from its open on): forget what they cached.
          if (slot.role === 'writer') this.#cache.drop();
          this.#scheduler.ready();
        },
        gaveUp: (_slot, error) => this.#scheduler.gaveUp(error),
        longFailed: (error, others) => this.#scheduler.longFailed(error, others),
      },
    );
    this.#scheduler = new Scheduler(
      this.#pool,
      this.#cache,
      this.#metrics,
      schedulerLimits(opts),
      isWrite,
    );
    this.#front = new CacheFront(this.#cache, this.#scheduler, this.#metrics);
    this.#fresh = new SearchFreshness({ indexSearch: () => this.#pool.indexSearch(), outside: outside.buffer });
  }

  // ---------------------------------------------------------------- opening and closing

  /**
   * Creates a new vault at `path` and starts the service on it. With a passphrase the engine creates the
   * file (Argon2id in the main thread's libuv pool), then it is opened like any vault (a second KDF run).
   */
  static async create(path: string, opts: ServiceOptions): Promise<StorageService> {
    // Before the file is made: a bad option must not leave a new vault behind.
    checked(opts);
    // A passphrase vault is made here, then opened like any vault; otherwise the writer thread makes it.
    const made = await createWithPassphrase(path, opts);
    return StorageService.#start(path, opts, !made);
  }

  /**
   * Opens the vault at `path`. When a read-only connection in this thread can open it (no migration due,
   * not a SQLCipher-passphrase vault), resolves at once: that connection answers reads while the writer
   * thread starts (./opening-reads). Otherwise resolves once the writer has opened (and migrated) it. The
   * readers start in the background; until one is ready the writer answers reads. `WrongKey` on a wrong key.
   */
  static async open(path: string, opts: ServiceOptions): Promise<StorageService> {
    return StorageService.#start(path, opts, false);
  }

  static async #start(path: string, opts: ServiceOptions, create: boolean): Promise<StorageService> {
    checked(opts);
    const workerPath = resolveWorkerPath(opts.workerPath);
    const key = await resolveServiceKey(path, opts.key);
    const service = new StorageService(path, opts, key, workerPath);
    try {
      await service.#pool.start(create);
      if (service.#pool.searchPendingAtOpen === false) service.#fresh.nothingWaitingAtOpen();
    } catch (err) {
      service.#state = 'closed';
      await service.#pool.stop(service.#closedError());
      service.#release();
      throw err;
    }
    return service;
  }

  /** True until {@link StorageService.close} is called. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /**
   * Stops taking calls (they fail `Closed`), waits for every accepted call to settle, then closes the
   * connections (the writer checkpoints the WAL). Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#state = 'closing';
    this.#closing = (async () => {
      await this.#scheduler.drained();
      this.#state = 'closed';
      await this.#pool.stop(this.#closedError());
      this.#release();
    })();
    return this.#closing;
  }

  #release(): void {
    if ('rawKey' in this.#key) wipe(this.#key.rawKey);
    this.#metrics.stop();
    this.#cache.drop();
  }

  #closedError(): DocvaultError {
    return new DocvaultError('Closed', 'The storage service is closed');
  }

  // ---------------------------------------------------------------- the API (types derived from the engine)

  /** The current version of `id`, from the cache when possible. See `Vault.get`. */
  get(id: string): Promise<Document> {
    return this.#call('get', [id], undefined) as Promise<Document>;
  }

  /** Whether `id` exists, from the cache when known. See `Vault.exists`. */
  exists(id: string): Promise<boolean> {
    return this.#typed('exists', [id]);
  }

  /** See `Vault.getVersion`. */
  getVersion(...a: Parameters<Vault['getVersion']>): Promise<Document> {
    return this.#typed('getVersion', a);
  }

  /** See `Vault.versions`. */
  versions(...a: Parameters<Vault['versions']>): Promise<ReturnType<Vault['versions']>> {
    return this.#typed('versions', a);
  }

  /** See `Vault.list`. */
  list(...a: Parameters<Vault['list']>): Promise<ReturnType<Vault['list']>> {
    return this.#typed('list', a);
  }

  /** See `Vault.count`. */
  count(...a: Parameters<Vault['count']>): Promise<number> {
    return this.#typed('count', a);
  }

  /** Cache hits answered here, the rest by one reader in one snapshot. See `Vault.bulkGet`. */
  bulkGet(...a: Parameters<Vault['bulkGet']>): Promise<BulkItemResult<Document>[]> {
    return this.#typed('bulkGet', a);
  }

  /**
   * The whole vault, spread over the readers in chunks of ~40 ms (./verify-runner); `onProgress` is called
   * in this thread after each chunk. With `maxMs` or `from`, the one chunk asked for, on one reader. No
   * timeout unless given with {@link StorageService.with} (which runs it as one call, on a thread of its own).
   */
  verify(...a: Parameters<Vault['verify']>): Promise<ReturnType<Vault['verify']>> {
    const [onProgress, options] = a;
    if (options?.maxMs !== undefined || options?.from !== undefined) return this.#typed('verify', a);
    const call = (opts: VerifyOptions): Promise<VerifyReport> => this.#call('verify', [undefined, opts], undefined) as Promise<VerifyReport>;
    return verifyWhole(call, this.readers, this.#state === 'open' ? () => this.#pool.writerStats() : undefined, onProgress, options?.deep);
  }

  /**
   * See `Vault.backup`. Runs on a read-only thread of its own (a consistent snapshot; reads and writes go on meanwhile); `onProgress` is
   * called in this thread. No timeout unless given with {@link StorageService.with}.
   */
  backup(...a: Parameters<Vault['backup']>): Promise<ReturnType<Vault['backup']>> {
    return this.#typed('backup', a);
  }

  /** See `Vault.create`. Settles after its group commit. */
  create(...a: Parameters<Vault['create']>): Promise<Document> {
    return this.#typed('create', a);
  }

  /** See `Vault.update`. Settles after its group commit. */
  update(...a: Parameters<Vault['update']>): Promise<Document> {
    return this.#typed('update', a);
  }

  /** See `Vault.put`. Settles after its group commit. */
  put(...a: Parameters<Vault['put']>): Promise<Document> {
    return this.#typed('put', a);
  }

  /** See `Vault.delete`. Settles after its group commit. */
  delete(...a: Parameters<Vault['delete']>): Promise<void> {
    return this.#typed('delete', a);
  }

  /** See `Vault.restore`. Settles after its group commit. */
  restore(...a: Parameters<Vault['restore']>): Promise<Document> {
    return this.#typed('restore', a);
  }

  /** See `Vault.search`. A read: served by the reader pool once the writer indexed the writes before it (./search-freshness.ts). */
  search(...a: Parameters<Vault['search']>): Promise<ReturnType<Vault['search']>> {
    return this.#typed('search', a);
  }

  /** See `Vault.listTrash`. */
  listTrash(...a: Parameters<Vault['listTrash']>): Promise<ReturnType<Vault['listTrash']>> {
    return this.#typed('listTrash', a);
  }

  /** See `Vault.undelete`. Settles after its group commit. */
  undelete(...a: Parameters<Vault['undelete']>): Promise<Document> {
    return this.#typed('undelete', a);
  }

  /** See `Vault.purge`. Settles after its group commit. */
  purge(...a: Parameters<Vault['purge']>): Promise<void> {
    return this.#typed('purge', a);
  }

  /** See `Vault.emptyTrash`. Settles after its group commit. */
  emptyTrash(...a: Parameters<Vault['emptyTrash']>): Promise<number> {
    return this.#typed('emptyTrash', a);
  }

  /** See `Vault.bulkCreate`. */
  bulkCreate(...a: Parameters<Vault['bulkCreate']>): Promise<BulkResult<Document>> {
    return this.#typed('bulkCreate', a);
  }

  /** See `Vault.bulkPut`. */
  bulkPut(...a: Parameters<Vault['bulkPut']>): Promise<BulkResult<Document>> {
    return this.#typed('bulkPut', a);
  }

  /** See `Vault.bulkDelete`. */
  bulkDelete(...a: Parameters<Vault['bulkDelete']>): Promise<BulkResult<null>> {
    return this.#typed('bulkDelete', a);
  }

  // ---------------------------------------------------------------- team sync (see `Vault`'s Team sync calls)

  /** See `Vault.syncState`. A read. */
  syncState(...a: Parameters<Vault['syncState']>): Promise<ReturnType<Vault['syncState']>> {
    return this.#typed('syncState', a);
  }

  /** See `Vault.syncConflicts`. A read. */
  syncConflicts(...a: Parameters<Vault['syncConflicts']>): Promise<ReturnType<Vault['syncConflicts']>> {
    return this.#typed('syncConflicts', a);
  }

  /** See `Vault.syncOutbox`. A read. */
  syncOutbox(...a: Parameters<Vault['syncOutbox']>): Promise<ReturnType<Vault['syncOutbox']>> {
    return this.#typed('syncOutbox', a);
  }

  /** See `Vault.syncKeys`. A read; the keys cross from the worker as bytes: wipe them with `wipeSyncKeys`. */
  syncKeys(...a: Parameters<Vault['syncKeys']>): Promise<ReturnType<Vault['syncKeys']>> {
    return this.#typed('syncKeys', a);
  }

  /** See `Vault.kdfSalt`. A read. */
  kdfSalt(...a: Parameters<Vault['kdfSalt']>): Promise<ReturnType<Vault['kdfSalt']>> {
    return this.#typed('kdfSalt', a);
  }

  /** See `Vault.attachRemote`. Settles after its group commit. */
  attachRemote(...a: Parameters<Vault['attachRemote']>): Promise<void> {
    return this.#typed('attachRemote', a);
  }

  /** See `Vault.detachRemote`. Settles after its group commit. */
  detachRemote(...a: Parameters<Vault['detachRemote']>): Promise<ReturnType<Vault['detachRemote']>> {
    return this.#typed('detachRemote', a);
  }

  /** See `Vault.markPushed`. Settles after its group commit. */
  markPushed(...a: Parameters<Vault['markPushed']>): Promise<void> {
    return this.#typed('markPushed', a);
  }

  /** See `Vault.applyPulled`. Settles after its group commit; the documents it changed leave this thread's cache. */
  applyPulled(...a: Parameters<Vault['applyPulled']>): Promise<ReturnType<Vault['applyPulled']>> {
    return this.#typed('applyPulled', a);
  }

  /** See `Vault.syncFileChunk`. A read. */
  syncFileChunk(...a: Parameters<Vault['syncFileChunk']>): Promise<ReturnType<Vault['syncFileChunk']>> {
    return this.#typed('syncFileChunk', a);
  }

  /** See `Vault.syncFilesHere`. A read. */
  syncFilesHere(...a: Parameters<Vault['syncFilesHere']>): Promise<ReturnType<Vault['syncFilesHere']>> {
    return this.#typed('syncFilesHere', a);
  }

  /** See `Vault.syncHeld`. A read. */
  syncHeld(...a: Parameters<Vault['syncHeld']>): Promise<ReturnType<Vault['syncHeld']>> {
    return this.#typed('syncHeld', a);
  }

  /** See `Vault.recordSyncDigests`. Settles after its group commit. */
  recordSyncDigests(...a: Parameters<Vault['recordSyncDigests']>): Promise<void> {
    return this.#typed('recordSyncDigests', a);
  }

  /** See `Vault.beginSyncFile`. Settles after its group commit. */
  beginSyncFile(...a: Parameters<Vault['beginSyncFile']>): Promise<ReturnType<Vault['beginSyncFile']>> {
    return this.#typed('beginSyncFile', a);
  }

  /** See `Vault.markSynced`. Settles after its group commit. */
  markSynced(...a: Parameters<Vault['markSynced']>): Promise<void> {
    return this.#typed('markSynced', a);
  }

  /** See `Vault.auditLog`. A read: served by the reader pool. */
  auditLog(...a: Parameters<Vault['auditLog']>): Promise<ReturnType<Vault['auditLog']>> {
    return this.#typed('auditLog', a);
  }

  /** See `Vault.recordAudit`. Settles after its group commit. */
  recordAudit(...a: Parameters<Vault['recordAudit']>): Promise<void> {
    return this.#typed('recordAudit', a);
  }

  /** See `Vault.attachments`. A read. */
  attachments(...a: Parameters<Vault['attachments']>): Promise<ReturnType<Vault['attachments']>> {
    return this.#typed('attachments', a);
  }

  /** See `Vault.readAttachment`. A read: at most `readMaxBytes` cross back from the reader. */
  readAttachment(...a: Parameters<Vault['readAttachment']>): Promise<ReturnType<Vault['readAttachment']>> {
    return this.#typed('readAttachment', a);
  }

  /** See `Vault.beginAttachment`. On the writer. */
  beginAttachment(...a: Parameters<Vault['beginAttachment']>): Promise<ReturnType<Vault['beginAttachment']>> {
    return this.#typed('beginAttachment', a);
  }

  /** See `Vault.putAttachmentChunk`. On the writer: one piece (at most `chunkBytes`) crosses per call. */
  putAttachmentChunk(...a: Parameters<Vault['putAttachmentChunk']>): Promise<ReturnType<Vault['putAttachmentChunk']>> {
    return this.#typed('putAttachmentChunk', a);
  }

  /** See `Vault.commitAttachment`. Settles after its group commit. */
  commitAttachment(...a: Parameters<Vault['commitAttachment']>): Promise<Document> {
    return this.#typed('commitAttachment', a);
  }

  /** See `Vault.abortAttachment`. */
  abortAttachment(...a: Parameters<Vault['abortAttachment']>): Promise<void> {
    return this.#typed('abortAttachment', a);
  }

  /** See `Vault.putWithAttachments` (imports). Settles after its group commit. */
  putWithAttachments(...a: Parameters<Vault['putWithAttachments']>): Promise<Document> {
    return this.#typed('putWithAttachments', a);
  }
  /** See `Vault.detach`. Settles after its group commit. */
  detach(...a: Parameters<Vault['detach']>): Promise<Document> {
    return this.#typed('detach', a);
  }

  /** Runs the writes in one transaction on the writer, all or nothing; results in order. */
  batch<const T extends readonly BatchOp[]>(ops: T): Promise<BatchResults<T>> {
    return this.#call('batch', [ops], undefined) as Promise<BatchResults<T>>;
  }

  /** The same calls with a timeout and/or an AbortSignal: `service.with({ timeoutMs: 500, signal }).get(id)`. */
  with(options: CallOptions): StorageCalls {
    const calls: Record<string, (...a: unknown[]) => Promise<unknown>> = {};
    for (const m of [...READ_METHODS, ...WRITE_METHODS]) calls[m] = (...a) => this.#call(m, a, options);
    calls['batch'] = (ops) => this.#call('batch', [ops], options);
    return calls as unknown as StorageCalls;
  }

  /** The engine's stats (from the writer) with this thread's cache, round-trip timings and service counters. */
  async stats(): Promise<ServiceStats> {
    if (this.#state === 'closed') throw this.#closedError();
    const engine = await this.#pool.writerStats();
    return this.#metrics.snapshot(engine, this.#cache.stats(), this.readers, this.#scheduler.queues(), this.#pool.loads(), this.#pool.longReads());
  }

  /** Asks the writer to look for commits by other processes now; drops the cache if there were any. */
  async refresh(): Promise<void> {
    if (this.#state === 'closed') throw this.#closedError();
    await this.#pool.refresh();
    this.#cache.refresh();
  }

  // ---------------------------------------------------------------- routing

  #typed<K extends EngineMethod>(method: K, args: Parameters<Vault[K]>): Promise<ReturnType<Vault[K]>> {
    return this.#call(method, args, undefined) as Promise<ReturnType<Vault[K]>>;
  }

  /** A call from the API: refused when closed or broken, answered from the cache when it can be, else scheduled. */
  #call(method: Method, args: readonly unknown[], co: CallOptions | undefined): Promise<unknown> {
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    if (this.#scheduler.broken !== undefined) return Promise.reject(this.#scheduler.broken);
    if (co?.signal?.aborted === true) {
      this.#metrics.reject('aborted');
      return Promise.reject(new DocvaultError('Aborted', `${method}: aborted before it started`, { sent: false }));
    }
    switch (method) {
      case 'get':
      case 'exists':
        return this.#front.one(method, args, co);
      case 'bulkGet':
        return this.#front.bulkGet(args, co);
      default:
        // A search or a verify waits for the writer to index what was written; a write is counted when answered.
        return this.#fresh.around(method, args, isWrite(method), () => this.#scheduler.accept(method, args, co));
    }
  }
}
