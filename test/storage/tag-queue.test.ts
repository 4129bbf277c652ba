/**
 * Tag rows queued (schema step "tag rows queued"): a write leaves `document_tags` alone and changes only the
 * running totals; the search queue's flush moves a queued document's rows (those of the version the index
 * holds out, the live head's in). A list or count that reads tag rows on the writer flushes first, so it is
 * exact; a read-only connection answers as of the last flush, never listing a document under a tag its head
 * lacks, nor a trashed one; its verify says why it left the tag rows uncompared. (That the flush reads only
 * the queued documents is search-queue.test.ts's.)
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import type { ListQuery } from '../../src/shared/types';
import { prng } from '../../bench/data';
import { plainVault as makePlain, queued } from '../helpers/plain-vault';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const plainVault = (opts: Parameters<typeof makePlain>[1] = {}): ReturnType<typeof makePlain> => makePlain(cleanups, opts);

/** The tag rows as "tag id@time" (a row of no document: "tag ?doc@time"), sorted. */
const rows = (raw: Database.Database): string[] =>
  raw
    .prepare("SELECT t.tag || ' ' || coalesce(d.id, '?' || t.doc) || '@' || t.updated_at FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE t.tag >= char(32) ORDER BY 1")
    .pluck()
    .all() as string[];
/** What the rows must be: each live head's tags at its updated_at. */
const headRows = (raw: Database.Database): string[] =>
  raw
    .prepare("SELECT j.value || ' ' || d.id || '@' || d.updated_at FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL ORDER BY 1")
    .pluck()
    .all() as string[];
/** Each tag's count of live heads carrying it. */
const headCounts = (raw: Database.Database): Record<string, number> =>
  Object.fromEntries(
    raw.prepare('SELECT j.value AS tag, count(*) AS n FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL GROUP BY 1').raw().all() as [string, number][],
  );
