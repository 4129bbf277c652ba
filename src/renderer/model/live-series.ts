/**
 * The Performance view's memory: the last five minutes of pushed samples, kept as a ring, and the columns
 * the charts draw from them. Pure, so it is tested without a browser.
 */
import { assertNever } from '../../shared/errors';
import type { LiveSample, LiveWorker } from '../../shared/live';

/** How much history the charts keep, ms. */
export const HISTORY_MS = 5 * 60_000;

/** Appends `s`, dropping samples older than {@link HISTORY_MS} before it. Returns a new array. */
export function pushSample(history: readonly LiveSample[], s: LiveSample): LiveSample[] {
  const from = s.at - HISTORY_MS;
  const kept = history.filter((h) => h.at > from && h.at < s.at);
  kept.push(s);
  return kept;
}

/** Columns for uPlot: x in seconds, then one array per series. */
export type Columns = [number[], ...(number | null)[][]];

/** The slowest operation's percentiles in a sample (what a user feels), ms. */
export function worstLatency(s: LiveSample): { p50: number | null; p95: number | null; p99: number | null } {
  const ops = Object.values(s.ops).filter((o) => o.perSec > 0);
  if (ops.length === 0) return { p50: null, p95: null, p99: null };
  return { p50: Math.max(...ops.map((o) => o.p50Ms)), p95: Math.max(...ops.map((o) => o.p95Ms)), p99: Math.max(...ops.map((o) => o.p99Ms)) };
}

/** Throughput: total calls per second. */
export function throughputColumns(h: readonly LiveSample[]): Columns {
  return [h.map((s) => s.at / 1000), h.map((s) => s.totalPerSec)];
}

/** Latency: p50, p95, p99 of the slowest operation in each interval. */
export function latencyColumns(h: readonly LiveSample[]): Columns {
  const l = h.map(worstLatency);
  return [h.map((s) => s.at / 1000), l.map((x) => x.p50), l.map((x) => x.p95), l.map((x) => x.p99)];
}

/** Cache hit rate (%) and main event-loop delay p99 (ms). */
export function healthColumns(h: readonly LiveSample[]): Columns {
  return [h.map((s) => s.at / 1000), h.map((s) => (s.cache.hitRate === null ? null : s.cache.hitRate * 100)), h.map((s) => s.eventLoop.p99Ms)];
}

/** Bytes as a short human figure. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A rate or count as a short figure: 950, 12.3k, 4.56M. */
export function formatRate(n: number): string {
  if (n < 1000) return n < 10 ? n.toFixed(1).replace(/\.0$/, '') : String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 2 : 1)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

/** Milliseconds, with sub-millisecond precision where it matters. */
export function formatMs(n: number): string {
  return n < 1 ? `${(n * 1000).toFixed(0)} µs` : n < 100 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

/**
 * One worker in the figures: its name and load; a long-read thread (started for a backup or SQLite's check
 * in a verify, gone once it ends) says so, since its name alone does not tell a user what it is.
 */
export function workerText(w: LiveWorker): string {
  const load = `${Math.round(w.load * 100)} %`;
  switch (w.role) {
    case 'writer':
    case 'reader':
      return `${w.name} ${load}`;
    case 'long':
      return `${w.name} (long read) ${load}`;
    default:
      return assertNever(w.role, 'worker role');
  }
}
