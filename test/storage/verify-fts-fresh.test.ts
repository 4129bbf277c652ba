/**
 * A deep verify on a connection whose FTS5 had read the search index before another connection rewrote it
 * (a reader of the service after a burst of writes): SQLite's check runs FTS5's without FTS5 looking for
 * other connections' commits, so verify first makes it see the index as the snapshot has it
 * (engine/verify-sqlite.ts: freshenSearchIndex). Without that, this reported "fts5: corruption found
 * reading blob" for a sound index.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { makeVault } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('verify deep on a connection whose FTS5 read the index before other writes', () => {
  it('no false Index problem, in one call and in chunks', () => {
    const { vault: writer, path, key, cleanup } = makeVault();
    cleanups.push(cleanup);
    const write = (from: number, n: number): void => {
      // Each its own commit, indexed at once (the writer's flush of its search queue is a commit of its own):
      // a new segment of the search index each, which FTS5 merges as they pile up.
      for (let i = from; i < from + n; i++) {
        writer.create({ id: `d${i}`, title: `note ${i}`, content: `words of note ${i} `.repeat(20) });
        writer.indexSearch();
      }
    };
    write(0, 6);
    const reader = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    cleanups.push(() => reader.close());
    // The reader's FTS5 keeps a copy of the index's structure: the segments of those six commits.
    expect(reader.search({ query: 'words' }).items.length).toBeGreaterThan(0);
    // Sixty more commits: those segments are merged away and their blobs deleted.
    write(6, 60);
    const deep = reader.verify(undefined, { deep: true });
    expect(deep.problems).toEqual([]);
    expect(deep.documents).toBe(66);
    // In chunks, SQLite's check of the FTS5 table runs on its own step: the same.
    write(66, 60);
    let r = reader.verify(undefined, { deep: true, maxMs: 0.000001 });
    while (r.next !== undefined) r = reader.verify(undefined, { maxMs: 0.000001, from: r.next });
    expect(r.problems).toEqual([]);
  });
});
