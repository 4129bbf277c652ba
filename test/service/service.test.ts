import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { StorageService } from '../../src/main/storage';
import { Vault } from '../../src/main/storage/vault';
import type { Document } from '../../src/shared/types';
import { hexKey, tempDir } from '../helpers/tmp';
import { workerFaults } from '../helpers/worker-faults';
import { kindOf, makeService, useFaultWorker, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();
/** The tests that stall a worker run the fault worker (test/fixtures/fault-worker.ts). */
const faultWorker = useFaultWorker();

describe('StorageService basics', () => {
  let ctx: Awaited<ReturnType<typeof makeService>>;
  beforeAll(async () => {
    ctx = await makeService(worker);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('does what the engine does, with the same types and errors', async () => {
    const s = ctx.service;
    const a = await s.create({ id: 'a', content: 'one', title: 'A', tags: ['x'] });
    expect(a.version).toBe(1);
    expect(await s.get('a')).toEqual(a);
    const a2 = await s.update('a', { content: 'two' }, { expectedVersion: 1 });
    expect(a2.version).toBe(2);
    expect((await s.get('a')).content).toBe('two');
    expect(await kindOf(s.update('a', { content: 'x' }, { expectedVersion: 1 }))).toBe('Conflict');
    expect(await kindOf(s.get('nope'))).toBe('NotFound');
    expect(await kindOf(s.create({ id: 'a', content: '' }))).toBe('AlreadyExists');
    expect(await kindOf(s.create({ id: '', content: '' }))).toBe('Invalid');
    expect(await s.exists('a')).toBe(true);
    expect(await s.exists('nope')).toBe(false);
    expect((await s.versions('a')).map((v) => v.version)).toEqual([1, 2]);
    expect((await s.getVersion('a', 1)).content).toBe('one');
    expect((await s.restore('a', 1)).content).toBe('one');
    expect((await s.get('a')).version).toBe(3);
    const put = await s.put({ id: 'b', content: 'bee', type: 'note' });
    expect(put.version).toBe(1);
    expect(await s.count({ type: 'note' })).toBe(1);
    const page = await s.list({ sort: 'created', order: 'asc' });
    expect(page.items.map((i) => i.id)).toEqual(['a', 'b']);
    const bulk = await s.bulkCreate([{ id: 'c', content: 'c' }, { id: 'd', content: 'd' }]);
    expect(bulk.committed).toBe(true);
    const got = await s.bulkGet(['a', 'c', 'zz', 'd']);
    expect(got.map((r) => r.status)).toEqual(['ok', 'ok', 'error', 'ok']);
    const failed = await s.bulkCreate([{ id: 'e', content: 'e' }, { id: 'a', content: 'dup' }]);
    expect(failed.committed).toBe(false);
    expect(await s.exists('e')).toBe(false);
    await s.delete('b');
    expect(await kindOf(s.get('b'))).toBe('NotFound');
    expect(await s.exists('b')).toBe(false);
    const del = await s.bulkDelete(['c', 'd']);
    expect(del.committed).toBe(true);
    expect(await s.exists('c')).toBe(false);
    const report = await s.verify();
    expect(report.ok).toBe(true);
  });

  it('batch() is all-or-nothing on the writer', async () => {
    const s = ctx.service;
    const [x, y] = await s.batch([
      { op: 'create', args: [{ id: 'bx', content: 'x' }] },
      { op: 'create', args: [{ id: 'by', content: 'y' }] },
    ] as const);
    expect(x.id).toBe('bx');
    expect(y.version).toBe(1);
    const err = await s
      .batch([
        { op: 'update', args: ['bx', { content: 'x2' }] },
        { op: 'create', args: [{ id: 'by', content: 'again' }] },
      ])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'AlreadyExists', details: { index: 1 } });
    expect((await s.get('bx')).version).toBe(1);
    const bulkInBatch = await kindOf(s.batch([{ op: 'update', args: ['bx', { content: 'x3' }] }, { op: 'bulkCreate', args: [[{ id: 'bz', content: 'z' }, { id: 'bx', content: 'dup' }]] }]));
    expect(bulkInBatch).toBe('AlreadyExists');
    expect((await s.get('bx')).version).toBe(1);
    expect(await s.exists('bz')).toBe(false);
  });

  it('group commit batches concurrent writes, and a failing write fails alone', async () => {
    const s = ctx.service;
    const before = (await s.stats()).service.groupCommit;
    const results = await Promise.allSettled([
      s.create({ id: 'g1', content: '1' }),
      s.create({ id: 'g1', content: 'dup' }),
      s.update('nope', { content: 'x' }),
      s.create({ id: 'g2', content: '2' }),
      ...Array.from({ length: 60 }, (_, i) => s.create({ id: `gc-${i}`, content: String(i) })),
    ]);
    const after = (await s.stats()).service.groupCommit;
    expect(after.commits - before.commits).toBe(1);
    expect(after.maxSize).toBeGreaterThanOrEqual(64);
    expect(results.map((r) => r.status).slice(0, 4)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results.slice(4).every((r) => r.status === 'fulfilled')).toBe(true);
    expect((await s.get('g1')).content).toBe('1');
    expect((await s.get('g2')).content).toBe('2');
  });

  it('a cache hit never crosses a thread; a write leaves its result in the cache', async () => {
    const s = ctx.service;
    const readerCalls = async (): Promise<number> => (await s.stats()).service.workers.filter((w) => w.role === 'reader').reduce((n, w) => n + w.completed, 0);
    await s.create({ id: 'hit', content: 'h1' });
    const before = await readerCalls();
    for (let i = 0; i < 100; i++) expect((await s.get('hit')).content).toBe('h1');
    expect(await s.exists('hit')).toBe(true);
    expect((await s.bulkGet(['hit', 'hit']))[1]).toMatchObject({ status: 'ok' });
    await s.update('hit', { content: 'h2' });
    expect((await s.get('hit')).content).toBe('h2');
    expect(await readerCalls()).toBe(before);
    expect(Object.isFrozen(await s.get('hit'))).toBe(true);
  });

  it('verify reports progress through the thread boundary and covers every document', async () => {
    const s = ctx.service;
    await s.bulkCreate(Array.from({ length: 30 }, (_, i) => ({ id: `vp-${i}`, content: `v ${i}` })));
    await s.update('vp-0', { content: 'v 0, second version' });
    // verify covers current documents and those in the Trash.
    const documents = (await s.count()) + (await s.listTrash()).total;
    const seen: { done: number; total: number }[] = [];
    const report = await s.verify((p) => seen.push({ done: p.done, total: p.total }));
    expect(report.ok).toBe(true);
    // Not an empty pass: the report counts what is in the vault (this test's documents at least).
    expect(report.documents).toBe(documents);
    expect(report.documents).toBeGreaterThanOrEqual(30);
    expect(report.versions).toBeGreaterThanOrEqual(31);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.done <= p.total)).toBe(true);
  });

  it('stats add queues, per-worker load, group-commit sizes and event-loop delay', async () => {
    const s = ctx.service;
    const before = await s.stats();
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.create({ id: `st-${i}`, content: String(i) })));
    expect((await s.get('st-0')).content).toBe('0');
    // Block this thread for a known time: the event-loop monitor must see at least most of it.
    const until = performance.now() + 60;
    while (performance.now() < until);
    await waitFor('the event-loop monitor records the block', async () => (await s.stats()).service.eventLoopDelayMs.max >= 40);
    const st = await s.stats();
    expect(st.documents).toBe(before.documents + 10);
    expect(st.service.readers).toBe(s.readers);
    expect(st.service.workers.map((w) => w.role)).toEqual(['writer', ...Array.from({ length: s.readers }, () => 'reader')]);
    expect(st.service.queues).toMatchObject({ queuedReads: 0, queuedWrites: 0, pendingReads: 0, pendingWrites: 0 });
    expect(st.service.groupCommit.commits).toBeGreaterThan(before.service.groupCommit.commits);
    expect(st.service.groupCommit.writes).toBe(before.service.groupCommit.writes + 10);
    expect(Object.values(st.service.groupCommit.histogram).reduce((a, b) => a + b, 0)).toBe(st.service.groupCommit.commits);
    expect(st.service.eventLoopDelayMs.p50).toBeLessThanOrEqual(st.service.eventLoopDelayMs.max);
    expect(st.cache.hits).toBe(before.cache.hits + 1);
    expect(st.ops['get']?.count).toBe((before.ops['get']?.count ?? 0) + 1);
    expect(st.ops['create']?.count).toBe((before.ops['create']?.count ?? 0) + 10);
  });

  it('sees a change made by another process (another connection) and drops its cache', async () => {
    const s = ctx.service;
    await s.create({ id: 'ext', content: 'v1' });
    expect((await s.get('ext')).content).toBe('v1');
    const other = Vault.openSync(ctx.path, { key: { rawKey: ctx.key } });
    try {
      other.update('ext', { content: 'v2' });
      await s.refresh();
      expect((await s.get('ext')).content).toBe('v2');
      other.update('ext', { content: 'v3' });
      // Without refresh(): the writer's periodic check flags it; wait for it (bounded), do not time it.
      let doc: Document = await s.get('ext');
      await waitFor('the outside change reaches the cache', async () => (doc = await s.get('ext')).content === 'v3');
      expect(doc.content).toBe('v3');
      expect((await s.stats()).service.externalChanges).toBeGreaterThanOrEqual(2);
      // And our own write on top of theirs builds on v3.
      expect((await s.update('ext', { title: 't' }, { expectedVersion: 3 })).version).toBe(4);
    } finally {
      other.close();
    }
  });
});

