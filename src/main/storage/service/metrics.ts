/**
 * The service's own measurements: round trips per method as callers see them, cache hits, group-commit
 * sizes and durations, the calling thread's event-loop delay, calls rejected by kind, and each worker
 * thread's load.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { DocvaultError } from '../../../shared/errors';
import type { CacheStats, OpStats, VaultStats } from '../../../shared/types';
import { buildHistogram } from '../histogram';
import { OpRecorder } from '../op-stats';
import type { ServiceCounters, ServiceStats, WorkerLoad } from './types';
import type { Slot } from './worker-pool';

/** Why a call was refused or failed by the service itself (not by the engine). */
export type Rejection = keyof ServiceCounters['rejected'];

function sizeBucket(size: number): string {
  if (size <= 2) return String(size);
  const hi = 2 ** Math.ceil(Math.log2(size));
  return `${hi / 2 + 1}-${hi}`;
}

function ms(ns: number): number {
  return Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0;
}

/**
 * The load of one worker thread as `stats().service.workers` lists it (the opening connection in the
 * calling thread is no thread: it is never listed). A long-read thread is counted like a reader.
 */
export function workerLoad(slot: Slot<unknown>): WorkerLoad {
  if (slot.role === 'opening') throw new DocvaultError('Internal', 'the opening connection is not a worker thread');
  return {
    name: slot.name,
    role: slot.role,
    ready: slot.state === 'ready',
    inFlight: slot.inFlight.size,
    completed: slot.completed,
    busyMs: Math.round(slot.busyMs * 100) / 100,
    restarts: slot.restarts,
  };
}

/** Counters and histograms of one service, from open to close. */
export class ServiceMetrics {
  readonly #ops = new OpRecorder();
  readonly #hits = { get: 0, exists: 0 };
  readonly #rejected: Record<Rejection, number> = { overloaded: 0, timeout: 0, aborted: 0, crashed: 0 };
  #externalChanges = 0;
  readonly #groupSizes = buildHistogram(1, 1_000_000, 2);
  readonly #commitMicros = buildHistogram(1, 3_600_000_000, 2);
  readonly #groupBuckets = new Map<string, number>();
  #commits = 0;
  #groupedWrites = 0;
  readonly #eventLoop: IntervalHistogram;

  constructor() {
    this.#eventLoop = monitorEventLoopDelay({ resolution: 10 });
    this.#eventLoop.enable();
  }

  /** A call settled after `micros` (cache hits are counted with {@link hit} instead). */
  call(method: string, micros: number, failed: boolean): void {
    this.#ops.record(method, micros, failed);
  }

  /** `n` calls answered from the cache. */
  hit(method: 'get' | 'exists', n = 1): void {
    this.#hits[method] += n;
  }

  /** A call refused or failed by the service. */
  reject(why: Rejection): void {
    this.#rejected[why]++;
  }

  /** A change by another process was noticed. */
  outsideChange(): void {
    this.#externalChanges++;
  }

  /** The writer committed a group of `size` writes in `durationMs`. */
  commit(size: number, durationMs: number): void {
    this.#commits++;
    this.#groupedWrites += size;
    this.#groupSizes.recordValue(size);
    this.#commitMicros.recordValue(Math.max(1, Math.round(durationMs * 1000)));
    const bucket = sizeBucket(size);
    this.#groupBuckets.set(bucket, (this.#groupBuckets.get(bucket) ?? 0) + 1);
  }

  /** Stops the event-loop monitor (close). */
  stop(): void {
    this.#eventLoop.disable();
  }

  /** The stats callers see: the engine's, with this thread's cache, round trips and service counters. */
  snapshot(
    engine: VaultStats,
    cache: CacheStats,
    readers: number,
    queues: ServiceCounters['queues'],
    workers: readonly WorkerLoad[],
    longReads: ServiceCounters['longReads'],
  ): ServiceStats {
    const ops: Record<string, OpStats> = this.#ops.snapshot();
    for (const name of ['get', 'exists'] as const) {
      const n = this.#hits[name];
      if (n === 0) continue;
      const o = ops[name];
      ops[name] = o === undefined ? { count: n, errors: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 } : { ...o, count: o.count + n };
    }
    const commits = this.#commits;
    const sizes = this.#groupSizes;
    const loop = this.#eventLoop;
    return {
      ...engine,
      cache,
      ops,
      service: {
        readers,
        queues,
        workers,
        longReads,
        groupCommit: {
          commits,
          writes: this.#groupedWrites,
          meanSize: commits === 0 ? 0 : Math.round((this.#groupedWrites / commits) * 100) / 100,
          p50Size: commits === 0 ? 0 : sizes.getValueAtPercentile(50),
          p99Size: commits === 0 ? 0 : sizes.getValueAtPercentile(99),
          maxSize: commits === 0 ? 0 : sizes.maxValue,
          histogram: Object.fromEntries(this.#groupBuckets),
          p50CommitMs: commits === 0 ? 0 : this.#commitMicros.getValueAtPercentile(50) / 1000,
          maxCommitMs: commits === 0 ? 0 : this.#commitMicros.maxValue / 1000,
        },
        eventLoopDelayMs: { mean: ms(loop.mean), p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
        externalChanges: this.#externalChanges,
        rejected: { ...this.#rejected },
        writerOps: engine.ops,
      },
    };
  }
}
