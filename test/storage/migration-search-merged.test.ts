/**
 * The step that merges the search index into one segment (FTS5 'optimize'), from a vault of the step
 * before it: made with today's code, one commit per document (several segments, as a rebuilt index of
 * a larger vault has), `user_version` set back. Then: one segment, the index
 * still exact (FTS5's own integrity check), search answers the same, no row touched, verify clean. And the
 * step alone (it merges a bounded number of pages a statement): one segment, the same entries, its progress.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, SEARCH_MERGED_STEP, Vault } from '../../src/main/storage';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { migrate } from '../../src/main/storage/migrations';
import { withRawConnection } from '../helpers/raw-db';
import { makeVault } from '../helpers/tmp';
import { undoStepsAfter } from '../helpers/later-steps';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const segments = (db: Database.Database) => db.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get() as number;
const rows = (db: Database.Database) => ({
  docs: documentRows(db),
  versions: db.prepare('SELECT vid, mac FROM versions ORDER BY vid').all(),
  tags: db.prepare('SELECT * FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all(),
});

describe('migration: search index merged into one segment', () => {
  it('upgrades a vault of the step before: one segment, the index exact, search and rows unchanged', () => {
    const { vault: v, path, key } = makeVault();
    cleanups.push(() => v.close());
    // One commit each: segments FTS5's automerge has not merged yet.
    for (let i = 0; i < 40; i++) v.create({ id: `d${i}`, title: `Note ${i}`, content: `alpha beta${i % 5} gamma ${'lorem '.repeat(i)}` });
    v.update('d3', { content: 'alpha changed' });
    v.delete('d4');
    const query = { query: 'alpha', limit: 100 };
    const hitsBefore = v.search(query).items.map((h) => h.id).sort();
    v.close();
    const before = withRawConnection(path, key, (db) => {
      undoStepsAfter(db, SEARCH_MERGED_STEP - 1);
      expect(segments(db)).toBeGreaterThan(1);
      return { rows: rows(db) };
    });
    const w = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => w.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(segments(db)).toBe(1);
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(rows(db)).toEqual(before.rows);
    });
    expect(w.search(query).items.map((h) => h.id).sort()).toEqual(hitsBefore);
    expect(w.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('the step alone: one segment by bounded merges, the same entries, progress reported within the step', () => {
    const { vault: v, path, key } = makeVault();
    cleanups.push(() => v.close());
    for (let i = 0; i < 40; i++) v.create({ id: `d${i}`, title: `Note ${i}`, content: `alpha beta${i % 5} gamma ${'lorem '.repeat(i)}` });
    v.close();
    withRawConnection(path, key, (db) => {
      undoStepsAfter(db, SEARCH_MERGED_STEP - 1);
      const before = segments(db);
      expect(before).toBeGreaterThan(1);
      const entries = () => db.prepare('SELECT id, sz FROM search_index_docsize ORDER BY id').raw().all();
      const had = entries();
      const seen: number[] = [];
      migrate(db, SEARCH_MERGED_STEP, { onProgress: (p) => seen.push(p.done) });
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_MERGED_STEP);
      expect(segments(db)).toBe(1);
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(entries()).toEqual(had);
      expect(seen.some((d) => d > 0 && d < 1)).toBe(true);
      expect(seen.at(-1)).toBe(1);
    });
  });
});
