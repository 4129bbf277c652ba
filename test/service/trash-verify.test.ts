/** The Trash and chunked verify through the service: the same calls as the engine, and a cache that stays exact across them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeService, useWorkerBundle } from './helpers';

const worker = useWorkerBundle();

async function errorOf(p: Promise<unknown>): Promise<{ kind?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { kind?: string; details?: Record<string, unknown> };
  }
  return { kind: 'no error' };
}

describe('StorageService: trash', () => {
  let ctx: Awaited<ReturnType<typeof makeService>>;
  beforeAll(async () => {
    ctx = await makeService(worker);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('delete, listTrash, undelete, purge and emptyTrash, with the cache exact after each', async () => {
    const s = ctx.service;
    const a = await s.create({ id: 'a', content: 'one', tags: ['x'] });
    await s.create({ id: 'b', content: 'two' });
    await s.create({ id: 'c', content: 'three' });
    expect(await s.get('a')).toEqual(a); // cached in the service
    expect(await s.exists('a')).toBe(true);

    await s.delete('a');
    expect(await errorOf(s.get('a'))).toMatchObject({ kind: 'NotFound', details: { trashed: true } });
    expect(await s.exists('a')).toBe(false);
    const trash = await s.listTrash();
    expect(trash.total).toBe(1);
    expect(trash.items.map((d) => d.id)).toEqual(['a']);
    expect(await s.count()).toBe(2);
    expect(await errorOf(s.create({ id: 'a', content: 'new' }))).toMatchObject({ kind: 'AlreadyExists', details: { reason: 'trashed' } });

    // undelete: the service caches the document it returns, and exists() must say true again.
    expect(await s.exists('a')).toBe(false);
    expect(await s.undelete('a')).toEqual(a);
    expect(await s.exists('a')).toBe(true);
    expect(await s.get('a')).toEqual(a);
    expect((await s.list({ tag: 'x' })).items.map((d) => d.id)).toEqual(['a']);

    // purge of a cached live document.
    await s.get('b');
    await s.purge('b');
    expect(await errorOf(s.get('b'))).toMatchObject({ kind: 'NotFound' });
    expect(await s.exists('b')).toBe(false);
    expect(await errorOf(s.purge('b'))).toMatchObject({ kind: 'NotFound' });

    await s.delete('a');
    await s.delete('c');
    expect(await s.emptyTrash()).toBe(2);
    expect(await s.exists('a')).toBe(false);
    expect(await errorOf(s.undelete('a'))).toMatchObject({ kind: 'NotFound' });
    expect(await s.listTrash()).toEqual({ items: [], total: 0 });
    expect((await s.stats()).documents).toBe(0);
  });

  it('trash calls run inside a batch and through with()', async () => {
    const s = ctx.service;
    await s.create({ id: 'k', content: 'k' });
    const [, undeleted] = await s.batch([
      { op: 'delete', args: ['k'] },
      { op: 'undelete', args: ['k'] },
    ] as const);
    expect(undeleted.content).toBe('k');
    expect(await s.get('k')).toEqual(undeleted);
    await s.with({ timeoutMs: 5000 }).delete('k');
    expect((await s.with({ timeoutMs: 5000 }).listTrash({ limit: 1 })).items.map((d) => d.id)).toEqual(['k']);
    await s.with({ timeoutMs: 5000 }).purge('k');
    expect(await s.exists('k')).toBe(false);
  });
});

describe('StorageService: verify in chunks', () => {
  let ctx: Awaited<ReturnType<typeof makeService>>;
  beforeAll(async () => {
    ctx = await makeService(worker);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('passes the chunk options to the reader and resumes from its token', async () => {
    const s = ctx.service;
    await s.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ id: `v${i}`, content: `c${i}` })));
    let from: string | undefined;
    let chunks = 0;
    let last;
    do {
      last = await s.verify(undefined, { maxMs: 0.000001, ...(from !== undefined ? { from } : {}) });
      from = last.next;
      chunks++;
    } while (from !== undefined);
    expect(chunks).toBeGreaterThan(10);
    expect(last).toMatchObject({ ok: true, documents: 50, problems: [] });
  });
});
