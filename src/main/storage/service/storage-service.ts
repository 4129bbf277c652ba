/**
 * The asynchronous storage service: the engine's API with SQLite off the main thread.
 *
 * - Reads go to a pool of reader threads (read-only connections; WAL lets them read while the writer
 *   writes), each call to the least-loaded reader.
 * - Writes go to one writer thread that owns the only write connection. Writes that arrive while a commit
 *   runs are committed together in the next transaction (group commit), each under its own savepoint, so a
 *   failing write fails alone; every promise settles after its commit.
 * - The document cache lives here, in the main thread: a hit never crosses a thread. A write's result
 *   updates the cache before its promise settles (read-your-writes). Commits by other processes are seen by
 *   the writer (`PRAGMA data_version`) and flagged through a SharedArrayBuffer that every cached read checks
 *   with one atomic load.
 * - Bounded queues (`Overloaded`), per-call timeouts (`Timeout`) and AbortSignals (`Aborted`); a worker
 *   that dies is restarted and the calls it held fail with `WorkerCrashed`.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { DocvaultError, assertNever, deserializeError, type ErrorKind } from '../../../shared/errors';
import type { BulkItemResult, BulkResult, Document, MemoryMode, Progress, VaultStats } from '../../../shared/types';
import { DocumentCache } from '../cache';
import { wipe } from '../keys';
import { tuningFor } from '../memory-modes';
import { OpRecorder } from '../op-stats';
import { Vault } from '../vault';
import { logLine } from '../worker/log';
import {
  READ_METHODS,
  WRITE_METHODS,
  type BatchOp,
  type BatchResults,
  type EngineMethod,
  type FromWorker,
  type ToWorker,
  type WireCall,
  type WireResult,
  type WorkerInit,
  type WorkerKey,
} from '../worker/protocol';
import { Fifo } from './fifo';
import type { CallOptions, ServiceOptions, ServiceStats, StorageCalls, WorkerLoad } from './types';
import { resolveServiceKey, type ServiceKey } from './worker-key';
import { resolveWorkerPath } from './worker-path';

type Method = EngineMethod | 'batch';

const WRITES: ReadonlySet<string> = new Set<string>([...WRITE_METHODS, 'batch']);

/** A call from the moment it is accepted until its promise settles (and its worker answers). */
interface Pending {
  readonly seq: number;
  readonly method: Method;
  readonly write: boolean;
  readonly args: readonly unknown[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
  readonly t0: number;
  /** queued: in the main thread; sent: with a worker; done: the caller has its answer. */
  state: 'queued' | 'sent' | 'done';
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  onProgress: ((p: Progress) => void) | undefined;
  /** Ids whose cache entries this read may fill. */
  cacheIds: readonly string[] | undefined;
  /** Cache generation when the read was accepted; a full drop in between makes its result unfit to cache. */
  readonly gen: number;
  /** A write to one of `cacheIds` finished while this read was out: do not cache its result. */
  stale: boolean;
  /** Builds the caller's value from the worker's (bulkGet merges its cache hits back in). */
  finish: ((result: unknown) => unknown) | undefined;
}

/** One worker thread and what it holds. */
interface Slot {
  readonly name: string;
  readonly role: 'reader' | 'writer';
  worker: Worker | undefined;
  state: 'starting' | 'ready' | 'closing' | 'stopped';
  readonly inFlight: Map<number, Pending>;
  completed: number;
  busyMs: number;
  restarts: number;
  lastError: string | undefined;
  onExit: (() => void) | undefined;
}

interface Control {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

const DEFAULTS = {
  maxPendingReads: 10_000,
  maxPendingWrites: 10_000,
  maxGroupCommit: 1_000,
  maxCommitsInFlight: 2,
  maxReaderInFlight: 256,
  maxReadBatch: 16,
  timeoutMs: 30_000,
  externalCheckMs: 10,
  slowCallMs: 40,
  maxRestarts: 3,
} as const;

function idOf(input: unknown): string {
  return typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string' ? (input as { id: string }).id : '';
}

/** The document ids a write may change, from its arguments. */
function writeIds(method: Method, args: readonly unknown[]): string[] {
  const a = args[0];
  switch (method) {
    case 'create':
    case 'put':
      return [idOf(a)];
    case 'update':
    case 'delete':
    case 'restore':
    case 'undelete':
    case 'purge':
      return [String(a)];
    case 'bulkCreate':
    case 'bulkPut':
      return Array.isArray(a) ? a.map(idOf) : [];
    case 'bulkDelete':
      return Array.isArray(a) ? a.map(String) : [];
    case 'batch':
      return Array.isArray(a) ? a.flatMap((op: Partial<BatchOp> | null) => (op !== null && typeof op === 'object' && Array.isArray(op.args) ? writeIds(op.op as Method, op.args) : [])) : [];
    default:
      return [];
  }
}

function sizeBucket(size: number): string {
  if (size <= 2) return String(size);
  const hi = 2 ** Math.ceil(Math.log2(size));
  return `${hi / 2 + 1}-${hi}`;
}

function ms(ns: number): number {
  return Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0;
}

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
  #broken: DocvaultError | undefined;
  #closing: Promise<void> | undefined;
  readonly #opts: ServiceOptions;
  readonly #key: ServiceKey;
  readonly #workerPath: string;
  readonly #limits: { readonly [K in keyof typeof DEFAULTS]: number };

