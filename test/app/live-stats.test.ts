/** Live stats: a sample from two snapshots, and the ticker that runs only while someone watches an open vault. */
import { describe, expect, it } from 'vitest';
import { LiveStats, loopDelayMs, toSample, type StatsSnapshot } from '../../src/app/live-stats';
import type { WorkerLoad } from '../../src/main/storage/service';
import type { LiveSample } from '../../src/shared/live';

function snapshot(
  over: { hits?: number; misses?: number; evictions?: number; commits?: number; writes?: number; busy?: number; longs?: readonly WorkerLoad[] } = {},
): StatsSnapshot {
  const op = { count: 0, errors: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 };
  return {
    path: '/v',
    encrypted: true,
    cipher: 'c',
    memoryMode: 'standard',
    schemaVersion: 1,
    documents: 10,
    versions: 12,
    contentBytes: 100,
    historyBytes: 120,
    trashed: 0,
    attachments: { files: 0, storedBytes: 0, referencedBytes: 0 },
    byType: {},
    fileBytes: 4096,
    walBytes: 512,
    pageSize: 4096,
    pageCount: 1,
    freelistCount: 0,
    cache: { entries: 5, bytes: 50, maxEntries: 100, maxBytes: 1000, hits: over.hits ?? 0, misses: over.misses ?? 0, evictions: over.evictions ?? 0 },
    ops: { get: op },
    openedAt: 0,
    createdAt: 0,
    service: {
      readers: 1,
      queues: { queuedReads: 1, queuedWrites: 2, pendingReads: 3, pendingWrites: 4 },
      workers: [{ name: 'reader-0', role: 'reader', ready: true, inFlight: 1, completed: 0, busyMs: over.busy ?? 0, restarts: 0 }, ...(over.longs ?? [])],
      longReads: { threads: over.longs?.length ?? 0, completed: 0, busyMs: 0 },
      groupCommit: { commits: over.commits ?? 0, writes: over.writes ?? 0, meanSize: 0, p50Size: 0, p99Size: 0, maxSize: 0, histogram: {}, p50CommitMs: 3, maxCommitMs: 5 },
      eventLoopDelayMs: { mean: 0, p50: 0, p99: 0, max: 0 },
      externalChanges: 0,
      rejected: { overloaded: 0, timeout: 0, aborted: 0, crashed: 0 },
      writerOps: {},
    },
  };
}

const loop = { p50Ms: 1, p99Ms: 2, maxMs: 3 };

describe('toSample', () => {
  it('turns counter differences into rates over the interval', () => {
    const a = snapshot({ hits: 100, misses: 10, evictions: 1, commits: 10, writes: 50, busy: 100 });
    const b = snapshot({ hits: 190, misses: 40, evictions: 5, commits: 30, writes: 150, busy: 600 });
    const ops = { 'doc.get': { count: 2000, errors: 4, p50Us: 100, p95Us: 900, p99Us: 2500, maxUs: 9000 } };
    const s = toSample(a, b, ops, 2000, loop, 123);
    expect(s.ops['doc.get']).toEqual({ perSec: 1000, errors: 4, p50Ms: 0.1, p95Ms: 0.9, p99Ms: 2.5 });
    expect(s.totalPerSec).toBe(1000);
    expect(s.cache.hitRate).toBe(0.75); // 90 hits, 30 misses
    expect(s.cache.evictionsPerSec).toBe(2);
    expect(s.groupCommit).toEqual({ commitsPerSec: 10, meanBatch: 5, p50CommitMs: 3 });
    expect(s.workers).toEqual([{ name: 'reader-0', role: 'reader', load: 0.25, inFlight: 1 }]);
    expect(s.queues).toEqual({ queuedReads: 1, queuedWrites: 2, pendingReads: 3, pendingWrites: 4 });
    expect(s.vault).toEqual({ documents: 10, versions: 12, fileBytes: 4096, walBytes: 512, contentBytes: 100 });
    expect(s.eventLoop).toBe(loop);
    expect(s.at).toBe(123);
  });

  it('reads no rates on the first tick and no hit rate without lookups', () => {
    const s = toSample(undefined, snapshot({ hits: 100, misses: 10, commits: 10, writes: 50 }), {}, 1000, loop, 0);
    expect(s.cache.hitRate).toBeNull();
    expect(s.groupCommit).toEqual({ commitsPerSec: 0, meanBatch: null, p50CommitMs: 3 });
    expect(s.totalPerSec).toBe(0);
  });

  it('shows a long-read thread busy while it holds its read (timed only when the read ends), and by its time once idle', () => {
    const long = (inFlight: number, busyMs: number): WorkerLoad => ({ name: 'long-1', role: 'long', ready: true, inFlight, completed: busyMs > 0 ? 1 : 0, busyMs, restarts: 0 });
    // Holding a read whose time is not yet counted: busy throughout, not idle.
    const running = toSample(snapshot({ longs: [long(1, 0)] }), snapshot({ longs: [long(1, 0)] }), {}, 1000, loop, 0);
    expect(running.workers).toEqual([
      { name: 'reader-0', role: 'reader', load: 0, inFlight: 1 },
      { name: 'long-1', role: 'long', load: 1, inFlight: 1 },
    ]);
    // Its read ended 250 ms into the interval (a 40 s read counted at its end): by time, capped at 1.
    const ended = toSample(snapshot({ longs: [long(1, 0)] }), snapshot({ longs: [long(0, 40_000)] }), {}, 1000, loop, 0);
    expect(ended.workers[1]).toEqual({ name: 'long-1', role: 'long', load: 1, inFlight: 0 });
    // Started and not yet holding its read: idle; stopped: gone from the list.
    expect(toSample(undefined, snapshot({ longs: [long(0, 0)] }), {}, 1000, loop, 0).workers[1]).toEqual({ name: 'long-1', role: 'long', load: 0, inFlight: 0 });
    expect(toSample(snapshot({ longs: [long(0, 40_000)] }), snapshot(), {}, 1000, loop, 0).workers.map((w) => w.name)).toEqual(['reader-0']);
  });

  it('has no group commit or queues for a store without a service', () => {
    const { service: _s, ...plain } = snapshot();
    const s = toSample(plain, plain, {}, 1000, loop, 0);
    expect(s.groupCommit).toBeNull();
    expect(s.queues).toBeNull();
    expect(s.workers).toEqual([]);
  });
});

