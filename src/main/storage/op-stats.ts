/**
 * Per-operation counters and latency histograms (HdrHistogram, microseconds, 2 significant digits).
 * Cache hits are counted but not timed: timing costs more than the hit itself.
 */
import type { Histogram } from 'hdr-histogram-js';
import { buildHistogram } from './histogram';
import type { OpStats } from '../../shared/types';

interface Entry {
  count: number;
  errors: number;
  hist: Histogram;
}

/** Latency and count recorder keyed by operation name. */
export class OpRecorder {
  readonly #ops = new Map<string, Entry>();

  #entry(op: string): Entry {
    let e = this.#ops.get(op);
    if (e === undefined) {
      e = {
        count: 0,
        errors: 0,
        hist: buildHistogram(1, 3_600_000_000, 2, 64),
      };
      this.#ops.set(op, e);
    }
    return e;
  }

  /** Records one completed call that took `micros` microseconds. */
  record(op: string, micros: number, failed = false): void {
    const e = this.#entry(op);
    e.count++;
    if (failed) e.errors++;
    e.hist.recordValue(Math.max(1, Math.round(micros)));
  }

  /** Counts `n` calls without timing them (cache hits). */
  count(op: string, n = 1): void {
    this.#entry(op).count += n;
  }

  /** A snapshot of every operation seen. */
  snapshot(): Record<string, OpStats> {
    const out: Record<string, OpStats> = {};
    for (const [op, e] of this.#ops) {
      const timed = e.hist.totalCount > 0;
      out[op] = {
        count: e.count,
        errors: e.errors,
        p50Us: timed ? e.hist.getValueAtPercentile(50) : 0,
        p95Us: timed ? e.hist.getValueAtPercentile(95) : 0,
        p99Us: timed ? e.hist.getValueAtPercentile(99) : 0,
        maxUs: timed ? e.hist.maxValue : 0,
      };
    }
    return out;
  }
}
