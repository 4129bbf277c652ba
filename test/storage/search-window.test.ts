/**
 * The search ranking window: past `searchRankWindow` matches, the newest window of matches is ranked by
 * bm25 first, then the next; paging walks every match once; `rankAll` ranks them all; filters and the
 * Trash apply before the windows are cut; a bad window option is refused before anything is opened.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault, type VaultOptions } from '../../src/main/storage';
import type { SearchHit, SearchPage, SearchQuery } from '../../src/shared/search';
import { hexKey, makeVault, tempDir } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function vaultWith(opts: Partial<VaultOptions> = {}): Vault {
  const made = makeVault(opts);
  cleanups.push(made.cleanup);
  return made.vault;
}

/**
 * Twelve documents with "apple", created m0 … m11 (so m11 is the newest), each with its own mix of
 * repetitions and length so bm25 tells most apart; m2 and m6 are the same text (a tie, broken by age).
 * Every third is a task, the others notes; tags alternate. Plus documents without the word.
 */
function seed(v: Vault, matches = 12): void {
  const filler = ['pear', 'plum', 'fig', 'kiwi', 'lime'];
  for (let i = 0; i < matches; i++) {
    const reps = [1, 3, 2, 1, 4, 2, 2, 1, 3, 5, 1, 2][i] ?? 1;
    const pad = i === 6 ? 2 : i;
    v.create({
      id: `m${i}`,
      title: `document ${i}`,
      content: `${'apple '.repeat(reps)}${filler.slice(0, pad % 5).join(' ')} ${'words '.repeat(pad)}`,
      type: i % 3 === 0 ? 'task' : 'note',
      tags: i % 2 === 0 ? ['even'] : ['odd', ...(i % 4 === 1 ? ['four'] : [])],
    });
    v.create({ id: `other${i}`, title: 'unrelated', content: 'nothing to see', type: 'task', tags: ['even'] });
  }
}

/** Creation number of a seeded id (m7 → 7): its age order. */
const age = (h: Pick<SearchHit, 'id'>): number => Number(h.id.slice(1));

/** What the window should give, computed from the exact ranking: newest first, cut into windows, each best first (ties: older first). */
function expectedWindowOrder(exact: readonly SearchHit[], window: number): string[] {
  const newest = [...exact].sort((a, b) => age(b) - age(a));
  const out: string[] = [];
  for (let at = 0; at < newest.length; at += window) {
    const w = newest.slice(at, at + window).sort((a, b) => b.score - a.score || age(a) - age(b));
    out.push(...w.map((h) => h.id));
  }
  return out;
}

/** Every page of `query`, `limit` at a time, following nextOffset. */
function allPages(v: Vault, query: SearchQuery, limit: number): SearchPage[] {
  const pages: SearchPage[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page = v.search({ ...query, limit, offset });
    pages.push(page);
    offset = page.nextOffset;
  }
  return pages;
}

