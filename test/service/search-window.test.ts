/** The search ranking window through the StorageService: the option reaches every thread that answers a search, and a bad one is refused before a file is made. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageService } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';
import { kindOf, makeService, useWorkerBundle } from './helpers';

const worker = useWorkerBundle();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('StorageService search ranking window', () => {
  it('searches with the window, before and after the readers are up, and ranks all on request', async () => {
    const made = await makeService(worker, { searchRankWindow: 3 });
    cleanups.push(made.cleanup);
    await made.service.bulkCreate(Array.from({ length: 7 }, (_, i) => ({ id: `d${i}`, title: 'note', content: `apple ${'apple '.repeat(i % 3)}` })));
    const page = await made.service.search({ query: 'apple', limit: 1 });
    expect(page.ranking).toEqual({ window: 3, matchesAtLeast: 4, allCounted: false });
    expect((await made.service.search({ query: 'apple', rankAll: true })).ranking).toBeUndefined();
    // Reopened: the first reads are answered by the opening connection while the workers start.
    await made.service.close();
    const again = await StorageService.open(made.path, { key: { rawKey: made.key }, workerPath: worker(), searchRankWindow: 3 });
    cleanups.push(() => again.close());
    const pages = await Promise.all([again.search({ query: 'apple' }), again.search({ query: 'apple', offset: 3, limit: 2 })]);
    expect(pages.map((p) => p.ranking?.window)).toEqual([3, 3]);
    expect(pages[0]?.items).toHaveLength(7);
  });

  it('refuses a bad window with Invalid before making or opening anything', async () => {
    const { dir, cleanup } = tempDir('docvault-svc-');
    cleanups.push(cleanup);
    const path = join(dir, 'bad.dvault');
    for (const key of [{ rawKey: hexKey() }, { passphrase: 'pass phrase', kdfProfile: 2 }] as const) {
      expect(await kindOf(StorageService.create(path, { key, workerPath: worker(), searchRankWindow: 0 }))).toBe('Invalid');
      expect(existsSync(path)).toBe(false);
    }
    const made = await makeService(worker);
    cleanups.push(made.cleanup);
    await made.service.close();
    expect(await kindOf(StorageService.open(made.path, { key: { rawKey: made.key }, workerPath: worker(), searchRankWindow: 2.5 }))).toBe('Invalid');
  });
});
