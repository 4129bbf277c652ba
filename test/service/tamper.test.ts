/**
 * Tamper detection through the service: a row altered by a second connection that holds the page key (not
 * the integrity key) must give `Integrity` to the service's callers, whether or not the document was in the
 * service's own cache before, and must not be served from that cache afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withRawConnection } from '../helpers/tamper';
import { kindOf, makeService, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function setup() {
  const ctx = await makeService(worker);
  cleanups.push(ctx.cleanup);
  const s = ctx.service;
  await s.bulkCreate(Array.from({ length: 4 }, (_, i) => ({ id: `d${i}`, content: `content ${i}`, title: `title ${i}` })));
  await s.update('d1', { content: 'content 1, second version' });
  return ctx;
}

function forgeTitle(path: string, key: string, id: string): void {
  withRawConnection(path, key, (db) => {
    const changed = db.prepare('UPDATE documents SET title = ? WHERE id = ?').run('forged title', id).changes;
    if (changed !== 1) throw new Error(`tamper: no row for ${id}`);
  });
}

function forgeContent(path: string, key: string, id: string): void {
  withRawConnection(path, key, (db) => {
    const changed = db.prepare("UPDATE versions SET content = 'forged' WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = ?)").run(id).changes;
    if (changed === 0) throw new Error(`tamper: no version rows for ${id}`);
  });
}

describe('tampered rows through the StorageService', () => {
  it('a cached document altered by another connection gives Integrity, not the cached copy', async () => {
    const { service: s, path, key } = await setup();
    expect((await s.get('d2')).title).toBe('title 2');
    // A cache hit now, which proves the next answer does not come from the cache.
    const hitsBefore = (await s.stats()).cache.hits;
    expect((await s.get('d2')).title).toBe('title 2');
    expect((await s.stats()).cache.hits).toBe(hitsBefore + 1);

    forgeTitle(path, key, 'd2');
    await s.refresh();
    expect(await kindOf(s.get('d2'))).toBe('Integrity');
    const items = await s.bulkGet(['d0', 'd2']);
    expect(items.map((i) => i.status)).toEqual(['ok', 'error']);
    expect(items[1]?.status === 'error' && items[1].error.kind).toBe('Integrity');
    // The other documents stay readable.
    expect((await s.get('d0')).content).toBe('content 0');
    expect((await s.get('d1')).content).toBe('content 1, second version');
  });

  it('an uncached document altered by another connection gives Integrity', async () => {
    const { service: s, path, key } = await setup();
    forgeContent(path, key, 'd3');
    await s.refresh();
    expect(await kindOf(s.get('d3'))).toBe('Integrity');
    expect(await kindOf(s.getVersion('d3', 1))).toBe('Integrity');
    // Still Integrity on the next call: a failed read never fills the cache.
    expect(await kindOf(s.get('d3'))).toBe('Integrity');
    const report = await s.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.id === 'd3')).toBe(true);
  });

  it('without refresh(), the writer notices the outside change by itself and the cache stops serving the old copy', async () => {
    const { service: s, path, key } = await setup();
    expect((await s.get('d1')).version).toBe(2);
    forgeTitle(path, key, 'd1');
    await waitFor('the altered document is reported', async () => (await kindOf(s.get('d1'))) === 'Integrity');
    expect((await s.stats()).service.externalChanges).toBeGreaterThanOrEqual(1);
    expect(await kindOf(s.get('d1'))).toBe('Integrity');
  });
});
