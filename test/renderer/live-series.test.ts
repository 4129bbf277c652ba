/** The Performance view's model: five minutes of samples, chart columns, key text parsing. */
import { describe, expect, it } from 'vitest';
import { HISTORY_MS, latencyColumns, pushSample, throughputColumns, worstLatency, formatMs, formatRate, workerText } from '../../src/renderer/model/live-series';
import { parseRawKeyText } from '../../src/renderer/model/raw-key';
import type { LiveSample } from '../../src/shared/live';

function sample(at: number, ops: LiveSample['ops'] = {}): LiveSample {
  return {
    at,
    intervalMs: 1000,
    ops,
    totalPerSec: Object.values(ops).reduce((a, o) => a + o.perSec, 0),
    cache: { hitRate: null, entries: 0, bytes: 0, maxBytes: 0, evictions: 0, evictionsPerSec: 0 },
    groupCommit: null,
    queues: null,
    workers: [],
    eventLoop: { p50Ms: 0, p99Ms: 0, maxMs: 0 },
    vault: { documents: 0, versions: 0, fileBytes: 0, walBytes: 0, contentBytes: 0 },
  };
}

describe('live series', () => {
  it('keeps five minutes of samples, oldest first', () => {
    let h: LiveSample[] = [];
    for (let t = 0; t <= HISTORY_MS + 10_000; t += 1000) h = pushSample(h, sample(t));
    expect(h[0]?.at).toBe(10_000 + 1000);
    expect(h[h.length - 1]?.at).toBe(HISTORY_MS + 10_000);
    expect(h).toHaveLength(300);
  });

  it('drops a stale sample that arrives out of order', () => {
    const h = pushSample(pushSample([], sample(5000)), sample(4000));
    expect(h.map((s) => s.at)).toEqual([4000]);
  });

  it('charts the slowest active operation and the throughput', () => {
    const s = sample(2000, {
      'doc.get': { perSec: 100, errors: 0, p50Ms: 0.1, p95Ms: 0.2, p99Ms: 0.3 },
      'doc.put': { perSec: 2, errors: 0, p50Ms: 5, p95Ms: 9, p99Ms: 12 },
      'doc.list': { perSec: 0, errors: 0, p50Ms: 99, p95Ms: 99, p99Ms: 99 },
    });
    expect(worstLatency(s)).toEqual({ p50: 5, p95: 9, p99: 12 });
    expect(worstLatency(sample(0))).toEqual({ p50: null, p95: null, p99: null });
    expect(latencyColumns([s])).toEqual([[2], [5], [9], [12]]);
    expect(throughputColumns([s])).toEqual([[2], [102]]);
  });

  it('formats figures', () => {
    expect(formatRate(950)).toBe('950');
    expect(formatRate(12_345)).toBe('12.3k');
    expect(formatRate(4_560_000)).toBe('4.56M');
    expect(formatMs(0.089)).toBe('89 µs');
    expect(formatMs(43.26)).toBe('43.3 ms');
  });

  it('names each worker with its load, and says what a long-read thread is', () => {
    expect(workerText({ name: 'writer', role: 'writer', load: 0.034, inFlight: 0 })).toBe('writer 3 %');
    expect(workerText({ name: 'reader-2', role: 'reader', load: 0, inFlight: 0 })).toBe('reader-2 0 %');
    expect(workerText({ name: 'long-1', role: 'long', load: 1, inFlight: 1 })).toBe('long-1 (long read) 100 %');
    // A role from a newer app than this window knows is a bug to hear about, not a line to guess.
    expect(() => workerText({ name: 'x', role: 'spare' as never, load: 0, inFlight: 0 })).toThrow();
  });

  it('recognises a raw key: 64 hex characters, whitespace around ignored', () => {
    const key = 'Ab'.repeat(32);
    expect(parseRawKeyText(`  ${key}\n`)).toBe(key.toLowerCase());
    expect(parseRawKeyText(key.slice(1))).toBeUndefined();
    expect(parseRawKeyText('zz'.repeat(32))).toBeUndefined();
    expect(parseRawKeyText('correct horse battery staple')).toBeUndefined();
  });
});
