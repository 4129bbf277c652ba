/**
 * Live performance stats for the window: who watches, what the window's calls cost, and the tick that turns
 * two snapshots of the store's counters into one {@link LiveSample} of rates and percentiles over the last
 * interval. Ticks run only while at least one watcher is subscribed and the vault is open; while nobody
 * watches, nothing is timed or sampled, so an unwatched app pays nothing for this.
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ServiceStats } from '../main/storage';
import { OpRecorder } from '../main/storage/op-stats';
import type { LiveOp, LiveSample } from '../shared/live';
import type { OpStats, VaultStats } from '../shared/types';

/** What a store's `stats()` returns: the engine's figures, plus the service's counters when there is a service. */
export type StatsSnapshot = VaultStats & { readonly service?: ServiceStats['service'] };

/** Sampling period of the event-loop delay monitors, ms. */
export const LOOP_RESOLUTION_MS = 10;

/**
 * Event-loop delay in ms from a `monitorEventLoopDelay` figure (ns). Node records the time between two
 * samples, which includes the sampling period itself (an idle loop reads ~10 ms at a 10 ms resolution), so
 * the period is taken off to give the delay a user would feel.
 */
export function loopDelayMs(ns: number): number {
  return Number.isFinite(ns) ? Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100) : 0;
}

/** Event-loop delay over one interval, ms. */
export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

function liveOp(o: OpStats, seconds: number): LiveOp {
  return { perSec: round(o.count / seconds, 1), errors: o.errors, p50Ms: round(o.p50Us / 1000, 3), p95Ms: round(o.p95Us / 1000, 3), p99Ms: round(o.p99Us / 1000, 3) };
}

/**
 * One sample from the store's counters at the start (`prev`) and end (`cur`) of an interval, the window's
 * calls timed during it (`ops`), and the event-loop delay over it. Pure: unit-tested with made-up figures.
 * Without `prev` (the first tick) rates that need a difference read as zero.
 */
export function toSample(prev: StatsSnapshot | undefined, cur: StatsSnapshot, ops: Readonly<Record<string, OpStats>>, intervalMs: number, loop: LoopDelay, at: number): LiveSample {
  const seconds = Math.max(intervalMs, 1) / 1000;
  const liveOps: Record<string, LiveOp> = {};
  let total = 0;
  for (const [name, o] of Object.entries(ops)) {
    liveOps[name] = liveOp(o, seconds);
    total += o.count;
  }
  const c = cur.cache;
  const p = prev?.cache;
  const hits = p === undefined ? 0 : Math.max(0, c.hits - p.hits);
  const misses = p === undefined ? 0 : Math.max(0, c.misses - p.misses);
  const evicted = p === undefined ? 0 : Math.max(0, c.evictions - p.evictions);
  const svc = cur.service;
  const psvc = prev?.service;
  let groupCommit: LiveSample['groupCommit'] = null;
  if (svc !== undefined) {
    const commits = psvc === undefined ? 0 : Math.max(0, svc.groupCommit.commits - psvc.groupCommit.commits);
    const writes = psvc === undefined ? 0 : Math.max(0, svc.groupCommit.writes - psvc.groupCommit.writes);
    groupCommit = { commitsPerSec: round(commits / seconds, 1), meanBatch: commits === 0 ? null : round(writes / commits), p50CommitMs: svc.groupCommit.p50CommitMs };
  }
  const workers = (svc?.workers ?? []).map((w) => {
    const before = psvc?.workers.find((x) => x.name === w.name);
    const busy = before === undefined ? 0 : Math.max(0, w.busyMs - before.busyMs);
    // A long-read thread holds one call at a time, timed only when it ends (a minute later, at 1M documents):
    // by busyMs it would read idle all that time and then spike. While it holds one, it is busy throughout.
    const load = w.role === 'long' && w.inFlight > 0 ? 1 : round(Math.min(1, busy / Math.max(intervalMs, 1)), 3);
    return { name: w.name, role: w.role, load, inFlight: w.inFlight };
  });
  return {
    at,
    intervalMs: Math.round(intervalMs),
    ops: liveOps,
    totalPerSec: round(total / seconds, 1),
    cache: {
      hitRate: hits + misses === 0 ? null : round(hits / (hits + misses), 4),
      entries: c.entries,
      bytes: c.bytes,
      maxBytes: c.maxBytes,
      evictions: c.evictions,
      evictionsPerSec: round(evicted / seconds, 1),
    },
    groupCommit,
    queues: svc === undefined ? null : { ...svc.queues },
    workers,
    eventLoop: loop,
    vault: { documents: cur.documents, versions: cur.versions, fileBytes: cur.fileBytes, walBytes: cur.walBytes, contentBytes: cur.contentBytes },
  };
}