describe('LiveStats', () => {
  function make() {
    const samples: LiveSample[] = [];
    let snapshots = 0;
    let open = true;
    const live = new LiveStats({
      snapshot: () => {
        if (!open) return undefined;
        snapshots++;
        return Promise.resolve(snapshot());
      },
      emit: (s) => samples.push(s),
      intervalMs: 10,
    });
    return { live, samples, count: () => snapshots, close: () => (open = false) };
  }

  it('ticks only while a watcher is subscribed and the vault is open', async () => {
    const { live, samples, count } = make();
    const id = live.subscribe();
    expect(live.running).toBe(false); // vault not open yet
    live.setOpen(true);
    expect(live.running).toBe(true);
    await expect.poll(() => samples.length).toBeGreaterThan(2);
    const second = live.subscribe();
    live.unsubscribe(id);
    expect(live.running).toBe(true); // one watcher left
    live.unsubscribe(second);
    expect(live.running).toBe(false);
    const taken = count();
    await new Promise((r) => setTimeout(r, 50)); // several periods: nothing more is sampled
    expect(count()).toBe(taken);
    live.subscribe();
    expect(live.running).toBe(true);
    live.setOpen(false);
    expect(live.running).toBe(false);
    live.stop();
  });

  it('clear() drops every watcher; unknown ids are ignored', () => {
    const { live } = make();
    live.setOpen(true);
    live.subscribe();
    live.subscribe();
    live.unsubscribe('nobody');
    expect(live.watchers).toBe(2);
    live.clear();
    expect(live.watchers).toBe(0);
    expect(live.running).toBe(false);
  });

  it('times the window calls only while watched, per interval', async () => {
    const { live } = make();
    live.setOpen(true);
    live.record('doc.get', 1, false); // not watched: dropped
    live.subscribe();
    await live.tick(); // a fresh interval
    for (let i = 0; i < 10; i++) live.record('doc.get', 2, i === 0);
    const s = await live.tick();
    expect(s?.ops['doc.get']?.errors).toBe(1);
    expect(s?.ops['doc.get']?.p50Ms).toBeCloseTo(2, 1);
    expect(s?.ops['doc.get']?.perSec).toBeGreaterThan(0);
    const next = await live.tick();
    expect(next?.ops['doc.get']).toBeUndefined(); // the next interval starts empty
    live.stop();
  });

  it('caps the watcher set, dropping the oldest', () => {
    const live = new LiveStats({ snapshot: () => undefined, emit: () => {}, maxWatchers: 2 });
    const a = live.subscribe();
    live.subscribe();
    live.subscribe();
    expect(live.watchers).toBe(2);
    live.unsubscribe(a); // already gone
    expect(live.watchers).toBe(2);
    live.stop();
  });
});

describe('loopDelayMs', () => {
  it('takes the sampling period off Node’s figure (an idle loop reads ~10 ms at a 10 ms resolution)', () => {
    expect(loopDelayMs(10_100_000)).toBe(0.1);
    expect(loopDelayMs(36_340_000)).toBe(26.34);
    expect(loopDelayMs(5_000_000)).toBe(0);
    expect(loopDelayMs(Number.NaN)).toBe(0);
  });
});