/** The ids a tag's pages list, followed by cursor (two per page), in list order. */
function listed(v: Vault, query: Omit<ListQuery, 'cursor' | 'limit'>): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    // A cursor that does not move on would loop forever: fail instead.
    if (ids.length > 500) throw new Error(`list ${JSON.stringify(query)}: more pages than documents`);
    const page = v.list({ ...query, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}
/** What a tag's list must be: its live heads, newest first. */
const expectedList = (raw: Database.Database, tag: string): string[] =>
  raw
    .prepare('SELECT d.id FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL AND j.value = ? ORDER BY d.updated_at DESC, d.doc DESC')
    .pluck()
    .all(tag) as string[];

describe('tag rows queued', () => {
  it('writes leave the tag rows and change the totals at once; a list by tag on the writer flushes first', () => {
    const { vault: v, raw } = plainVault();
    v.create({ id: 'a', content: 'a', tags: ['t', 'u'] });
    v.create({ id: 'b', content: 'b', tags: ['t'] });
    v.create({ id: 'c', content: 'c', tags: ['u'] });
    expect(rows(raw)).toEqual([]);
    v.indexSearch();
    expect(rows(raw)).toEqual(headRows(raw));
    const before = rows(raw);
    v.update('a', { tags: ['u', 'w'] });
    v.update('b', { content: 'b2' });
    v.delete('c');
    // The rows are those the index holds; the totals are the heads' already, without a flush.
    expect(rows(raw)).toEqual(before);
    expect(queued(raw)).toBe(3);
    expect([v.count({ tag: 't' }), v.count({ tag: 'u' }), v.count({ tag: 'w' })]).toEqual([1, 1, 1]);
    expect(queued(raw)).toBe(3);
    expect(listed(v, { tag: 'u' })).toEqual(['a']);
    expect(queued(raw)).toBe(0);
    expect(rows(raw)).toEqual(headRows(raw));
    expect(listed(v, { tag: 't' })).toEqual(['b']);
    expect(listed(v, { tag: 'w' })).toEqual(['a']);
    // A count that reads rows (a tag with another filter) flushes too.
    v.update('b', { tags: ['w'] });
    expect(v.count({ tag: 'w', type: '' })).toBe(2);
    expect(queued(raw)).toBe(0);
  });

  it('every write path leaves rows equal to the heads after a flush, and lists exact before one', () => {
    const { vault: v, raw } = plainVault();
    for (let i = 0; i < 8; i++) v.create({ id: `d${i}`, content: `c${i}`, tags: i % 2 === 0 ? ['even', 'all'] : ['odd', 'all'] });
    v.indexSearch();
    const steps: [string, () => void][] = [
      ['update, same tags', () => v.update('d0', { content: 'x' })],
      ['update, tags changed', () => v.update('d1', { tags: ['all', 'one'] })],
      ['update twice before a flush', () => (v.update('d2', { tags: ['two'] }), v.update('d2', { tags: ['two', 'even'] }))],
      ['restore', () => v.restore('d1', 1)],
      ['trash', () => v.delete('d3')],
      ['trash, then back', () => (v.delete('d4'), v.undelete('d4'))],
      ['back after a flush', () => (v.delete('d5'), v.indexSearch(), v.undelete('d5'))],
      ['update, then purge', () => (v.update('d6', { tags: ['gone'] }), v.purge('d6'))],
      ['trash, then purge before a flush', () => (v.update('d7', { tags: ['seven'] }), v.delete('d7'), v.purge('d7'))],
      ['bulkPut new and existing', () => v.bulkPut([{ id: 'd0', content: 'y', tags: ['bulk'] }, { id: 'n1', content: 'n', tags: ['bulk', 'all'] }])],
      ['bulkDelete', () => v.bulkDelete(['n1', 'd0'])],
      ['emptyTrash with a trashed document queued', () => (v.undelete('d3'), v.indexSearch(), v.delete('d3'), v.emptyTrash())],
      ['emptyTrash with one updated, then trashed', () => (v.create({ id: 'e1', content: 'e', tags: ['three'] }), v.indexSearch(), v.update('e1', { tags: ['gone'] }), v.delete('e1'), v.emptyTrash())],
    ];
    for (const [what, step] of steps) {
      step();
      const tags = Object.keys(headCounts(raw)).concat('gone', 'seven', 'three');
      // Exact before a flush: the totals at once, the lists because the writer flushes first.
      for (const tag of tags) expect([what, tag, v.count({ tag })]).toEqual([what, tag, headCounts(raw)[tag] ?? 0]);
      const before = queued(raw);
      v.indexSearch();
      expect([what, rows(raw)]).toEqual([what, headRows(raw)]);
      if (before > 0) v.update('d5', { content: `again ${what}` });
      for (const tag of tags) expect([what, tag, listed(v, { tag })]).toEqual([what, tag, expectedList(raw, tag)]);
    }
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a read-only connection lists as of the last flush: never under a tag its head lacks, nor trashed; its verify says why', () => {
    const { vault: v, path, raw } = plainVault();
    v.create({ id: 'a', content: 'a', tags: ['t'] });
    v.create({ id: 'b', content: 'b', tags: ['t'] });
    v.indexSearch();
    v.update('a', { tags: ['x'] });
    v.delete('b');
    const reader = Vault.openSync(path, { key: { encryption: false }, readonly: true });
    cleanups.unshift(() => reader.close());
    // Both of t's rows are still there (raw), but neither is listed: a's head moved on, b is in the Trash.
    expect(raw.prepare("SELECT count(*) FROM document_tags WHERE tag = 't'").pluck().get()).toBe(2);
    expect(listed(reader, { tag: 't' })).toEqual([]);
    expect(listed(reader, { tag: 't', sort: 'created' })).toEqual([]);
    expect(listed(reader, { tag: 'x' })).toEqual([]);
    expect(reader.count({ tag: 'x' })).toBe(1);
    const r = reader.verify();
    expect(r).toMatchObject({ ok: true, problems: [] });
    expect(r.skipped).toMatch(/tag rows against the documents: 2 document\(s\) were waiting/);
    v.indexSearch();
    reader.refresh();
    expect(listed(reader, { tag: 'x' })).toEqual(['a']);
    expect(listed(reader, { tag: 't' })).toEqual([]);
    const after = reader.verify();
    expect(after).toMatchObject({ ok: true, problems: [] });
    expect(after.skipped ?? '').not.toMatch(/tag rows/);
  });

  it('a verify on the writer flushes first and compares the rows: a row removed behind its back is found', () => {
    const { vault: v, raw } = plainVault();
    v.bulkCreate(Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, content: `${i}`, tags: ['k'] })));
    expect(rows(raw)).toEqual([]);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    expect(rows(raw)).toHaveLength(10);
    raw.prepare("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd3')").run();
    v.refresh();
    const r = v.verify();
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/tag rows do not match/);
  });

  it('random writes, flushes and reads (fixed seed): the writer lists what the heads say, a reader never more, rows equal heads after a flush', () => {
    const { vault: v, path, raw } = plainVault();
    const reader = Vault.openSync(path, { key: { encryption: false }, readonly: true });
    cleanups.unshift(() => reader.close());
    const rand = prng(20261201);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const TAGS = ['a', 'b', 'c', 'd'];
    const tagsOf = (): string[] => TAGS.filter(() => rand() < 0.4);
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const state = (id: string): number | null | undefined =>
      raw.prepare('SELECT trashed_at FROM documents WHERE id = ?').pluck().get(id) as number | null | undefined;
    for (let step = 0; step < 400; step++) {
      const id = pick(ids);
      const s = state(id);
      const r = rand();
      if (s === undefined) v.create({ id, content: `${id} ${step}`, tags: tagsOf() });
      else if (s !== null) {
        if (r < 0.6) v.undelete(id);
        else if (r < 0.8) v.purge(id);
        else v.emptyTrash();
      } else if (r < 0.55) v.update(id, { tags: tagsOf() });
      else if (r < 0.7) v.update(id, { content: `${id} ${step}` });
      else if (r < 0.8) v.delete(id);
      else if (r < 0.85) v.restore(id, 1);
      else if (r < 0.9) v.purge(id);
      else v.bulkPut([{ id, content: `${id} bulk ${step}`, tags: tagsOf() }]);
      // Totals are exact after every write, flushed or not.
      for (const tag of TAGS) expect([step, tag, v.count({ tag })]).toEqual([step, tag, headCounts(raw)[tag] ?? 0]);
      // A reader (as of the last flush) never lists a document under a tag its head lacks, nor a trashed one.
      reader.refresh();
      for (const tag of TAGS) {
        const want = new Set(expectedList(raw, tag));
        for (const got of listed(reader, { tag })) expect([step, tag, got, want.has(got)]).toEqual([step, tag, got, true]);
      }
      if (rand() < 0.25) {
        // The writer's list flushes first: exact, in order; then the rows are the heads'.
        const tag = pick(TAGS);
        expect([step, tag, listed(v, { tag })]).toEqual([step, tag, expectedList(raw, tag)]);
        expect([step, rows(raw)]).toEqual([step, headRows(raw)]);
      }
    }
    v.indexSearch();
    expect(rows(raw)).toEqual(headRows(raw));
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
