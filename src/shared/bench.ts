/**
 * The in-app benchmark panel's side of the contract: what can be run, a run's progress and its results.
 * Pure types. The trials and drivers are bench/'s own (the same `npm run bench` runs); the app runs them
 * in a worker thread on a scratch vault in a temp folder, never the user's vault.
 */

/** Sizes the panel offers: `quick` (200 × 1 KB, short runs: a smoke test) and `10k` (10,000 × 1 KB, full timing). */
export const BENCH_SIZES = ['quick', '10k'] as const;
/** One of {@link BENCH_SIZES}. */
export type BenchSize = (typeof BENCH_SIZES)[number];

/** A trial as the panel lists it. */
export interface BenchTrialInfo {
  readonly name: string;
  readonly what: string;
  /** The seed report's figure (measured in memory, encryption off, 1,000 × 100 B documents). */
  readonly seedFigure: { readonly value: number; readonly label: string } | null;
}

/** A driver as the panel lists it. */
export interface BenchDriverInfo {
  readonly name: string;
  readonly description: string;
  /** Why it cannot run in this process (e.g. a native module not built for this runtime); undefined when it can. */
  readonly unavailable?: string;
}

/** What the panel can run. */
export interface BenchCatalog {
  readonly trials: readonly BenchTrialInfo[];
  readonly drivers: readonly BenchDriverInfo[];
  readonly sizes: readonly BenchSize[];
}

/** What to run. */
export interface BenchRequest {
  readonly trials: readonly string[];
  readonly drivers: readonly string[];
  readonly size: BenchSize;
}

/** One result cell. */
export interface BenchCell {
  readonly trial: string;
  readonly driver: string;
  /** Median throughput, units per second; null when skipped. */
  readonly opsPerSec: number | null;
  readonly unit: 'ops' | 'docs';
  /** (max − min) / median over the runs, percent. */
  readonly spread: number | null;
  readonly skipped?: string;
  readonly notes: readonly string[];
}

/** A finished (or cancelled, or failed) run, as kept in app data. */
export interface BenchRun {
  readonly id: string;
  readonly request: BenchRequest;
  readonly docs: number;
  readonly docBytes: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: 'done' | 'cancelled' | 'failed';
  /** Why it failed, one line. */
  readonly error?: string;
  readonly cells: readonly BenchCell[];
  /** Delay of the app's main event loop while the run went on, ms: the window must stay responsive. */
  readonly eventLoop: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly os: string };
}

/** Progress of a run (pushed as `bench.progress`). */
export interface BenchProgress {
  readonly runId: string;
  /** `seed`: building the scratch stores; `trial`: measuring; `cleanup`: deleting the scratch folder. */
  readonly phase: 'seed' | 'trial' | 'cleanup';
  readonly trial?: string;
  readonly driver: string;
  /** Steps done of all steps (each seeding and each trial × driver is a step). */
  readonly step: number;
  readonly steps: number;
  /** Within a trial: measured runs done of total. */
  readonly done: number;
  readonly total: number;
}