  readonly #cache: DocumentCache;
  readonly #signalBuffer = new SharedArrayBuffer(4);
  readonly #signal = new Int32Array(this.#signalBuffer);
  #seenSignal = 0;
  #cacheGen = 0;
  readonly #readsById = new Map<string, Set<Pending>>();

  readonly #writer: Slot;
  readonly #readerSlots: Slot[];
  readonly #readQueue = new Fifo<Pending>();
  readonly #writeQueue = new Fifo<Pending>();
  #pendingReads = 0;
  #pendingWrites = 0;
  /** Calls that expired while queued: skipped when pumped, compacted away when they pile up. */
  #deadQueued = 0;
  #queuedReads = 0;
  #queuedWrites = 0;
  /** Groups handed to the writer and not yet answered (the next one waits in its port while one commits). */
  #commitsInFlight = 0;
  #readPumpScheduled = false;
  #writePumpScheduled = false;
  #seq = 0;
  readonly #control = new Map<number, Control>();
  readonly #drainWaiters: (() => void)[] = [];

  readonly #ops = new OpRecorder();
  #hitGets = 0;
  #hitExists = 0;
  readonly #groupSizes = hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: 2 });
  readonly #commitMicros = hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 2 });
  readonly #groupBuckets = new Map<string, number>();
  #commits = 0;
  #groupedWrites = 0;
  readonly #eventLoop: IntervalHistogram;
  #externalChanges = 0;
  readonly #rejected = { overloaded: 0, timeout: 0, aborted: 0, crashed: 0 };

  private constructor(path: string, opts: ServiceOptions, key: ServiceKey, workerPath: string) {
    this.path = path;
    this.#opts = opts;
    this.#key = key;
    this.#workerPath = workerPath;
    this.memoryMode = opts.memoryMode ?? 'standard';
    this.#limits = {
      maxPendingReads: opts.maxPendingReads ?? DEFAULTS.maxPendingReads,
      maxPendingWrites: opts.maxPendingWrites ?? DEFAULTS.maxPendingWrites,
      maxGroupCommit: Math.max(1, opts.maxGroupCommit ?? DEFAULTS.maxGroupCommit),
      maxCommitsInFlight: Math.max(1, opts.maxCommitsInFlight ?? DEFAULTS.maxCommitsInFlight),
      maxReaderInFlight: Math.max(1, opts.maxReaderInFlight ?? DEFAULTS.maxReaderInFlight),
      maxReadBatch: Math.max(1, opts.maxReadBatch ?? DEFAULTS.maxReadBatch),
      timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      externalCheckMs: opts.externalCheckMs ?? DEFAULTS.externalCheckMs,
      slowCallMs: opts.slowCallMs ?? DEFAULTS.slowCallMs,
      maxRestarts: Math.max(1, opts.maxRestarts ?? DEFAULTS.maxRestarts),
    };
    const tuning = tuningFor(this.memoryMode, opts.tuning);
    this.#cache = new DocumentCache(tuning.cacheEntries, tuning.cacheBytes, tuning.existsEntries);
    this.readers = Math.max(1, Math.floor(opts.readers ?? Math.min(tuning.readers, availableParallelism())));
    const slot = (name: string, role: Slot['role']): Slot => ({
      name,
      role,
      worker: undefined,
      state: 'stopped',
      inFlight: new Map(),
      completed: 0,
      busyMs: 0,
      restarts: 0,
      lastError: undefined,
      onExit: undefined,
    });
    this.#writer = slot('writer', 'writer');
    this.#readerSlots = Array.from({ length: this.readers }, (_, i) => slot(`reader-${i + 1}`, 'reader'));
    this.#eventLoop = monitorEventLoopDelay({ resolution: 10 });
    this.#eventLoop.enable();
  }

  // ---------------------------------------------------------------- opening and closing

  /**
   * Creates a new vault at `path` and starts the service on it. With a passphrase the engine creates the
   * file (Argon2id in the main thread's libuv pool), then it is opened like any vault (a second KDF run).
   */
  static async create(path: string, opts: ServiceOptions): Promise<StorageService> {
    if ('passphrase' in opts.key) {
      const vault = await Vault.create(path, {
        key: opts.key,
        memoryMode: opts.memoryMode,
        tuning: opts.tuning,
        maxContentBytes: opts.maxContentBytes,
        durability: opts.durability,
        ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
      });
      vault.close();
      return StorageService.#start(path, opts, false);
    }
    return StorageService.#start(path, opts, true);
  }

