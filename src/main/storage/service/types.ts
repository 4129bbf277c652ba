/**
 * Public types of the StorageService. The async API is derived from the engine's synchronous one
 * (Signal Desktop's `ClientInterfaceWrap`), so the two cannot drift.
 */
import type { Vault, VaultOptions } from '../vault';
import type { BatchOp, BatchResults, EngineMethod } from '../worker/protocol';
import type { CacheStats, OpStats, VaultStats } from '../../../shared/types';

/** The asynchronous form of a synchronous interface: same parameters, results wrapped in a Promise. */
export type AsyncOf<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

/** Every call the service offers, with the engine's parameter and result types, plus `batch`. */
export type StorageCalls = AsyncOf<Pick<Vault, EngineMethod>> & {
  /** Runs write operations in one transaction on the writer: all commit, or none. Results are in order. */
  batch<const T extends readonly BatchOp[]>(ops: T): Promise<BatchResults<T>>;
};

/** Per-call options (see {@link StorageService.with}). */
export interface CallOptions {
  /** Fail with `Timeout` after this many ms; 0 = never. Default: the service's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Fail with `Aborted` when this signal aborts. */
  readonly signal?: AbortSignal;
}

/**
 * Options of {@link StorageService.create} / {@link StorageService.open}. The vault options mean what they
 * mean for the engine (see `VaultOptions`); here a passphrase is stretched once, in the main thread, the
 * memory mode also picks the number of readers, `durability: 'full'` fsyncs once per group commit, and
 * `nativeBinding` reaches every worker.
 */
export interface ServiceOptions
  extends Pick<VaultOptions, 'key' | 'memoryMode' | 'tuning' | 'maxContentBytes' | 'maxAttachmentBytes' | 'uploadIdleMs' | 'durability' | 'nativeBinding' | 'searchRankWindow' | 'onMigration'> {
  /** Reader threads. Default: the preset's `readers`, capped by `os.availableParallelism()`. */
  readonly readers?: number;
  /** Reads waiting or running at once before new ones fail with `Overloaded`. Default 10,000. */
  readonly maxPendingReads?: number;
  /** Writes waiting or running at once before new ones fail with `Overloaded`. Default 10,000. */
  readonly maxPendingWrites?: number;
  /** Most writes in one group commit. Default 1,000. */
  readonly maxGroupCommit?: number;
  /** Groups handed to the writer at once: 2 lets the next group wait in its port while one commits. Default 2. */
  readonly maxCommitsInFlight?: number;
  /** Most reads in one message to a reader (smaller chunks keep readers busy while answers travel back). Default 16. */
  readonly maxReadBatch?: number;
  /** Most calls handed to one reader at once; the rest wait in the main thread. Default 256. */
  readonly maxReaderInFlight?: number;
  /** Default per-call timeout in ms; 0 = none. Default 30,000 (`verify` has none unless asked). */
  readonly timeoutMs?: number;
  /** How often the writer looks for commits by other processes, ms. Default 10. */
  readonly externalCheckMs?: number;
  /** Worker calls slower than this are logged to stderr. Default 40. */
  readonly slowCallMs?: number;
  /** Path of the bundled worker (out/node/storage-worker.mjs). Default: found next to this module or in the repo. */
  readonly workerPath?: string;
  /** Failed restarts in a row before a crashed worker is given up (every call then fails `WorkerCrashed`). Default 3. */
  readonly maxRestarts?: number;
}

/**
 * Load of one worker thread. `long`: a read-only thread started for one long read without a time budget (a
 * backup, SQLite's check in a whole verify) and stopped once no such read waits; listed while it exists.
 */
export interface WorkerLoad {
  readonly name: string;
  readonly role: 'reader' | 'writer' | 'long';
  readonly ready: boolean;
  /** Calls handed to it and not yet answered. */
  readonly inFlight: number;
  readonly completed: number;
  /** Time spent in calls, ms (as timed in the worker). */
  readonly busyMs: number;
  readonly restarts: number;
}

/** Service-level counters added to the engine's stats. */
export interface ServiceCounters {
  readonly readers: number;
  readonly queues: {
    /** Reads waiting in the main thread for a reader. */
    readonly queuedReads: number;
    /** Writes waiting in the main thread for the next group commit. */
    readonly queuedWrites: number;
    /** Reads queued or running (bounded by `maxPendingReads`). */
    readonly pendingReads: number;
    /** Writes queued or running (bounded by `maxPendingWrites`). */
    readonly pendingWrites: number;
  };
  /** The writer, the readers, then the long-read threads that exist now (started, starting or stopping). */
  readonly workers: readonly WorkerLoad[];
  /**
   * Long-read threads since open, stopped ones included (a stopped thread leaves `workers`, its counts
   * stay here): threads started, long reads they answered, and the time spent in them, ms.
   */
  readonly longReads: { readonly threads: number; readonly completed: number; readonly busyMs: number };
  readonly groupCommit: {
    readonly commits: number;
    readonly writes: number;
    readonly meanSize: number;
    readonly p50Size: number;
    readonly p99Size: number;
    readonly maxSize: number;
    /** Commits by size bucket: "1", "2", "3-4", "5-8", … */
    readonly histogram: Readonly<Record<string, number>>;
    readonly p50CommitMs: number;
    readonly maxCommitMs: number;
  };
  /** Main-thread event-loop delay since open (perf_hooks.monitorEventLoopDelay), ms. */
  readonly eventLoopDelayMs: { readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** Changes by other processes noticed (each drops the cache). */
  readonly externalChanges: number;
  readonly rejected: { readonly overloaded: number; readonly timeout: number; readonly aborted: number; readonly crashed: number };
  /** The writer's own timings of its writes (inside the worker, without the thread hop). */
  readonly writerOps: Readonly<Record<string, OpStats>>;
}

/** What {@link StorageService.stats} returns: the engine's stats, with the main thread's cache and round-trip timings. */
export interface ServiceStats extends VaultStats {
  /** The main thread's cache (the one that serves hits). */
  readonly cache: CacheStats;
  /** Per-method round-trip latencies as callers see them; cache hits are counted, not timed. */
  readonly ops: Readonly<Record<string, OpStats>>;
  readonly service: ServiceCounters;
}