describe('search ranking window', () => {
  it('ranks the newest window of matches first, then the next, and says so', () => {
    const v = vaultWith({ searchRankWindow: 5 });
    seed(v);
    const exact = v.search({ query: 'apple', rankAll: true, limit: 100 }).items;
    expect(exact).toHaveLength(12);
    const want = expectedWindowOrder(exact, 5);
    // The windows change the order: otherwise this test would prove nothing.
    expect(want).not.toEqual(exact.map((h) => h.id));

    const first = v.search({ query: 'apple', limit: 5 });
    expect(first.items.map((h) => h.id)).toEqual(want.slice(0, 5));
    expect(new Set(first.items.map(age))).toEqual(new Set([11, 10, 9, 8, 7]));
    // The page reads one hit past itself (is there a next page?): the first of window 1, whose read of
    // 5 + 1 says that 11 match at least.
    expect(first.ranking).toEqual({ window: 5, matchesAtLeast: 11, allCounted: false });
    expect(first.nextOffset).toBe(5);
    expect(v.search({ query: 'apple', limit: 3 }).ranking).toEqual({ window: 5, matchesAtLeast: 6, allCounted: false });

    const whole = v.search({ query: 'apple', limit: 100 });
    expect(whole.items.map((h) => h.id)).toEqual(want);
    expect(whole.ranking).toEqual({ window: 5, matchesAtLeast: 12, allCounted: true });
    expect(whole.nextOffset).toBeNull();
    // The scores are bm25's whatever the window: the same as ranking everything gives.
    const scoreOf = new Map(exact.map((h) => [h.id, h.score]));
    for (const h of whole.items) expect(h.score).toBe(scoreOf.get(h.id));
  });

  it('pages with a small limit walk every match exactly once, across window boundaries', () => {
    const v = vaultWith({ searchRankWindow: 5 });
    seed(v);
    const want = expectedWindowOrder(v.search({ query: 'apple', rankAll: true, limit: 100 }).items, 5);
    const pages = allPages(v, { query: 'apple' }, 3);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 3, 3]);
    expect(pages.flatMap((p) => p.items.map((h) => h.id))).toEqual(want);
    // Offset 3 straddles windows 0 and 1: the end of one, then the best of the next.
    expect(pages[1]?.items.map((h) => h.id)).toEqual([want[3], want[4], want[5]]);
    expect(pages.map((p) => p.ranking)).toEqual([
      { window: 5, matchesAtLeast: 6, allCounted: false },
      { window: 5, matchesAtLeast: 11, allCounted: false },
      { window: 5, matchesAtLeast: 11, allCounted: false },
      { window: 5, matchesAtLeast: 12, allCounted: true },
    ]);
    // Past the end: nothing, and no claim about the ranking.
    const past = v.search({ query: 'apple', offset: 12 });
    expect(past.items).toEqual([]);
    expect(past.nextOffset).toBeNull();
  });

  it('rankAll ranks every match by bm25, pages included, and has no ranking field', () => {
    const v = vaultWith({ searchRankWindow: 5 });
    seed(v);
    const exact = v.search({ query: 'apple', rankAll: true, limit: 100 });
    expect(exact.ranking).toBeUndefined();
    expect('ranking' in exact).toBe(false);
    const scores = exact.items.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The same order as a vault whose window holds every match (the default, 10,000).
    const big = vaultWith();
    seed(big);
    expect(exact.items.map((h) => h.id)).toEqual(big.search({ query: 'apple', limit: 100 }).items.map((h) => h.id));
    const paged = allPages(v, { query: 'apple', rankAll: true }, 5);
    expect(paged.flatMap((p) => p.items.map((h) => h.id))).toEqual(exact.items.map((h) => h.id));
    expect(paged.every((p) => p.ranking === undefined)).toBe(true);
  });

  it('a query with at most window matches is ranked exactly, with no ranking field; one more and the window applies', () => {
    const v = vaultWith({ searchRankWindow: 5 });
    seed(v, 5);
    const exact = v.search({ query: 'apple', rankAll: true }).items.map((h) => h.id);
    const page = v.search({ query: 'apple' });
    expect(page.items.map((h) => h.id)).toEqual(exact);
    expect('ranking' in page).toBe(false);
    // A page deeper than the first still ranks all five together.
    expect(v.search({ query: 'apple', limit: 2, offset: 2 }).items.map((h) => h.id)).toEqual(exact.slice(2, 4));
    v.create({ id: 'm5', title: 'late', content: 'apple apple apple apple apple apple' });
    expect(v.search({ query: 'apple', limit: 2 }).ranking).toEqual({ window: 5, matchesAtLeast: 6, allCounted: false });
    expect(v.search({ query: 'apple' }).ranking).toEqual({ window: 5, matchesAtLeast: 6, allCounted: true });
    // The newcomer is in the newest window, m0 (the oldest) alone in the next.
    expect(v.search({ query: 'apple' }).items.map((h) => h.id).at(-1)).toBe('m0');
  });

  it('filters (type, tags any and all) apply before the windows are cut', () => {
    const v = vaultWith({ searchRankWindow: 2 });
    seed(v);
    const cases: { filter: Partial<SearchQuery>; keep: (n: number) => boolean }[] = [
      { filter: { type: 'task' }, keep: (n) => n % 3 === 0 },
      { filter: { tags: ['even'] }, keep: (n) => n % 2 === 0 },
      { filter: { tags: ['even', 'four'] }, keep: (n) => n % 2 === 0 || n % 4 === 1 },
      { filter: { tags: ['odd', 'four'], tagMode: 'all' }, keep: (n) => n % 4 === 1 },
      { filter: { type: 'note', tags: ['odd'] }, keep: (n) => n % 3 !== 0 && n % 2 === 1 },
    ];
    // A prefix query takes the plan that gathers the candidates first; a word with few matches checks each match.
    for (const query of ['apple', 'appl*'])
      for (const { filter, keep } of cases) {
        const exact = v.search({ query, ...filter, rankAll: true, limit: 100 }).items;
        expect(exact.map(age).sort((a, b) => a - b)).toEqual([...Array(12).keys()].filter(keep));
        const page = v.search({ query, ...filter, limit: 100 });
        expect(page.items.map((h) => h.id), `${query} ${JSON.stringify(filter)}`).toEqual(expectedWindowOrder(exact, 2));
        expect(page.ranking).toEqual({ window: 2, matchesAtLeast: exact.length, allCounted: true });
        expect(allPages(v, { query, ...filter }, 3).flatMap((p) => p.items.map((h) => h.id))).toEqual(expectedWindowOrder(exact, 2));
      }
  });

  it('trashed documents never appear and do not take a place in a window', () => {
    const v = vaultWith({ searchRankWindow: 5 });
    seed(v);
    v.delete('m11');
    v.delete('m4');
    const exact = v.search({ query: 'apple', rankAll: true, limit: 100 }).items;
    expect(exact.map((h) => h.id)).not.toContain('m11');
    const first = v.search({ query: 'apple', limit: 5 });
    expect(new Set(first.items.map(age))).toEqual(new Set([10, 9, 8, 7, 6]));
    const all = allPages(v, { query: 'apple' }, 4).flatMap((p) => p.items.map((h) => h.id));
    expect(all).toEqual(expectedWindowOrder(exact, 5));
    expect(all).not.toContain('m4');
    v.undelete('m11');
    expect(v.search({ query: 'apple', limit: 5 }).items.map(age)).toContain(11);
  });

  it('refuses a bad rankAll and a bad window option with Invalid, before a file is made', () => {
    const v = vaultWith({ searchRankWindow: 5 });
    seed(v, 1);
    expect(() => v.search({ query: 'apple', rankAll: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'rankAll' } }));
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '10' as unknown as number]) {
      const path = join(dir, `bad-${String(bad)}.dvault`);
      expect(() => Vault.createSync(path, { key: { rawKey: hexKey() }, searchRankWindow: bad })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'searchRankWindow' } }));
      expect(existsSync(path)).toBe(false);
    }
    const path = join(dir, 'good.dvault');
    const key = hexKey();
    Vault.createSync(path, { key: { rawKey: key } }).close();
    expect(() => Vault.openSync(path, { key: { rawKey: key }, searchRankWindow: 0 })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    const opened = Vault.openSync(path, { key: { rawKey: key }, searchRankWindow: 1 });
    opened.close();
  });
});
