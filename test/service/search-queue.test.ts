/**
 * The search queue through the service (service/search-freshness.ts): a search or verify on a reader sees
 * every write answered before it, although writes only queue their documents for the index and a reader
 * cannot index them: the service has the writer index them first. The same for a write by another process,
 * once the service has seen it (`refresh`, or the writer's periodic look).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { workerFaults } from '../helpers/worker-faults';
import { makeService, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('search queue in the service', () => {
  it('a search on a reader right after a write finds it; so does one after another process wrote; verify compares the index', async () => {
    const ctx = await makeService(worker, { readers: 1 });
    cleanups.push(ctx.cleanup);
    const s = ctx.service;
    await waitFor('the reader started', () => workerFaults(s).allReady());
    const before = (await s.stats()).service.workers.find((w) => w.role === 'reader')?.completed ?? 0;
    // Each search follows its write at once: well within the writer's idle time (250 ms), so only the
    // service's request to index first can make it see the write.
    for (let i = 0; i < 5; i++) {
      await s.create({ id: `w${i}`, content: `word${i} kingfisher` });
      expect((await s.search({ query: `word${i}` })).items.map((h) => h.id)).toEqual([`w${i}`]);
    }
    await s.bulkCreate(Array.from({ length: 300 }, (_, i) => ({ id: `b${i}`, content: `bulk heron ${i}` })));
    expect((await s.search({ query: 'heron', limit: 1, rankAll: true })).items).toHaveLength(1);
    expect((await s.search({ query: 'heron', limit: 500 })).items).toHaveLength(300);
    // The searches ran on the reader.
    const after = (await s.stats()).service.workers.find((w) => w.role === 'reader')?.completed ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(7);

    // Another process's write: queued in the file by its own connection, which neither closes nor idles.
    const other = Vault.openSync(ctx.path, { key: { rawKey: ctx.key }, idleCheckpointMs: 600_000 });
    cleanups.unshift(() => other.close());
    other.create({ id: 'outside', content: 'written elsewhere cormorant' });
    await s.refresh();
    expect((await s.search({ query: 'cormorant' })).items.map((h) => h.id)).toEqual(['outside']);

    await s.update('w0', { content: 'word0 replaced by avocet' });
    const report = await s.verify();
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.skipped ?? '').not.toMatch(/waiting to be indexed/);
    expect((await s.search({ query: 'kingfisher' })).items.map((h) => h.id).sort()).toEqual(['w1', 'w2', 'w3', 'w4']);
  });
});
