/** Cache bounds and counters, stats, memory modes, close. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { MEMORY_PRESETS, SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { MEMORY_MODES } from '../../src/shared/types';
import { hexKey, makeVault, tempDir } from '../helpers/tmp';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe('cache', () => {
  it('counts hits and misses and stays within its entry bound', () => {
    const made = makeVault({ tuning: { cacheEntries: 10, cacheBytes: 1024 * 1024 } });
    cleanups.push(made.cleanup);
    const { vault } = made;
    for (let i = 0; i < 30; i++) vault.create({ id: `d${i}`, content: `c${i}` });
    const s0 = vault.stats().cache;
    expect(s0.entries).toBe(10);
    expect(s0.maxEntries).toBe(10);
    expect(s0.evictions).toBe(20);
    vault.get('d29'); // cached by the write
    vault.get('d0'); // evicted long ago: a miss
    const s1 = vault.stats().cache;
    expect(s1.hits - s0.hits).toBe(1);
    expect(s1.misses - s0.misses).toBe(1);
    expect(vault.stats().ops['get']?.count).toBe(2);
  });

  it('stays within its byte bound and does not cache a document larger than the budget', () => {
    const made = makeVault({ tuning: { cacheEntries: 1000, cacheBytes: 64 * 1024 } });
    cleanups.push(made.cleanup);
    const { vault } = made;
    for (let i = 0; i < 20; i++) vault.create({ id: `d${i}`, content: 'x'.repeat(8 * 1024) });
    const s = vault.stats().cache;
    expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(s.entries).toBeLessThan(20);
    vault.create({ id: 'huge', content: 'y'.repeat(100 * 1024) });
    expect(vault.get('huge').content.length).toBe(100 * 1024);
    expect(vault.stats().cache.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  it('hands out frozen documents, so callers cannot corrupt the cache', () => {
    const made = makeVault();
    cleanups.push(made.cleanup);
    made.vault.create({ id: 'a', content: 'x', tags: ['t'], metadata: { k: 1 } });
    const doc = made.vault.get('a');
    expect(Object.isFrozen(doc)).toBe(true);
    expect(() => (doc.tags as string[]).push('evil')).toThrow();
    expect(made.vault.get('a').tags).toEqual(['t']);
  });

  it('sees a write made by another vault object on the same file', async () => {
    const made = makeVault();
    cleanups.push(made.cleanup);
    made.vault.create({ id: 'a', content: 'one' });
    expect(made.vault.get('a').content).toBe('one');
    const other = Vault.openSync(made.path, { key: { rawKey: made.key } });
    other.update('a', { content: 'two' });
    other.purge('a');
    other.create({ id: 'a', content: 'three' });
    other.close();
    // The next event-loop turn (one await: the turn ends with a microtask) looks for outside commits.
    await Promise.resolve();
    expect(made.vault.get('a')).toMatchObject({ content: 'three', version: 1 });
  });

  it('with the cache off (cacheEntries: 0, as in the service workers) reads come from disk, and refresh still reports commits by another connection', () => {
    const made = makeVault({ tuning: { cacheEntries: 0 } });
    cleanups.push(made.cleanup);
    const { vault } = made;
    const created = vault.create({ id: 'a', content: 'one' });
    expect(Object.isFrozen(created)).toBe(true);
    expect(vault.get('a').content).toBe('one');
    expect(vault.exists('a')).toBe(true);
    expect(vault.stats().cache).toMatchObject({ entries: 0, maxEntries: 0, hits: 0 });
    expect(vault.stats().ops['get']?.count).toBe(1);
    expect(vault.refresh()).toBe(false);
    const other = Vault.openSync(made.path, { key: { rawKey: made.key } });
    other.update('a', { content: 'two' });
    other.close();
    // The service's writer runs like this and raises the calling thread's flag from this answer.
    expect(vault.refresh()).toBe(true);
    expect(vault.refresh()).toBe(false);
    expect(vault.get('a').content).toBe('two');
  });

  it('a fill from disk and a later commit by another connection: the next turn drops it', async () => {
    const made = makeVault({ tuning: { cacheEntries: 10 } });
    cleanups.push(made.cleanup);
    const { vault } = made;
    vault.create({ id: 'a', content: 'one' });
    const reopened = Vault.openSync(made.path, { key: { rawKey: made.key } });
    cleanups.unshift(() => reopened.close());
    expect(reopened.get('a').content).toBe('one');
    const before = reopened.stats().cache;
    expect(reopened.get('a').content).toBe('one');
    expect(reopened.stats().cache.hits).toBe(before.hits + 1);
    vault.update('a', { content: 'two' });
    // Same turn: one state, like a read transaction.
    expect(reopened.get('a').content).toBe('one');
    await Promise.resolve();
    expect(reopened.get('a').content).toBe('two');
  });
});

describe('stats', () => {
  it('reports documents, versions, bytes, files, pages, encryption, mode and latencies', () => {
    const made = makeVault({ memoryMode: 'baseline' });
    cleanups.push(made.cleanup);
    const { vault } = made;
    vault.create({ id: 'a', content: 'abc', type: 'note' });
    vault.update('a', { content: 'abcdef' });
    vault.create({ id: 'b', content: '€', type: 'memo' });
    const s = vault.stats();
    expect(s).toMatchObject({
      encrypted: true,
      memoryMode: 'baseline',
      schemaVersion: SCHEMA_VERSION,
      documents: 2,
      versions: 3,
      contentBytes: 6 + 3,
      historyBytes: 3 + 6 + 3,
      byType: { note: 1, memo: 1 },
      pageSize: 4096,
    });
    expect(s.cipher).toContain('sqlcipher');
    expect(s.fileBytes).toBe(statSync(made.path).size);
    expect(s.walBytes).toBeGreaterThan(0);
    expect(s.pageCount).toBeGreaterThan(0);
    expect(s.ops['create']).toMatchObject({ count: 2, errors: 0 });
    expect(s.ops['create']!.p50Us).toBeGreaterThan(0);
    expect(s.ops['create']!.p99Us).toBeGreaterThanOrEqual(s.ops['create']!.p50Us);
    try {
      vault.create({ id: 'a', content: 'dup' });
    } catch {
      // counted as an error
    }
    expect(vault.stats().ops['create']).toMatchObject({ count: 3, errors: 1 });
  });

  it('has a preset per memory mode, each overridable', () => {
    for (const mode of MEMORY_MODES) {
      const made = makeVault({ memoryMode: mode });
      cleanups.push(made.cleanup);
      expect(made.vault.stats().cache.maxBytes).toBe(MEMORY_PRESETS[mode].cacheBytes);
      expect(made.vault.tuning).toEqual(MEMORY_PRESETS[mode]);
    }
    expect(MEMORY_PRESETS.baseline.cacheBytes).toBeLessThan(MEMORY_PRESETS.performance.cacheBytes);
    const made = makeVault({ memoryMode: 'performance', tuning: { cacheEntries: 7 } });
    cleanups.push(made.cleanup);
    expect(made.vault.stats().cache.maxEntries).toBe(7);
  });
});

describe('close', () => {
  it('checkpoints, is idempotent, and every later call throws Closed', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'c.dvault');
    const v = Vault.createSync(path, { key: { rawKey: hexKey() } });
    v.create({ id: 'a', content: 'x' });
    v.close();
    v.close();
    expect(v.isOpen).toBe(false);
    expect(!existsSync(path + '-wal') || statSync(path + '-wal').size === 0).toBe(true);
    const calls: (() => unknown)[] = [
      () => v.get('a'),
      () => v.exists('a'),
      () => v.create({ id: 'b', content: 'y' }),
      () => v.update('a', { content: 'z' }),
      () => v.put({ id: 'a', content: 'z' }),
      () => v.delete('a'),
      () => v.list(),
      () => v.count(),
      () => v.versions('a'),
      () => v.getVersion('a', 1),
      () => v.restore('a', 1),
      () => v.bulkGet(['a']),
      () => v.bulkCreate([]),
      () => v.transaction(() => 1),
      () => v.verify(),
      () => v.stats(),
      () => v.refresh(),
    ];
    for (const call of calls) expect(call).toThrow(expect.objectContaining({ kind: 'Closed' }));
  });
});
