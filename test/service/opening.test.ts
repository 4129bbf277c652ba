/**
 * StorageService.open answers its first reads from a read-only connection in the calling thread while the
 * writer thread starts (src/main/storage/service/opening-reads.ts), then hands every call to the threads.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, StorageService, Vault } from '../../src/main/storage';
import { MIGRATION_PHASE, type Progress } from '../../src/shared/types';
import { workerFaults } from '../helpers/worker-faults';
import { copySchema1, SCHEMA1_IDS } from '../helpers/fixture';
import { hexKey, tempDir } from '../helpers/tmp';
import { kindOf, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A closed vault with documents a and b, and its key. */
function vaultWithDocs(): { path: string; key: string } {
  const { dir, cleanup } = tempDir('docvault-opening-');
  cleanups.push(cleanup);
  const key = hexKey();
  const path = join(dir, 'v.dvault');
  const v = Vault.createSync(path, { key: { rawKey: key } });
  v.create({ id: 'a', content: 'one', tags: ['t'] });
  v.create({ id: 'b', content: 'two' });
  v.close();
  return { path, key };
}

async function open(path: string, key: string): Promise<StorageService> {
  const s = await StorageService.open(path, { key: { rawKey: key }, workerPath: worker() });
  cleanups.push(() => s.close());
  return s;
}

describe('StorageService.open: reads before the writer thread is up', () => {
  it('answers reads in the calling thread while the writer starts, then on the threads; writes wait for the writer', async () => {
    const { path, key } = vaultWithDocs();
    const s = await open(path, key);
    const faults = workerFaults(s);
    // Sent at once after open: the writer thread cannot have started yet (it takes far longer than this).
    const [a, list, count, missing, written] = await Promise.all([
      s.get('a'),
      s.list({ sort: 'updated', limit: 10 }),
      s.count({ tag: 't' }),
      kindOf(s.get('nope')),
      s.update('b', { content: 'two, edited' }),
    ]);
    expect(a.content).toBe('one');
    expect(list.items.map((d) => d.id).sort()).toEqual(['a', 'b']);
    expect(count).toBe(1);
    expect(missing).toBe('NotFound');
    expect(written.version).toBe(2);
    expect(faults.answeredWhileOpening()).toBeGreaterThan(0);
    expect((await s.get('b')).content).toBe('two, edited');
    const answeredHere = faults.answeredWhileOpening();
    await waitFor('every worker is up', () => faults.allReady());
    await s.get('b');
    await s.versions('a');
    expect(faults.answeredWhileOpening()).toBe(answeredHere);
  });

  it('stats() and refresh() right after open wait for the writer instead of failing', async () => {
    const { path, key } = vaultWithDocs();
    const s = await open(path, key);
    const st = await s.stats();
    expect(st.documents).toBe(2);
    await s.refresh();
  });

  it('a document changed by another process while the writer started is not served from the cache afterwards', async () => {
    const { path, key } = vaultWithDocs();
    const s = await open(path, key);
    expect((await s.get('a')).content).toBe('one');
    // Another process writes: before or after the writer thread opened, depending on the machine.
    const other = Vault.openSync(path, { key: { rawKey: key } });
    other.update('a', { content: 'changed outside' });
    other.close();
    await waitFor('the writer is up', () => workerFaults(s).writerReady());
    await s.refresh();
    expect((await s.get('a')).content).toBe('changed outside');
  });

  it('closed right after open: the writer still closes last, so no -wal or -shm is left', async () => {
    const { path, key } = vaultWithDocs();
    const s = await StorageService.open(path, { key: { rawKey: key }, workerPath: worker() });
    await s.get('a');
    await s.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    expect(await kindOf(s.get('a'))).toBe('Closed');
  });

  it('a wrong key still fails open with WrongKey', async () => {
    const { path } = vaultWithDocs();
    expect(await kindOf(StorageService.open(path, { key: { rawKey: hexKey() }, workerPath: worker() }))).toBe('WrongKey');
  });

  it('a vault that needs migrating is opened (and migrated) by the writer before open resolves: nothing is read from the old schema', async () => {
    const f = copySchema1();
    cleanups.push(f.cleanup);
    const s = await open(f.path, f.key);
    expect(workerFaults(s).writerReady()).toBe(true);
    const id = SCHEMA1_IDS[0] as string;
    expect((await s.get(id)).id).toBe(id);
    expect(workerFaults(s).answeredWhileOpening()).toBe(0);
    expect((await s.verify()).ok).toBe(true);
  });

  it("reports the writer's schema upgrade through onMigration, all done before open resolves; a current vault reports nothing", async () => {
    const f = copySchema1();
    cleanups.push(f.cleanup);
    const seen: Progress[] = [];
    const s = await StorageService.open(f.path, { key: { rawKey: f.key }, workerPath: worker(), onMigration: (p) => seen.push(p) });
    cleanups.push(() => s.close());
    const steps = SCHEMA_VERSION - 1;
    expect(seen[0]).toEqual({ done: 0, total: steps, phase: MIGRATION_PHASE });
    expect(seen.at(-1)).toEqual({ done: steps, total: steps, phase: MIGRATION_PHASE });
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.done).toBeGreaterThanOrEqual(seen[i - 1]?.done ?? 0);
    await s.close();
    const again: Progress[] = [];
    const s2 = await StorageService.open(f.path, { key: { rawKey: f.key }, workerPath: worker(), onMigration: (p) => again.push(p) });
    cleanups.push(() => s2.close());
    await s2.get(SCHEMA1_IDS[0] as string);
    expect(again).toEqual([]);
  });
});
