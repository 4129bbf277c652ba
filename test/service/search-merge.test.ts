/**
 * The search index's merges in the service's writer thread (engine/search-merge.ts): while 64 callers keep
 * the writer busy for over BUSY_MERGE_MS (10 s), it sets FTS5's automerge back to 4, so its group commits merge as they
 * did before schema step 15 (other callers wait behind each commit); once the writer idles, its merge steps
 * run and automerge is 0 again; searches find every document throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { BUSY_MERGE_MS } from '../../src/main/storage/engine/search-merge';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { openRaw } from '../helpers/raw-db';
import { makeService, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const CALLERS = 64;

describe('search merges in the service writer', () => {
  it('go back into commits while the writer is busy for over BUSY_MERGE_MS, and to idle steps once it idles', async () => {
    const ctx = await makeService(worker);
    cleanups.push(ctx.cleanup);
    const raw: Database.Database = openRaw(ctx.path, ctx.key);
    cleanups.unshift(() => raw.close());
    const automerge = () => raw.prepare("SELECT v FROM search_index_config WHERE k = 'automerge'").pluck().get();
    expect(automerge()).toBe(0);

    // Callers create documents until the switch is seen (bounded: a writer that never switches fails below).
    let seen4 = false;
    let created = 0;
    const deadline = Date.now() + BUSY_MERGE_MS + 20_000;
    const caller = async (c: number): Promise<void> => {
      for (let i = 0; !seen4 && Date.now() < deadline; i++) {
        await ctx.service.create({ id: `c${c}-${i}`, title: `ledger ${c} ${i}`, content: `entry ${i} from caller ${c}`, type: 'note' });
        created++;
      }
    };
    const watch = async (): Promise<void> => {
      while (!seen4 && Date.now() < deadline) {
        seen4 = automerge() === 4;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([...Array.from({ length: CALLERS }, (_, c) => caller(c)), watch()]);
    expect(seen4).toBe(true);

    // Idle now: the writer's steps run, then automerge is 0 again.
    await waitFor('automerge back to 0 after the writer idled', () => automerge() === 0, 30_000);
    expect(raw.prepare("SELECT count(*) FROM search_index WHERE search_index MATCH 'ledger'").pluck().get()).toBe(created);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect((await ctx.service.search({ query: 'ledger', limit: 5 })).items).toHaveLength(5);
    expect((await ctx.service.verify()).ok).toBe(true);
  });
});
