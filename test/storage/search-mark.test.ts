/**
 * The search mark (schema step "search mark", ../../src/main/storage/search-mark-schema.ts): a new document
 * waits for the index after the mark, without a queue row; whatever happens to it before the flush (updates,
 * the Trash and back, a purge), FTS5's own check stays exact, its tag rows stay absent, and the flush leaves
 * index and rows exact with the mark moved past it. A document that takes a number below the mark (after a
 * purge of the last ones) waits holding none. A mark row removed outside docvault leaves updates reaching the
 * index, never indexed twice; the repair's rebuild puts it back, and makes the tag rows again.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { MARK_CHUNK_END_SQL, MARK_FLUSH_SQL, SEARCH_MARK_KEY } from '../../src/main/storage/search-mark-schema';
import { INDEXED_SQL } from '../../src/main/storage/search-seq-schema';
import { plainVault, queued } from '../helpers/plain-vault';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const mark = (raw: Database.Database): number | undefined => raw.prepare(`SELECT n FROM counters WHERE key = '${SEARCH_MARK_KEY}'`).pluck().get() as number | undefined;
const queueRows = (raw: Database.Database): number => raw.prepare('SELECT count(*) FROM search_queue').pluck().get() as number;
const docOf = (raw: Database.Database, id: string): number => raw.prepare('SELECT doc FROM documents WHERE id = ?').pluck().get(id) as number;
const tagRows = (raw: Database.Database): unknown[] => raw.prepare('SELECT tag, updated_at, doc FROM document_tags WHERE tag >= char(32) ORDER BY 1, 2, 3').all();
const headRows = (raw: Database.Database): unknown[] =>
  raw.prepare('SELECT DISTINCT j.value AS tag, d.updated_at, d.doc FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL ORDER BY 1, 2, 3').all();
const hits = (v: Vault, query: string): string[] => v.search({ query, limit: 1000, rankAll: true }).items.map((h) => h.id).sort();
const byTag = (v: Vault, tag: string): string[] => v.list({ tag, limit: 200 }).items.map((d) => d.id).sort();

describe('search mark', () => {
  it('a create leaves no queue row: it waits after the mark, and the flush indexes it and moves the mark', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.create({ id: 'a', content: 'apple quince', tags: ['fruit'] });
    vault.indexSearch();
    const m = mark(raw) as number;
    expect(m).toBe(docOf(raw, 'a'));
    vault.create({ id: 'b', content: 'banana quince', tags: ['fruit'] });
    vault.bulkCreate([{ id: 'c', content: 'cherry quince', tags: ['fruit', 'red'] }]);
    expect(queueRows(raw)).toBe(0);
    expect(queued(raw)).toBe(2);
    expect(mark(raw)).toBe(m);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(tagRows(raw)).toHaveLength(1);
    expect(hits(vault, 'quince')).toEqual(['a', 'b', 'c']);
    expect(mark(raw)).toBe(docOf(raw, 'c'));
    expect(queued(raw)).toBe(0);
    expect(tagRows(raw)).toEqual(headRows(raw));
    expect(byTag(vault, 'fruit')).toEqual(['a', 'b', 'c']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('after the mark, every write before the flush leaves the index check exact and no tag rows; the flush makes both exact', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.create({ id: 'seen', content: 'indexed before', tags: ['t'] });
    vault.indexSearch();
    const paths: [string, () => void][] = [
      ['updated twice', () => {
        vault.create({ id: 'u', content: 'first walrus', tags: ['t'] });
        vault.update('u', { content: 'second walrus', tags: ['t', 'x'] });
        vault.update('u', { content: 'third walrus' });
      }],
      ['to the Trash', () => vault.create({ id: 'tr', content: 'trashed walrus', tags: ['t'] }) && vault.delete('tr')],
      ['to the Trash and back', () => {
        vault.create({ id: 'back', content: 'returned walrus', tags: ['t'] });
        vault.delete('back');
        vault.undelete('back');
      }],
      ['updated, then purged', () => {
        vault.create({ id: 'gone', content: 'purged walrus', tags: ['t'] });
        vault.update('gone', { content: 'purged walrus again' });
        vault.delete('gone');
        vault.purge('gone');
      }],
      ['emptied from the Trash', () => {
        vault.create({ id: 'emptied', content: 'emptied walrus', tags: ['t'] });
        vault.delete('emptied');
        vault.emptyTrash();
      }],
    ];
    for (const [label, write] of paths) {
      write();
      expect(queueRows(raw), label).toBe(0);
      expect(() => checkSearchIndex(raw), label).not.toThrow();
      expect(tagRows(raw), label).toEqual([{ tag: 't', updated_at: expect.any(Number), doc: docOf(raw, 'seen') }]);
    }
    expect(hits(vault, 'walrus')).toEqual(['back', 'u']);
    expect(hits(vault, 'first')).toEqual([]);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(tagRows(raw)).toEqual(headRows(raw));
    expect(byTag(vault, 'x')).toEqual(['u']);
    expect(byTag(vault, 't')).toEqual(['back', 'seen', 'u']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a document numbered below the mark (the last ones purged) waits holding none: its version is past the sequence mark, which the purge lowered', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.bulkCreate(['a', 'b', 'c'].map((id) => ({ id, content: `${id} lemon`, tags: ['t'] })));
    vault.indexSearch();
    const m = mark(raw) as number;
    vault.delete('c');
    vault.purge('c');
    vault.indexSearch();
    vault.create({ id: 'd', content: 'd lemon', tags: ['t'] });
    expect(docOf(raw, 'd')).toBeLessThanOrEqual(m);
    // c's version was the table's last row: d's took its number, which the purge put past the sequence mark.
    expect(queueRows(raw)).toBe(0);
    expect(queued(raw)).toBe(1);
    expect(raw.prepare(`SELECT ${INDEXED_SQL('p.doc')} FROM (SELECT ? AS doc) p`).pluck().get(docOf(raw, 'd'))).toBe(0);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(hits(vault, 'lemon')).toEqual(['a', 'b', 'd']);
    expect(tagRows(raw)).toEqual(headRows(raw));
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a mark row removed outside docvault: updates still reach the index and nothing is indexed twice; the rebuild puts it back', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.create({ id: 'a', content: 'apple pear', tags: ['t'] });
    vault.indexSearch();
    vault.create({ id: 'b', content: 'banana pear', tags: ['t'] });
    raw.exec(`DELETE FROM counters WHERE key = '${SEARCH_MARK_KEY}'`);
    vault.update('a', { content: 'apple pear plum' });
    // b, after the mark when it went, is now one whose version is past the sequence mark, holding none.
    expect(queueRows(raw)).toBe(0);
    expect(queued(raw)).toBe(2);
    expect(hits(vault, 'plum')).toEqual(['a']);
    expect(hits(vault, 'apple')).toEqual(['a']);
    expect(hits(vault, 'banana')).toEqual(['b']);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
    vault.rebuildSearchIndex();
    expect(mark(raw)).toBe(docOf(raw, 'b'));
    expect(hits(vault, 'banana')).toEqual(['b']);
    expect(byTag(vault, 't')).toEqual(['a', 'b']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('the repair rebuild with documents waiting makes their tag rows too (it emptied the queue and left them as of the last flush)', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.bulkCreate(['a', 'b'].map((id) => ({ id, content: id, tags: ['old'] })));
    vault.indexSearch();
    vault.update('a', { tags: ['new'] });
    vault.create({ id: 'c', content: 'c', tags: ['new'] });
    vault.rebuildSearchIndex();
    expect(queued(raw)).toBe(0);
    expect(tagRows(raw)).toEqual(headRows(raw));
    expect(byTag(vault, 'new')).toEqual(['a', 'c']);
    expect(byTag(vault, 'old')).toEqual(['b']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('the flush after the mark reads the documents by a row-number range, not a scan', () => {
    const { raw } = plainVault(cleanups);
    for (const sql of [MARK_CHUNK_END_SQL, ...MARK_FLUSH_SQL.slice(0, 2)]) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1) as { detail: string }[]).map((r) => r.detail);
      expect([sql, plan.find((l) => /^(SCAN|SEARCH) (d|documents)\b/.test(l))]).toEqual([sql, expect.stringMatching(/^SEARCH (d|documents) USING INTEGER PRIMARY KEY \(rowid>\?/)]);
    }
  });
});