describe('StorageService opening', () => {
  it('answers from the writer until a reader has started; verify waits for a reader', async () => {
    const ctx = await makeService(worker, { readers: 1 });
    const s = ctx.service;
    try {
      const faults = workerFaults(s);
      // open() resolved with the writer alone; the reader starts after the writer's first answer.
      expect(faults.allReady()).toBe(false);
      const verified = s.verify();
      const [n, page] = await Promise.all([s.count(), s.list()]);
      expect(n).toBe(0);
      expect(page.items).toEqual([]);
      const load = (await s.stats()).service.workers;
      expect(load.find((w) => w.role === 'writer')?.completed).toBe(2);
      expect((await verified).ok).toBe(true);
      await waitFor('the reader started', () => faults.allReady());
      const after = (await s.stats()).service.workers;
      // At least two chunks: the check up to the search index's facet step, then that step (it starts a chunk
      // of its own). A chunk stops at its 20 ms budget, so on a loaded machine the first may end sooner and
      // the check take a third (seen once in CI): the count is bounded below, not fixed.
      expect(after.find((w) => w.role === 'reader')?.completed).toBeGreaterThanOrEqual(2);
      expect(after.find((w) => w.role === 'writer')?.completed).toBe(2);
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('StorageService faults at the edges', () => {
  it('Overloaded when too many writes wait, and nothing else is lost', async () => {
    const ctx = await makeService(worker, { maxPendingWrites: 8 });
    try {
      const calls = Array.from({ length: 100 }, (_, i) => ctx.service.create({ id: `o-${i}`, content: 'x' }));
      const kinds = await Promise.all(calls.map((c) => kindOf(c)));
      const ok = kinds.filter((k) => k === 'resolved').length;
      expect(kinds.filter((k) => k === 'Overloaded').length).toBe(100 - ok);
      expect(ok).toBe(8);
      expect(await ctx.service.count()).toBe(8);
      expect((await ctx.service.stats()).service.rejected.overloaded).toBe(92);
    } finally {
      await ctx.cleanup();
    }
  });

  it('Overloaded for reads too: a stalled reader holds a bounded number of calls', async () => {
    const ctx = await makeService(faultWorker, { readers: 1, maxPendingReads: 6, maxReaderInFlight: 2 });
    const s = ctx.service;
    try {
      await s.create({ id: 'r', content: 'x' });
      const faults = workerFaults(s);
      await waitFor('the reader started', () => faults.allReady());
      await faults.stall('reader', 0, 500);
      const calls = Array.from({ length: 50 }, () => s.getVersion('r', 1));
      const kinds = await Promise.all(calls.map((c) => kindOf(c)));
      expect(kinds.filter((k) => k === 'resolved').length).toBe(6);
      expect(kinds.filter((k) => k === 'Overloaded').length).toBe(44);
      const st = await s.stats();
      expect(st.service.queues).toMatchObject({ queuedReads: 0, pendingReads: 0 });
    } finally {
      await ctx.cleanup();
    }
  });

  it('Timeout and Aborted, for queued and for running calls', async () => {
    const ctx = await makeService(faultWorker, { readers: 1 });
    const s = ctx.service;
    try {
      await s.create({ id: 't', content: 'x' });
      const faults = workerFaults(s);
      await waitFor('the reader started', () => faults.allReady());
      await Promise.all([faults.stall('reader', 0, 1500), faults.stall('writer', 0, 1500)]);
      expect(await kindOf(s.with({ timeoutMs: 50 }).getVersion('t', 1))).toBe('Timeout');
      expect(await kindOf(s.with({ timeoutMs: 50 }).update('t', { content: 'late' }))).toBe('Timeout');
      const ac = new AbortController();
      const pending = s.with({ signal: ac.signal }).versions('t');
      const pendingWrite = s.with({ signal: ac.signal }).update('t', { content: 'aborted' });
      ac.abort();
      expect(await kindOf(pending)).toBe('Aborted');
      expect(await kindOf(pendingWrite)).toBe('Aborted');
      expect(await kindOf(s.with({ signal: ac.signal }).count())).toBe('Aborted');
      // The service still works once the threads are free again.
      expect((await s.getVersion('t', 1)).content).toBe('x');
      const st = await s.stats();
      expect(st.service.rejected.timeout).toBeGreaterThanOrEqual(2);
      expect(st.service.rejected.aborted).toBeGreaterThanOrEqual(3);
    } finally {
      await ctx.cleanup();
    }
  });

  it('close() drains what was accepted, then every call gets Closed', async () => {
    const ctx = await makeService(worker);
    const s = ctx.service;
    const writes = Array.from({ length: 20 }, (_, i) => s.create({ id: `c-${i}`, content: String(i) }));
    const closing = s.close();
    expect(await kindOf(s.get('c-0'))).toBe('Closed');
    expect(await kindOf(s.create({ id: 'late', content: '' }))).toBe('Closed');
    const settled = await Promise.allSettled(writes);
    expect(settled.every((r) => r.status === 'fulfilled')).toBe(true);
    await closing;
    expect(s.close()).toBe(closing);
    expect(await kindOf(s.stats())).toBe('Closed');
    expect(await kindOf(s.with({ timeoutMs: 5 }).count())).toBe('Closed');
    const v = Vault.openSync(ctx.path, { key: { rawKey: ctx.key } });
    try {
      expect(v.count()).toBe(20);
    } finally {
      v.close();
    }
    await ctx.cleanup();
  });

  it('WrongKey from open, NotFound for a missing vault, passphrases stretched once in the main thread', async () => {
    const { dir, cleanup } = tempDir('docvault-svc-');
    try {
      const path = join(dir, 'p.dvault');
      const s = await StorageService.create(path, { key: { passphrase: 'correct horse', kdfProfile: 2 }, workerPath: worker(), readers: 1 });
      await s.create({ id: 'p', content: 'secret' });
      await s.close();
      expect(await kindOf(StorageService.open(path, { key: { passphrase: 'wrong', kdfProfile: 2 }, workerPath: worker() }))).toBe('WrongKey');
      expect(await kindOf(StorageService.open(path, { key: { rawKey: hexKey() }, workerPath: worker() }))).toBe('WrongKey');
      expect(await kindOf(StorageService.open(join(dir, 'none.dvault'), { key: { rawKey: hexKey() }, workerPath: worker() }))).toBe('NotFound');
      const again = await StorageService.open(path, { key: { passphrase: 'correct horse' }, workerPath: worker() });
      expect((await again.get('p')).content).toBe('secret');
      await again.close();
    } finally {
      cleanup();
    }
  });

  it('a clear error when the worker bundle is missing', async () => {
    const { dir, cleanup } = tempDir('docvault-svc-');
    try {
      const err = await StorageService.create(join(dir, 'x.dvault'), { key: { encryption: false }, workerPath: join(dir, 'missing.mjs') }).catch((e: unknown) => e);
      expect(String((err as Error).message)).toMatch(/build:node/);
    } finally {
      cleanup();
    }
  });
});

// On a service of its own: a reader's FTS5 check after this burst can report the search index damaged when it
// is not (seen on the base too; reported), and that reader would then fail the next test's verify.
describe('StorageService group commit totals', () => {
  it('a group whose batch rolls back after counting keeps the totals exact (written once per group commit)', async () => {
    const ctx = await makeService(worker);
    const s = ctx.service;
    try {
      const count0 = await s.count();
      const notes0 = await s.count({ type: 'tp-note' });
      const before = (await s.stats()).service.groupCommit;
      const results = await Promise.allSettled([
        ...Array.from({ length: 30 }, (_, i) => s.create({ id: `tp-a-${i}`, content: String(i), type: 'tp-note', tags: ['tp-red'] })),
        // Its first op is counted inside the batch's savepoint before the second fails: the savepoint takes it back.
        s.batch([
          { op: 'create', args: [{ id: 'tp-rolled', content: 'r', type: 'tp-note', tags: ['tp-red', 'tp-blue'] }] },
          { op: 'create', args: [{ id: 'tp-a-0', content: 'dup' }] },
        ]),
        ...Array.from({ length: 30 }, (_, i) => s.create({ id: `tp-b-${i}`, content: String(i), type: 'tp-task' })),
      ]);
      const after = (await s.stats()).service.groupCommit;
      expect(after.commits - before.commits).toBe(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(await s.exists('tp-rolled')).toBe(false);
      expect(await s.count()).toBe(count0 + 60);
      expect(await s.count({ type: 'tp-note' })).toBe(notes0 + 30);
      expect(await s.count({ tag: 'tp-red' })).toBe(30);
      expect(await s.count({ tag: 'tp-blue' })).toBe(0);
      expect((await s.stats()).byType['tp-task']).toBe(30);
      // The recount of every total from the heads agrees.
      const report = await s.verify();
      expect(report.problems).toEqual([]);
      // The engine's full verify on a fresh connection, the search index's check included.
      await s.close();
      const v = Vault.openSync(ctx.path, { key: { rawKey: ctx.key } });
      try {
        expect(v.verify().problems).toEqual([]);
      } finally {
        v.close();
      }
    } finally {
      await ctx.cleanup();
    }
  });
});