/** Options of {@link LiveStats}. */
export interface LiveStatsOptions {
  /** Reads the open store's counters; undefined while the vault is locked. */
  readonly snapshot: () => Promise<StatsSnapshot> | undefined;
  /** Delivers a sample to every listener. */
  readonly emit: (sample: LiveSample) => void;
  /** Tick period, ms. Default 1000. */
  readonly intervalMs?: number;
  /** Most watchers at once (a misbehaving client cannot grow the set without bound). Default 256. */
  readonly maxWatchers?: number;
}

/** The watcher set, the window's call timings and the ticker. */
export class LiveStats {
  readonly #opts: LiveStatsOptions;
  readonly #watchers = new Set<string>();
  #window = new OpRecorder();
  #loop: IntervalHistogram | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #prev: StatsSnapshot | undefined;
  #windowStart = 0;
  #open = false;
  #ticking = false;

  constructor(opts: LiveStatsOptions) {
    this.#opts = opts;
  }

  /** Number of watchers. */
  get watchers(): number {
    return this.#watchers.size;
  }

  /** True while ticks are being produced. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Adds a watcher; returns its id for {@link unsubscribe}. */
  subscribe(): string {
    if (this.#watchers.size >= (this.#opts.maxWatchers ?? 256)) {
      // Drop the oldest: a window that vanished without unsubscribing must not block new ones.
      const oldest = this.#watchers.values().next().value;
      if (oldest !== undefined) this.#watchers.delete(oldest);
    }
    const id = randomUUID();
    this.#watchers.add(id);
    this.#update();
    return id;
  }

  /** Removes a watcher (unknown ids are ignored: unsubscribing twice is harmless). */
  unsubscribe(id: string): void {
    this.#watchers.delete(id);
    this.#update();
  }

  /** Forgets every watcher (every client went away). */
  clear(): void {
    this.#watchers.clear();
    this.#update();
  }

  /** The vault opened or closed: ticks need an open store. */
  setOpen(open: boolean): void {
    this.#open = open;
    this.#prev = undefined;
    this.#update();
  }

  /** Records one call the window made (only while someone watches: otherwise timing would be wasted). */
  record(op: string, ms: number, failed: boolean): void {
    if (this.#timer !== undefined) this.#window.record(op, ms * 1000, failed);
  }

  /** Takes one sample now (the ticker's body; tests call it directly). */
  async tick(): Promise<LiveSample | undefined> {
    const pending = this.#opts.snapshot();
    if (pending === undefined || this.#ticking) return undefined;
    this.#ticking = true;
    try {
      const cur = await pending;
      const now = performance.now();
      const ops = this.#window.snapshot();
      this.#window = new OpRecorder();
      const loop = this.#loop;
      const delay: LoopDelay =
        loop === undefined || loop.count === 0
          ? { p50Ms: 0, p99Ms: 0, maxMs: 0 }
          : { p50Ms: loopDelayMs(loop.percentile(50)), p99Ms: loopDelayMs(loop.percentile(99)), maxMs: loopDelayMs(loop.max) };
      loop?.reset();
      const sample = toSample(this.#prev, cur, ops, now - this.#windowStart, delay, Date.now());
      this.#prev = cur;
      this.#windowStart = now;
      this.#opts.emit(sample);
      return sample;
    } catch {
      // Locked between the check and the call: the next tick finds no store.
      return undefined;
    } finally {
      this.#ticking = false;
    }
  }

  /** Stops the ticker for good (app quit). */
  stop(): void {
    this.#watchers.clear();
    this.#open = false;
    this.#update();
  }

  #update(): void {
    const want = this.#open && this.#watchers.size > 0;
    if (want && this.#timer === undefined) {
      this.#window = new OpRecorder();
      this.#prev = undefined;
      this.#windowStart = performance.now();
      this.#loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      this.#loop.enable();
      this.#timer = setInterval(() => void this.tick(), this.#opts.intervalMs ?? 1000);
      this.#timer.unref?.();
      void this.tick();
    } else if (!want && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#loop?.disable();
      this.#loop = undefined;
    }
  }
}
