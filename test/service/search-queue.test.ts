/**
 * The search queue through the service (service/search-freshness.ts): a search or verify on a reader sees
 * every write answered before it, although writes only queue their documents for the index and a reader
 * cannot index them: the service has the writer index them first. The same for a write by another process,
 * once the service has seen it (`refresh`, or the writer's periodic look). Tag rows move with the same flush,
 * so a list or count by tag waits the same way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StorageService, Vault } from '../../src/main/storage';
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

  it('a list or count by tag on a reader right after a write sees it: tag rows move with the same flush', async () => {
    const ctx = await makeService(worker, { readers: 1 });
    cleanups.push(ctx.cleanup);
    const s = ctx.service;
    await waitFor('the reader started', () => workerFaults(s).allReady());
    const before = (await s.stats()).service.workers.find((w) => w.role === 'reader')?.completed ?? 0;
    const ids = async (q: { tag: string; type?: string }): Promise<string[]> => (await s.list({ ...q, limit: 50 })).items.map((d) => d.id);
    // Each list follows its write at once, within the writer's idle time (250 ms).
    await s.create({ id: 'a', content: 'a', type: 'note', tags: ['red'] });
    expect(await ids({ tag: 'red' })).toEqual(['a']);
    await s.create({ id: 'b', content: 'b', type: 'note', tags: ['red'] });
    expect(await ids({ tag: 'red' })).toEqual(['b', 'a']);
    await s.update('a', { tags: ['blue'] });
    expect(await ids({ tag: 'red' })).toEqual(['b']);
    expect(await ids({ tag: 'blue', type: 'note' })).toEqual(['a']);
    await s.delete('b');
    expect(await ids({ tag: 'red' })).toEqual([]);
    await s.update('a', { tags: ['blue', 'red'] });
    expect(await s.count({ tag: 'red', type: 'note' })).toBe(1);
    // The lists and the count ran on the reader.
    const after = (await s.stats()).service.workers.find((w) => w.role === 'reader')?.completed ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(6);
  });

  it('a list by update time (by type too) on a reader right after a write sees it; at open, documents another process left waiting are listed', async () => {
    const ctx = await makeService(worker, { readers: 1 });
    cleanups.push(ctx.cleanup);
    const s = ctx.service;
    await waitFor('the reader started', () => workerFaults(s).allReady());
    const ids = async (q: { type?: string } = {}): Promise<string[]> => (await s.list({ ...q, limit: 50 })).items.map((d) => d.id);
    await s.create({ id: 'a', content: 'a', type: 'note' });
    expect(await ids()).toEqual(['a']);
    await s.create({ id: 'b', content: 'b', type: 'task' });
    expect(await ids()).toEqual(['b', 'a']);
    await s.update('a', { type: 'task' });
    expect(await ids({ type: 'task' })).toEqual(['a', 'b']);
    expect(await ids({ type: 'note' })).toEqual([]);
    await s.delete('b');
    expect(await ids()).toEqual(['a']);
    await s.close();

    // Another process leaves a new document and an update waiting for the flush (its connection neither
    // closes nor idles): the service's first list after open must still list them, in order.
    const other = Vault.openSync(ctx.path, { key: { rawKey: ctx.key }, idleCheckpointMs: 600_000 });
    cleanups.unshift(() => other.isOpen && other.close());
    other.create({ id: 'c', content: 'c', type: 'note' });
    other.update('a', { content: 'a again' });
    expect(other.searchPending()).toBe(true);
    const again = await StorageService.open(ctx.path, { key: { rawKey: ctx.key }, workerPath: worker(), readers: 1 });
    cleanups.unshift(() => again.close());
    expect((await again.list({ limit: 50 })).items.map((d) => d.id)).toEqual(['a', 'c']);
    expect((await again.list({ type: 'note', limit: 50 })).items.map((d) => d.id)).toEqual(['c']);
  });

  it('a list by title on a reader right after a write sees it (its rows move with the flush too)', async () => {
    const ctx = await makeService(worker, { readers: 1 });
    cleanups.push(ctx.cleanup);
    const s = ctx.service;
    await waitFor('the reader started', () => workerFaults(s).allReady());
    const ids = async (q: { type?: string; order?: 'asc' | 'desc' } = {}): Promise<string[]> => (await s.list({ ...q, sort: 'title', limit: 50 })).items.map((d) => d.id);
    const before = (await s.stats()).service.workers.find((w) => w.role === 'reader')?.completed ?? 0;
    await s.create({ id: 'a', title: 'Pear', content: 'a', type: 'note' });
    expect(await ids()).toEqual(['a']);
    await s.create({ id: 'b', title: 'Fig', content: 'b', type: 'task' });
    expect(await ids()).toEqual(['b', 'a']);
    await s.update('a', { title: 'Apple' });
    expect(await ids()).toEqual(['a', 'b']);
    expect(await ids({ order: 'desc', type: 'task' })).toEqual(['b']);
    await s.delete('a');
    expect(await ids()).toEqual(['b']);
    const after = (await s.stats()).service.workers.find((w) => w.role === 'reader')?.completed ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(5);
  });
});