  /** Opens the vault at `path`: the writer opens (and migrates) it first, then the readers. `WrongKey` on a wrong key. */
  static async open(path: string, opts: ServiceOptions): Promise<StorageService> {
    return StorageService.#start(path, opts, false);
  }

  static async #start(path: string, opts: ServiceOptions, create: boolean): Promise<StorageService> {
    const workerPath = resolveWorkerPath(opts.workerPath);
    const key = await resolveServiceKey(path, opts.key);
    const service = new StorageService(path, opts, key, workerPath);
    try {
      await service.#spawn(service.#writer, create);
      await Promise.all(service.#readerSlots.map((s) => service.#spawn(s, false)));
    } catch (err) {
      service.#state = 'closed';
      await Promise.all([service.#writer, ...service.#readerSlots].map((s) => service.#stop(s)));
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
      await new Promise<void>((resolve) => {
        this.#drainWaiters.push(resolve);
        this.#maybeDrained();
      });
      this.#state = 'closed';
      await Promise.all([...this.#readerSlots, this.#writer].map((s) => this.#stop(s)));
      for (const c of this.#control.values()) c.reject(this.#closedError());
      this.#control.clear();
      this.#release();
    })();
    return this.#closing;
  }

  #release(): void {
    if ('rawKey' in this.#key) wipe(this.#key.rawKey);
    this.#eventLoop.disable();
    this.#cache.clear();
  }

  #closedError(): DocvaultError {
    return new DocvaultError('Closed', 'The storage service is closed');
  }

  // ---------------------------------------------------------------- the API (types derived from the engine)

  /** The current version of `id`, from the cache when possible. See `Vault.get`. */
  get(id: string): Promise<Document> {
    if (this.#state !== 'open' || this.#broken !== undefined || typeof id !== 'string') return this.#call('get', [id], undefined) as Promise<Document>;
    this.#checkSignal();
    const hit = this.#cache.get(id);
    if (hit !== undefined) {
      this.#hitGets++;
      return Promise.resolve(hit);
    }
    return this.#accept('get', [id], undefined, [id]) as Promise<Document>;
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

  /** Runs on a reader; `onProgress` is called in this thread. No timeout unless given with {@link StorageService.with}. */
  verify(...a: Parameters<Vault['verify']>): Promise<ReturnType<Vault['verify']>> {
    return this.#typed('verify', a);
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

  /**
   * See `Vault.emptyTrash`. Settles after its group commit. Trashed documents are never cached (a trash
   * leaves the cache saying "absent"), so purging them leaves the cache exact without knowing their ids.
   */
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
    const engine = (await this.#askWriter((seq) => ({ t: 'stats', seq }))) as VaultStats;
    const ops = this.#ops.snapshot();
    const addHits = (name: string, n: number): void => {
      if (n === 0) return;
      const o = ops[name];
      ops[name] = o === undefined ? { count: n, errors: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 } : { ...o, count: o.count + n };
    };
    addHits('get', this.#hitGets);
    addHits('exists', this.#hitExists);
    const sizes = this.#groupSizes;
    const load = (s: Slot): WorkerLoad => ({
      name: s.name,
      role: s.role,
      ready: s.state === 'ready',
      inFlight: s.inFlight.size,
      completed: s.completed,
      busyMs: Math.round(s.busyMs * 100) / 100,
      restarts: s.restarts,
    });
    return {
      ...engine,
      cache: this.#cache.stats(),
      ops,
      service: {
        readers: this.readers,
        queues: { queuedReads: this.#queuedReads, queuedWrites: this.#queuedWrites, pendingReads: this.#pendingReads, pendingWrites: this.#pendingWrites },
        workers: [load(this.#writer), ...this.#readerSlots.map(load)],
        groupCommit: {
          commits: this.#commits,
          writes: this.#groupedWrites,
          meanSize: this.#commits === 0 ? 0 : Math.round((this.#groupedWrites / this.#commits) * 100) / 100,
          p50Size: this.#commits === 0 ? 0 : sizes.getValueAtPercentile(50),
          p99Size: this.#commits === 0 ? 0 : sizes.getValueAtPercentile(99),
          maxSize: this.#commits === 0 ? 0 : sizes.maxValue,
          histogram: Object.fromEntries(this.#groupBuckets),
          p50CommitMs: this.#commits === 0 ? 0 : this.#commitMicros.getValueAtPercentile(50) / 1000,
          maxCommitMs: this.#commits === 0 ? 0 : this.#commitMicros.maxValue / 1000,
        },
        eventLoopDelayMs: {
          mean: ms(this.#eventLoop.mean),
          p50: ms(this.#eventLoop.percentile(50)),
          p99: ms(this.#eventLoop.percentile(99)),
          max: ms(this.#eventLoop.max),
        },
        externalChanges: this.#externalChanges,
        rejected: { ...this.#rejected },
        writerOps: engine.ops,
      },
    };
  }

  /** Asks the writer to look for commits by other processes now; drops the cache if there were any. */
  async refresh(): Promise<void> {
    await this.#askWriter((seq) => ({ t: 'refresh', seq }));
    this.#checkSignal();
  }

  /** Test-only fault injection; not part of the API. */
  get __testing(): {
    crash(role: 'reader' | 'writer', index?: number, how?: 'terminate' | 'exit'): void;
    stall(role: 'reader' | 'writer', index: number, ms: number): void;
  } {
    const pick = (role: 'reader' | 'writer', index = 0): Worker | undefined => (role === 'writer' ? this.#writer : this.#readerSlots[index])?.worker;
    return {
      crash: (role, index = 0, how = 'terminate') => {
        const w = pick(role, index);
        if (how === 'terminate') void w?.terminate();
        else w?.postMessage({ t: '__crash' } satisfies ToWorker);
      },
      stall: (role, index, msToStall) => pick(role, index)?.postMessage({ t: '__stall', ms: msToStall } satisfies ToWorker),
    };
  }

  // ---------------------------------------------------------------- routing

  #typed<K extends EngineMethod>(method: K, args: Parameters<Vault[K]>): Promise<ReturnType<Vault[K]>> {
    return this.#call(method, args, undefined) as Promise<ReturnType<Vault[K]>>;
  }

  #call(method: Method, args: readonly unknown[], co: CallOptions | undefined): Promise<unknown> {
    if (this.#state !== 'open') return Promise.reject(this.#closedError());
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    if (co?.signal?.aborted === true) {
      this.#rejected.aborted++;
      return Promise.reject(new DocvaultError('Aborted', `${method}: aborted before it started`, { sent: false }));
    }
    switch (method) {
      case 'get': {
        const id = args[0];
        this.#checkSignal();
        const hit = typeof id === 'string' ? this.#cache.get(id) : undefined;
        if (hit !== undefined) {
          this.#hitGets++;
          return Promise.resolve(hit);
        }
        return this.#accept(method, args, co, typeof id === 'string' ? [id] : undefined);
      }
      case 'exists': {
        const id = args[0];
        this.#checkSignal();
        const known = typeof id === 'string' ? this.#cache.exists(id) : undefined;
        if (known !== undefined) {
          this.#hitExists++;
          return Promise.resolve(known);
        }
        return this.#accept(method, args, co, typeof id === 'string' ? [id] : undefined);
      }
      case 'bulkGet':
        return this.#bulkGet(args, co);
      default:
        return this.#accept(method, args, co, undefined);
    }
  }

  #bulkGet(args: readonly unknown[], co: CallOptions | undefined): Promise<unknown> {
    const ids = args[0];
    if (!Array.isArray(ids) || ids.length === 0) return this.#accept('bulkGet', args, co, undefined);
    this.#checkSignal();
    const out: BulkItemResult<Document>[] = new Array<BulkItemResult<Document>>(ids.length);
    const missAt: number[] = [];
    const missIds: unknown[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      const hit = typeof id === 'string' ? this.#cache.get(id) : undefined;
      if (hit !== undefined) out[i] = { id: id as string, status: 'ok', value: hit };
      else {
        missAt.push(i);
        missIds.push(id);
      }
    }
    this.#hitGets += ids.length - missIds.length;
    if (missIds.length === 0) return Promise.resolve(out);
    const finish = (result: unknown): unknown => {
      const got = result as BulkItemResult<Document>[];
      for (let k = 0; k < missAt.length; k++) {
        const r = got[k];
        if (r !== undefined) out[missAt[k] as number] = r;
      }
      return out;
    };
    return this.#accept('bulkGet', [missIds], co, missIds.filter((x): x is string => typeof x === 'string'), finish);
  }

  /** Admits a call into its queue, or rejects it with `Overloaded`. */
  #accept(method: Method, args: readonly unknown[], co: CallOptions | undefined, cacheIds: readonly string[] | undefined, finish?: (r: unknown) => unknown): Promise<unknown> {
    const write = WRITES.has(method);
    if (write ? this.#pendingWrites >= this.#limits.maxPendingWrites : this.#pendingReads >= this.#limits.maxPendingReads) {
      this.#rejected.overloaded++;
      return Promise.reject(
        new DocvaultError('Overloaded', `${method}: too many ${write ? 'writes' : 'reads'} waiting (limit ${write ? this.#limits.maxPendingWrites : this.#limits.maxPendingReads}); try again shortly`, {
          pending: write ? this.#pendingWrites : this.#pendingReads,
        }),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      let callArgs = args;
      let onProgress: ((p: Progress) => void) | undefined;
      if (method === 'verify') {
        const cb = args[0];
        onProgress = typeof cb === 'function' ? (cb as (p: Progress) => void) : undefined;
        // The callback stays here (progress comes back as messages); the options go to the reader.
        callArgs = args[1] === undefined ? [] : [null, args[1]];
      }
      const p: Pending = {
        seq: ++this.#seq,
        method,
        write,
        args: callArgs,
        resolve,
        reject,
        t0: performance.now(),
        state: 'queued',
        timer: undefined,
        signal: undefined,
        onAbort: undefined,
        onProgress,
        cacheIds,
        gen: this.#cacheGen,
        stale: false,
        finish,
      };
      const timeoutMs = co?.timeoutMs ?? (method === 'verify' ? 0 : this.#limits.timeoutMs);
      if (timeoutMs > 0) p.timer = setTimeout(() => this.#expire(p, 'Timeout', timeoutMs), timeoutMs);
      if (co?.signal !== undefined) {
        p.signal = co.signal;
        p.onAbort = () => this.#expire(p, 'Aborted', 0);
        co.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      if (cacheIds !== undefined)
        for (const id of cacheIds) {
          let set = this.#readsById.get(id);
          if (set === undefined) this.#readsById.set(id, (set = new Set()));
          set.add(p);
        }
      if (write) {
        this.#pendingWrites++;
        this.#queuedWrites++;
        this.#writeQueue.push(p);
        if (!this.#writePumpScheduled) {
          this.#writePumpScheduled = true;
          setImmediate(() => this.#pumpWrites());
        }
      } else {
        this.#pendingReads++;
        this.#queuedReads++;
        this.#readQueue.push(p);
        if (!this.#readPumpScheduled) {
          this.#readPumpScheduled = true;
          setImmediate(() => this.#pumpReads());
        }
      }
    });
  }

  /**
   * Hands queued reads to the least-loaded readers, at most `maxReadBatch` calls per message: a reader then
   * has its next chunk waiting while the answers to the previous one travel back (and free more callers).
   */
  #pumpReads(): void {
    this.#readPumpScheduled = false;
    if (this.#readQueue.length === 0) return;
    const batches = new Map<Slot, WireCall[]>();
    const cap = this.#limits.maxReaderInFlight;
    const chunk = this.#limits.maxReadBatch;
    for (;;) {
      let best: Slot | undefined;
      for (const s of this.#readerSlots) if (s.state === 'ready' && (best === undefined || s.inFlight.size < best.inFlight.size)) best = s;
      if (best === undefined || best.inFlight.size >= cap) break;
      const p = this.#readQueue.shift();
      if (p === undefined) break;
      if (p.state !== 'queued') continue;
      this.#queuedReads--;
      p.state = 'sent';
      best.inFlight.set(p.seq, p);
      let calls = batches.get(best);
      if (calls === undefined) batches.set(best, (calls = []));
      calls.push(p.method === 'verify' ? { seq: p.seq, method: p.method, args: p.args, progress: p.onProgress !== undefined } : { seq: p.seq, method: p.method, args: p.args });
      if (calls.length >= chunk) {
        this.#post(best, calls, (c) => ({ t: 'calls', calls: c }));
        batches.delete(best);
      }
    }
    for (const [slot, calls] of batches) this.#post(slot, calls, (c) => ({ t: 'calls', calls: c }));
  }

  /**
   * Sends everything queued (up to `maxGroupCommit`) to the writer as one group. Up to `maxCommitsInFlight`
   * groups are out at once, so the next group is already waiting in the writer's port while one commits
   * (the writer runs them one after the other; it never idles for the round trip).
   */
  #pumpWrites(): void {
    this.#writePumpScheduled = false;
    const writer = this.#writer;
    if (this.#commitsInFlight >= this.#limits.maxCommitsInFlight || writer.state !== 'ready' || this.#writeQueue.length === 0) return;
    const calls: WireCall[] = [];
    while (calls.length < this.#limits.maxGroupCommit) {
      const p = this.#writeQueue.shift();
      if (p === undefined) break;
      if (p.state !== 'queued') continue;
      this.#queuedWrites--;
      p.state = 'sent';
      writer.inFlight.set(p.seq, p);
      calls.push({ seq: p.seq, method: p.method, args: p.args });
    }
    if (calls.length === 0) return;
    this.#commitsInFlight++;
    if (!this.#post(writer, calls, (c) => ({ t: 'commit', calls: c }))) {
      this.#commitsInFlight--;
      this.#pumpWrites();
    }
  }

  /**
   * Posts calls to a worker. Arguments that cannot be cloned (a function, a class instance with private
   * state…) fail their own call with `Invalid`; the others are sent. Returns whether anything was sent.
   */
  #post(slot: Slot, calls: WireCall[], message: (calls: WireCall[]) => ToWorker): boolean {
    const worker = slot.worker;
    if (worker === undefined) return false;
    try {
      worker.postMessage(message(calls));
      return true;
    } catch (err) {
      const good: WireCall[] = [];
      for (const call of calls) {
        try {
          structuredClone(call.args);
          good.push(call);
        } catch (cloneErr) {
          const p = slot.inFlight.get(call.seq);
          slot.inFlight.delete(call.seq);
          if (p !== undefined)
            this.#complete(p, {
              seq: call.seq,
              ok: false,
              error: { kind: 'Invalid', message: `${call.method}: its arguments cannot be sent to a storage thread (${(cloneErr as Error).message})` },
              durationMs: 0,
            });
        }
      }
      if (good.length === calls.length) throw err;
      if (good.length === 0) return false;
      worker.postMessage(message(good));
      return true;
    }
  }

  #askWriter(message: (seq: number) => ToWorker): Promise<unknown> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    const writer = this.#writer;
    if (writer.state !== 'ready' || writer.worker === undefined)
      return Promise.reject(new DocvaultError('WorkerCrashed', 'The storage writer is restarting; try again', { worker: writer.name }));
    const seq = ++this.#seq;
    const worker = writer.worker;
    return new Promise((resolve, reject) => {
      this.#control.set(seq, { resolve, reject });
      worker.postMessage(message(seq));
    });
  }

  // ---------------------------------------------------------------- answers

  #onMessage(slot: Slot, msg: FromWorker): void {
    switch (msg.t) {
      case 'results': {
        for (const r of msg.results) {
          const p = slot.inFlight.get(r.seq);
          if (p === undefined) continue;
          slot.inFlight.delete(r.seq);
          slot.completed++;
          slot.busyMs += r.durationMs;
          this.#complete(p, r);
        }
        if (msg.commit !== undefined) {
          this.#commits++;
          this.#groupedWrites += msg.commit.size;
          this.#groupSizes.recordValue(msg.commit.size);
          this.#commitMicros.recordValue(Math.max(1, Math.round(msg.commit.durationMs * 1000)));
          const bucket = sizeBucket(msg.commit.size);
          this.#groupBuckets.set(bucket, (this.#groupBuckets.get(bucket) ?? 0) + 1);
          this.#commitsInFlight--;
          this.#pumpWrites();
        } else this.#pumpReads();
        this.#maybeDrained();
        break;
      }
      case 'progress': {
        const p = slot.inFlight.get(msg.seq);
        if (p?.onProgress !== undefined && p.state !== 'done')
          try {
            p.onProgress(msg.progress);
          } catch {
            // A throwing progress callback must not break the service.
          }
        break;
      }
      case 'stats':
      case 'refreshed': {
        const c = this.#control.get(msg.seq);
        this.#control.delete(msg.seq);
        c?.resolve(msg.t === 'stats' ? msg.stats : msg.changed);
        break;
      }
      case 'ready':
      case 'fatal':
      case 'closed':
        break;
      default:
        assertNever(msg, 'worker message');
    }
  }

  /** A worker answered `p` (or can no longer): update the cache, then settle the caller if still waiting. */
  #complete(p: Pending, r: WireResult): void {
    let value: unknown = r.ok ? r.result : undefined;
    if (p.write) {
      value = this.#applyWrite(p.method, p.args, r);
      this.#pendingWrites--;
    } else {
      if (p.cacheIds !== undefined) {
        value = this.#applyRead(p, r);
        this.#forget(p);
      }
      this.#pendingReads--;
    }
    if (p.state === 'done') return;
    this.#ops.record(p.method, (performance.now() - p.t0) * 1000, !r.ok);
    this.#disarm(p);
    if (r.ok) p.resolve(p.finish !== undefined ? p.finish(value) : value);
    else p.reject(deserializeError(r.error));
  }

  /** Fills the cache from a read unless a write or an outside change may have made it stale meanwhile. */
  #applyRead(p: Pending, r: WireResult): unknown {
    this.#checkSignal();
    const fresh = !p.stale && p.gen === this.#cacheGen;
    const id = p.args[0];
    switch (p.method) {
      case 'get':
        if (!r.ok) {
          if (fresh && r.error.kind === 'NotFound' && typeof id === 'string') this.#cache.setExists(id, false);
          return undefined;
        }
        return fresh ? this.#cache.set(r.result as Document) : r.result;
      case 'exists':
        if (r.ok && fresh && typeof id === 'string') this.#cache.setExists(id, r.result as boolean);
        return r.ok ? r.result : undefined;
      case 'bulkGet': {
        if (!r.ok) return undefined;
        const items = r.result as BulkItemResult<Document>[];
        if (fresh)
          for (let i = 0; i < items.length; i++) {
            const it = items[i];
            if (it?.status === 'ok') items[i] = { id: it.id, status: 'ok', value: this.#cache.set(it.value) };
          }
        return items;
      }
      default:
        return r.ok ? r.result : undefined;
    }
  }

  /**
   * After a write answered: cache what it committed, forget what it may have touched, mark reads of those
   * ids stale. Returns the caller's value (cached documents are the frozen objects the cache holds).
   */
  #applyWrite(method: Method, args: readonly unknown[], r: WireResult | undefined): unknown {
    if (method === 'batch') {
      const ops = Array.isArray(args[0]) ? (args[0] as unknown[]) : [];
      const results = r?.ok === true && Array.isArray(r.result) ? (r.result as unknown[]) : undefined;
      const out = ops.map((raw, i) => {
        const op = raw as Partial<BatchOp> | null;
        if (op === null || typeof op !== 'object' || !Array.isArray(op.args) || typeof op.op !== 'string') return results?.[i];
        return this.#applyWrite(op.op, op.args, results === undefined ? undefined : { seq: 0, ok: true, result: results[i], durationMs: 0 });
      });
      return results === undefined ? undefined : out;
    }
    const ids = writeIds(method, args);
    for (const id of ids) {
      const readers = this.#readsById.get(id);
      if (readers !== undefined) for (const q of readers) q.stale = true;
    }
    if (r === undefined || !r.ok) {
      for (const id of ids) this.#cache.invalidate(id);
      return undefined;
    }
    switch (method) {
      case 'create':
      case 'update':
      case 'put':
      case 'restore':
      case 'undelete':
        return this.#cache.set(r.result as Document);
      case 'delete':
      case 'purge':
        for (const id of ids) {
          this.#cache.invalidate(id);
          this.#cache.setExists(id, false);
        }
        return r.result;
      case 'bulkCreate':
      case 'bulkPut': {
        const b = r.result as BulkResult<Document>;
        if (!b.committed) {
          for (const id of ids) this.#cache.invalidate(id);
          return b;
        }
        return { committed: true, items: b.items.map((it) => (it.status === 'ok' ? { id: it.id, status: 'ok', value: this.#cache.set(it.value) } : it)) };
      }
      case 'bulkDelete': {
        const b = r.result as BulkResult<null>;
        for (const id of ids) {
          this.#cache.invalidate(id);
          if (b.committed) this.#cache.setExists(id, false);
        }
        return b;
      }
      default:
        for (const id of ids) this.#cache.invalidate(id);
        return r.result;
    }
  }

  #forget(p: Pending): void {
    if (p.cacheIds === undefined) return;
    for (const id of p.cacheIds) {
      const set = this.#readsById.get(id);
      if (set === undefined) continue;
      set.delete(p);
      if (set.size === 0) this.#readsById.delete(id);
    }
    p.cacheIds = undefined;
  }

  #disarm(p: Pending): void {
    p.state = 'done';
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    if (p.onAbort !== undefined) p.signal?.removeEventListener('abort', p.onAbort);
    p.onAbort = undefined;
  }

  /** Timeout or abort. A call still queued here is dropped (it never runs); one already sent may still complete. */
  #expire(p: Pending, kind: Extract<ErrorKind, 'Timeout' | 'Aborted'>, afterMs: number): void {
    if (p.state === 'done') return;
    const sent = p.state === 'sent';
    this.#disarm(p);
    if (!sent) {
      if (p.write) {
        this.#pendingWrites--;
        this.#queuedWrites--;
      } else {
        this.#pendingReads--;
        this.#queuedReads--;
        this.#forget(p);
      }
      // A stalled worker with callers that time out and retry must not grow the queues without bound.
      if (++this.#deadQueued > 1024 && this.#deadQueued > this.#queuedReads + this.#queuedWrites) {
        this.#readQueue.retain((q) => q.state === 'queued');
        this.#writeQueue.retain((q) => q.state === 'queued');
        this.#deadQueued = 0;
      }
    }
    if (kind === 'Timeout') this.#rejected.timeout++;
    else this.#rejected.aborted++;
    this.#ops.record(p.method, (performance.now() - p.t0) * 1000, true);
    const what = kind === 'Timeout' ? `timed out after ${afterMs} ms` : 'aborted';
    const note = !sent ? '; it was never started' : p.write ? '; it was already with the writer and may still commit' : '';
    p.reject(new DocvaultError(kind, `${p.method}: ${what}${note}`, { sent }));
    this.#maybeDrained();
  }

  #maybeDrained(): void {
    if (this.#pendingReads + this.#pendingWrites > 0 || this.#drainWaiters.length === 0) return;
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  // ---------------------------------------------------------------- cache coherence

  /** One atomic load: did the writer see a commit by another process since we last looked? */
  #checkSignal(): void {
    const v = Atomics.load(this.#signal, 0);
    if (v !== this.#seenSignal) {
      this.#seenSignal = v;
      this.#externalChanges++;
      this.#dropCache();
    }
  }

  #dropCache(): void {
    this.#cache.clear();
    this.#cacheGen++;
  }

  // ---------------------------------------------------------------- workers

  #workerKey(): { key: WorkerKey; copy: Uint8Array | undefined } {
    const k = this.#key;
    if ('rawKey' in k) {
      const copy = new Uint8Array(k.rawKey);
      return { key: { rawKey: copy }, copy };
    }
    return { key: k, copy: undefined };
  }

  #spawn(slot: Slot, create: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { key, copy } = this.#workerKey();
      const init: WorkerInit = {
        role: slot.role,
        name: slot.name,
        path: this.path,
        key,
        create,
        memoryMode: this.memoryMode,
        tuning: this.#opts.tuning ?? {},
        maxContentBytes: this.#opts.maxContentBytes,
        durability: this.#opts.durability ?? 'full',
        externalCheckMs: this.#limits.externalCheckMs,
        signal: this.#signalBuffer,
        slowCallMs: this.#limits.slowCallMs,
        nativeBinding: this.#opts.nativeBinding,
      };
      let worker: Worker;
      try {
        worker = new Worker(this.#workerPath, { workerData: init, name: `docvault-${slot.name}` });
      } catch (err) {
        reject(new DocvaultError('Internal', `Could not start the storage ${slot.name}: ${(err as Error).message}`));
        return;
      } finally {
        // workerData was copied into the new thread; drop this copy of the key now.
        wipe(copy);
      }
      let settled = false;
      slot.worker = worker;
      slot.state = 'starting';
      slot.lastError = undefined;
      worker.on('message', (msg: FromWorker) => {
        if (slot.worker !== worker) return;
        if (slot.state === 'starting') {
          if (msg.t === 'ready') {
            slot.state = 'ready';
            settled = true;
            resolve();
            return;
          }
          if (msg.t === 'fatal') {
            slot.state = 'stopped';
            settled = true;
            reject(deserializeError(msg.error));
            return;
          }
        }
        this.#onMessage(slot, msg);
      });
      worker.on('error', (err) => {
        slot.lastError = err.message;
      });
      worker.on('exit', (code) => {
        if (slot.worker !== worker) return;
        slot.worker = undefined;
        const was = slot.state;
        slot.state = 'stopped';
        if (!settled) {
          settled = true;
          reject(new DocvaultError('WorkerCrashed', `The storage ${slot.name} stopped while starting (exit code ${code}${slot.lastError !== undefined ? `: ${slot.lastError}` : ''})`));
        } else if (was === 'ready') this.#onCrash(slot, code);
        const onExit = slot.onExit;
        slot.onExit = undefined;
        onExit?.();
      });
    });
  }

  /** A worker died: fail what it held, make the cache safe, start a new one. */
  #onCrash(slot: Slot, code: number): void {
    const why = slot.lastError !== undefined ? `: ${slot.lastError}` : '';
    logLine('service', `${slot.name} stopped unexpectedly (exit code ${code}${why}); restarting it`);
    const held = [...slot.inFlight.values()];
    slot.inFlight.clear();
    if (slot.role === 'writer') {
      this.#commitsInFlight = 0;
      // Its last group may or may not have committed: forget everything rather than guess.
      this.#dropCache();
      for (const c of this.#control.values()) c.reject(new DocvaultError('WorkerCrashed', `The storage writer stopped (exit code ${code})`, { worker: slot.name }));
      this.#control.clear();
    }
    const message =
      slot.role === 'writer'
        ? `The storage writer stopped (exit code ${code}) while holding this write; it may or may not have been committed`
        : `The storage ${slot.name} stopped (exit code ${code}) while holding this read; try again`;
    for (const p of held) {
      if (p.state !== 'done') this.#rejected.crashed++;
      this.#complete(p, { seq: p.seq, ok: false, error: { kind: 'WorkerCrashed', message, details: { worker: slot.name } }, durationMs: 0 });
    }
    this.#maybeDrained();
    void this.#restart(slot);
  }

  async #restart(slot: Slot): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.#state === 'closed') return;
      try {
        await this.#spawn(slot, false);
        slot.restarts++;
        if (slot.role === 'writer') this.#pumpWrites();
        else this.#pumpReads();
        return;
      } catch (err) {
        if (attempt >= this.#limits.maxRestarts) {
          this.#giveUp(slot, err);
          return;
        }
        await new Promise((r) => setTimeout(r, 25 * attempt));
      }
    }
  }

  /** A worker cannot be restarted: fail everything waiting and every later call. */
  #giveUp(slot: Slot, err: unknown): void {
    const broken = new DocvaultError('WorkerCrashed', `The storage ${slot.name} could not be restarted: ${(err as Error).message}`, { worker: slot.name });
    logLine('service', broken.message);
    this.#broken = broken;
    for (const queue of [this.#readQueue, this.#writeQueue])
      for (const p of queue.drain()) {
        if (p.state !== 'queued') continue;
        if (p.write) {
          this.#queuedWrites--;
          this.#pendingWrites--;
        } else {
          this.#queuedReads--;
          this.#pendingReads--;
          this.#forget(p);
        }
        this.#disarm(p);
        this.#rejected.crashed++;
        p.reject(broken);
      }
    this.#maybeDrained();
  }

  /** Closes a worker politely (the writer checkpoints), or terminates it if it does not answer. */
  async #stop(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => {
      slot.onExit = resolve;
    });
    if (slot.state !== 'ready') {
      slot.state = 'closing';
      await worker.terminate();
      return;
    }
    slot.state = 'closing';
    worker.postMessage({ t: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
