/**
 * Shapes shared by the benchmark trials, drivers and runners. Pure types: no I/O here, so the
 * in-app benchmark panel can import them as they are.
 */

/** A value, or a promise of one: sync drivers (in-process engines) return values, async ones promises. */
export type MaybePromise<T> = T | Promise<T>;

/** One document as every driver stores it (raw/plain keep only `id` and `content`). */
export interface BenchDoc {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly tags: readonly string[];
  readonly content: string;
}

/** What a history+diff operation produced, so the loop cannot be optimised away and tests can look at it. */
export interface HistoryResult {
  readonly versions: number;
  readonly diffChars: number;
}

/** How a trial wants its store opened. */
export interface OpenOptions {
  /** `small`: the driver's own document cache is set well below the data (get-cold). Default: the driver's default. */
  readonly cache?: 'default' | 'small';
}

/** The data a store was seeded with, written next to it as `bench-store.json`. */
export interface StoreManifest {
  readonly driver: string;
  readonly seed: SeedKind;
  readonly docs: number;
  readonly docBytes: number;
  /** Raw key (64 hex) for encrypted drivers keyed by a raw key. */
  readonly rawKey?: string;
  /** Passphrase for stores seeded with `docs-passphrase`. */
  readonly passphrase?: string;
  /** Id of the 100 KB document with {@link HISTORY_VERSIONS} versions, for drivers that keep versions. */
  readonly historyId?: string;
  readonly seedMs: number;
}

/** How a store is seeded: N documents keyed by raw key, or N documents keyed by a passphrase (open trial). */
export type SeedKind = 'docs' | 'docs-passphrase';

/** Metadata filters of a search trial query (docvault's own filter fields). */
export interface SearchFilter {
  readonly type?: string;
  readonly tags?: readonly string[];
}

/**
 * An open store, as one driver exposes it. Every method does one logical operation the way that store is
 * normally used; none of them caches on the benchmark's behalf.
 */
export interface DriverSession {
  get(id: string): MaybePromise<unknown>;
  exists(id: string): MaybePromise<boolean>;
  /** Creates a new document, durable at return where the store can promise that. */
  save(doc: BenchDoc): MaybePromise<unknown>;
  /** Writes new content for an existing document. */
  update(id: string, content: string): MaybePromise<unknown>;
  /** Creates all documents in one transaction (or the store's nearest equivalent). */
  bulkSave(docs: readonly BenchDoc[]): MaybePromise<unknown>;
  /** Reads many documents in one call. */
  bulkGet(ids: readonly string[]): MaybePromise<unknown>;
  /** First page of 100 summaries, newest updated first. */
  listPage(limit: number): MaybePromise<unknown>;
  /** A full-text search for `query`, first page of `limit` hits with snippets, narrowed by `filter`; returns the number of hits. */
  search(query: string, limit: number, filter?: SearchFilter): MaybePromise<number>;
  /** Lists the versions of `id`, reads the oldest and newest, and diffs them. */
  historyDiff(id: string): MaybePromise<HistoryResult>;
  /** Extra facts for the result (cache hit ratio…), read after the measured runs. */
  notes(): string[];
  close(): MaybePromise<void>;
}

/** A store implementation under test. Adding one (e.g. the async `service`) is one file plus one registry line. */
export interface BenchDriver {
  readonly name: string;
  /** One line for the results table. */
  readonly description: string;
  /** True when session methods return plain values (then the loop never awaits). */
  readonly sync: boolean;
  /**
   * True when an async driver's reads (get, exists, bulk-get, list-page, history-diff) return plain values
   * all the same (lmdb: sync reads, async writes), so read trials run the sync loop.
   */
  readonly syncReads?: boolean;
  /**
   * Set when the driver may run in `npm run bench` only, never in the app or its benchmark panel, with the
   * reason (a licence: the `signal` driver's library is AGPL-3.0).
   */
  readonly benchOnly?: string;
  /**
   * Resolves to why this driver cannot run on this machine (its library did not install or load), or to
   * undefined when it can. Absent: always available (docvault's own dependencies).
   */
  available?(): Promise<string | undefined>;
  /** Why this driver cannot run `trial`, or undefined when it can. */
  unsupported(trial: string): string | undefined;
  /** Notes that apply to `trial` on this driver (durability differences, wrappers…). */
  caveats(trial: string): string[];
  /** Builds a store in `dir` (empty or absent) with `docs` documents of `docBytes` bytes (see `seedBatches`). */
  seed(dir: string, kind: SeedKind, size: { readonly docs: number; readonly docBytes: number }): Promise<StoreManifest>;
  /** Opens the store in `dir`. */
  open(dir: string, manifest: StoreManifest, opts?: OpenOptions): Promise<DriverSession>;
  /** Opens the store in `dir` with its raw key (or as normally opened), then closes it (open trial). */
  openClose(dir: string, manifest: StoreManifest, keying: 'key' | 'passphrase'): MaybePromise<void>;
}

/** Machine facts recorded with every result. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the trial started (these machines are shared). */
  readonly load1: number;
}

/** One result line: a trial on a driver at one size. */
export interface BenchRecord {
  readonly trial: string;
  readonly driver: string;
  readonly docs: number;
  readonly docBytes: number;
  /** Median throughput over the runs, in `unit`s per second; null when skipped. */
  readonly opsPerSec: number | null;
  /** What one unit is: an operation, or a document for bulk trials. */
  readonly unit: 'ops' | 'docs';
  /** (max − min) / median over the runs, percent; null when skipped. */
  readonly spread: number | null;
  /** Throughput of each measured run. */
  readonly runs: readonly number[];
  /** Operations (units) completed over all measured runs. */
  readonly measuredUnits: number;
  /** Peak resident set of the process running the trial, MiB (meaningful in a fresh process). */
  readonly peakRssMb: number;
  /** Why the driver did not run this trial. */
  readonly skipped?: string;
  readonly notes: readonly string[];
  readonly machine: MachineInfo;
  readonly date: string;
  readonly commit: string;
}

/** Timing of the measured loop. */
export interface Timing {
  /** Warm-up before the first measured run, ms. */
  readonly warmupMs: number;
  /** Each run lasts at least this long, ms. */
  readonly runMs: number;
  /** Number of measured runs (median and spread over these). */
  readonly runs: number;
  /** Each run completes at least this many operations, even if that takes longer than `runMs`. */
  readonly minOps: number;
}

/** Progress of a running trial. */
export interface TrialProgress {
  readonly trial: string;
  readonly driver: string;
  readonly phase: 'seed' | 'open' | 'warmup' | 'run' | 'done';
  /** Runs finished so far, of `total`. */
  readonly done: number;
  readonly total: number;
}
