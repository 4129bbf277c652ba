/** Messages between the benchmark panel's controller and its worker thread (a discriminated union). */
import type { Timing } from '../../bench/types';
import type { BenchCell, BenchDriverInfo, BenchProgress } from '../shared/bench';

/** What the worker is asked to run (absent: only list the drivers). */
export interface BenchJob {
  readonly trials: readonly string[];
  readonly drivers: readonly string[];
  readonly docs: number;
  readonly docBytes: number;
  readonly timing: Timing;
  /** The scratch folder (made and deleted by the controller). */
  readonly dir: string;
  readonly commit: string;
}

/** Worker → controller. */
export type BenchWorkerMessage =
  | { readonly type: 'catalog'; readonly drivers: readonly BenchDriverInfo[] }
  | ({ readonly type: 'progress' } & Omit<BenchProgress, 'runId'>)
  | { readonly type: 'cell'; readonly cell: BenchCell }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly message: string };
