/**
 * verify and the full-text index: an index that lacks a document (or holds one it should not) is reported
 * as an `Index` problem naming `search_index` at every depth; a damaged index (a page of its data deleted)
 * by the deep check (FTS5's own), in one call and in chunks; `rebuildSearchIndex()` repairs both; a
 * read-only vault says what its deep check could not make.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import type { VerifyReport } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';
import { withRawConnection } from '../helpers/tamper';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function setup(): ReturnType<typeof makeVault> {
  const made = makeVault();
  cleanups.push(made.cleanup);
  made.vault.bulkCreate(Array.from({ length: 200 }, (_, i) => ({ id: `d${i}`, title: `Note ${i}`, content: `ledger entry ${i} for the garden budget`, tags: [`t${i % 4}`] })));
  made.vault.create({ id: 'lone', content: 'a quince marmalade recipe' });
  // The writes' queue indexed (engine/search-queue.ts): the raw edits below alter an index that holds every document.
  made.vault.indexSearch();
  return made;
}

/** Runs verify in chunks of `maxMs` until done; returns the last report. */
function chunked(v: Vault, maxMs: number, deep?: boolean): VerifyReport {
  let from: string | undefined;
  for (;;) {
    const r = v.verify(undefined, { maxMs, ...(from !== undefined ? { from } : deep !== undefined ? { deep } : {}) });
    if (r.next === undefined) return r;
    from = r.next;
  }
}

const indexProblems = (r: VerifyReport): unknown[] => r.problems.filter((p) => p.kind === 'Index');

describe('verify and the search index', () => {
  it('a healthy vault: no problem, nothing skipped, in one call and in chunks', () => {
    const { vault } = setup();
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
    expect(vault.verify().skipped).toBeUndefined();
    expect(chunked(vault, 0.000001)).toMatchObject({ ok: true, problems: [] });
    expect(vault.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
    expect(chunked(vault, 0.000001, true)).toMatchObject({ ok: true, problems: [] });
  });

  it('a deleted page of the index data: deep, an Index problem naming search_index; rebuild repairs it', () => {
    const { vault, path, key } = setup();
    withRawConnection(path, key, (db) => {
      // The shadow tables are guarded against SQL writes: only a raw edit (or a disk fault) gets here.
      db.unsafeMode(true);
      const n = db.prepare('DELETE FROM search_index_data WHERE id = (SELECT max(id) FROM search_index_data)').run().changes;
      expect(n).toBe(1);
    });
    vault.refresh();
    const whole = vault.verify(undefined, { deep: true });
    expect(whole.ok).toBe(false);
    expect(indexProblems(whole)).not.toEqual([]);
    expect(whole.problems.every((p) => p.kind === 'Index' && p.index === 'search_index' && p.message.includes('search_index'))).toBe(true);
    const inChunks = chunked(vault, 0.000001, true);
    expect(inChunks.ok).toBe(false);
    expect(indexProblems(inChunks)).not.toEqual([]);
    expect(inChunks.problems.every((p) => p.kind === 'Index')).toBe(true);

    vault.rebuildSearchIndex();
    expect(vault.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
    expect(vault.search({ query: 'quince' }).items.map((h) => h.id)).toEqual(['lone']);
  });

  it('an index that lacks a document (an entry removed): found at every depth, in chunks too, repaired by rebuild', () => {
    const { vault, path, key } = setup();
    withRawConnection(path, key, (db) => {
      // FTS5's own 'delete' command: the index stays well formed, it just lacks the document.
      db.prepare(
        "INSERT INTO search_index (search_index, rowid, title, content) SELECT 'delete', d.doc, v.title, v.content FROM versions v JOIN documents d ON v.vid = d.doc * 16777216 + d.version WHERE d.id = 'lone'",
      ).run();
    });
    vault.refresh();
    expect(vault.search({ query: 'quince' }).items).toEqual([]);
    const r = vault.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'Index', index: 'search_index', message: expect.stringMatching(/does not match.*1 live document/) })]);
    // Every chunk one page of a few rows: the comparison is resumed between pages.
    expect(chunked(vault, 0.000001).problems).toEqual(r.problems);
    expect(vault.verify(undefined, { deep: true }).problems).toEqual([expect.objectContaining({ kind: 'Index', message: expect.stringMatching(/does not match the documents' text/) })]);
    vault.rebuildSearchIndex();
    expect(vault.search({ query: 'quince' }).items.map((h) => h.id)).toEqual(['lone']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('read-only: deep, the comparison with the text is skipped and the report says so; rebuild is refused', async () => {
    const { vault, path, key } = setup();
    vault.close();
    const ro = await Vault.open(path, { key: { rawKey: key }, readonly: true });
    cleanups.push(() => ro.close());
    expect(ro.verify()).toMatchObject({ ok: true, problems: [] });
    expect(ro.verify().skipped).toBeUndefined();
    const r = ro.verify(undefined, { deep: true });
    expect(r.ok).toBe(true);
    expect(r.skipped).toMatch(/search index against its text/);
    expect(() => ro.rebuildSearchIndex()).toThrow(expect.objectContaining({ kind: 'Invalid' }));
  });
});
