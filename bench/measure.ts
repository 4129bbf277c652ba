/**
 * The measured loop: warm up, then `runs` time-boxed runs; throughput of a run = units completed / wall
 * time of that run. Sync calls run in chunks that grow until one chunk takes about a millisecond, so the
 * clock is read rarely; the loop yields to the event loop every ~50 ms so an AbortSignal can land.
 */
import type { PreparedOp } from './ops';
import type { MaybePromise, Timing } from './types';

/** Default timing of `npm run bench`. */
export const DEFAULT_TIMING: Timing = { warmupMs: 300, runMs: 400, runs: 5, minOps: 3 };

/** Throughputs of the measured runs. */
export interface Measurement {
  readonly runs: number[];
  readonly units: number;
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Throws the signal's reason (an AbortError unless the caller gave another). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    const reason: unknown = signal.reason;
    throw reason instanceof Error ? reason : new DOMException('The benchmark was aborted', 'AbortError');
  }
}

/** Runs sync calls for at least `ms` and `minCalls` calls; returns calls made and elapsed ms. */
async function runSync(call: () => unknown, ms: number, minCalls: number, signal: AbortSignal | undefined): Promise<{ calls: number; ms: number }> {
  // One untimed call guards against a driver that returns a promise the loop would never await.
  if (call() instanceof Promise) throw new Error('a sync driver returned a promise: mark the operation async');
  let calls = 0;
  let chunk = 1;
  const t0 = performance.now();
  let lastYield = t0;
  for (;;) {
    const c0 = performance.now();
    for (let k = 0; k < chunk; k++) call();
    calls += chunk;
    const t = performance.now();
    if (t - t0 >= ms && calls >= minCalls) return { calls, ms: t - t0 };
    if (t - c0 < 1 && chunk < 1 << 16) chunk *= 2;
    if (t - lastYield > 50) {
      await yieldNow();
      throwIfAborted(signal);
      lastYield = performance.now();
    }
  }
}

/** Runs async calls from `concurrency` closed-loop callers for at least `ms` and `minCalls` calls. */
async function runAsync(
  call: () => MaybePromise<unknown>,
  ms: number,
  minCalls: number,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<{ calls: number; ms: number }> {
  let calls = 0;
  let started = 0;
  const t0 = performance.now();
  const caller = async (): Promise<void> => {
    while ((performance.now() - t0 < ms || started < minCalls) && signal?.aborted !== true) {
      started++;
      await call();
      calls++;
    }
  };
  const callers: Promise<void>[] = [];
  for (let c = 0; c < concurrency; c++) callers.push(caller());
  await Promise.all(callers);
  throwIfAborted(signal);
  return { calls, ms: performance.now() - t0 };
}

/** Warm-up plus measured runs of `op`. `sync` drivers with concurrency 1 never await between calls. */
export async function measure(
  op: PreparedOp,
  opts: { sync: boolean; concurrency: number; timing: Timing; signal?: AbortSignal; onRun?: (done: number, phase: 'warmup' | 'run') => void },
): Promise<Measurement> {
  const { timing, signal } = opts;
  const sync = opts.sync && op.async !== true;
  const once = (ms: number, minCalls: number): Promise<{ calls: number; ms: number }> =>
    sync && opts.concurrency <= 1
      ? runSync(op.call, ms, minCalls, signal)
      : runAsync(sync ? async () => op.call() : op.call, ms, minCalls, opts.concurrency, signal);
  throwIfAborted(signal);
  if (timing.warmupMs > 0) await once(timing.warmupMs, 1);
  opts.onRun?.(0, 'warmup');
  const runs: number[] = [];
  let units = 0;
  for (let r = 0; r < timing.runs; r++) {
    await yieldNow();
    throwIfAborted(signal);
    const { calls, ms } = await once(timing.runMs, timing.minOps);
    units += calls * op.unitsPerCall;
    runs.push((calls * op.unitsPerCall * 1000) / ms);
    opts.onRun?.(r + 1, 'run');
  }
  return { runs, units };
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** (max − min) / median, percent. */
export function spreadPercent(xs: readonly number[]): number {
  const m = median(xs);
  return m === 0 ? 0 : ((Math.max(...xs) - Math.min(...xs)) / m) * 100;
}
