/**
 * Schema step "search entries keyed by document" (../../src/main/storage/search-doc-keys-schema.ts): the
 * search index's rowid is the document's number, not its version key. From a vault of the step before left
 * unflushed (a document updated past the sequence mark, one queued in the Trash, one after the search mark):
 * the step carries over exactly the entries the index held, under the new keys, with automerge off,
 * reports its progress in chunks (the old rows deleted a chunk at a time); then the flushes, searches, purges, filters and verify work on the new keys,
 * and a crash inside the step leaves the vault at the step before.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault, migrate } from '../../src/main/storage';
import type { Progress } from '../../src/shared/types';
import { SEARCH_DOC_KEYS_STEP } from '../../src/main/storage/migrations';
import { keySearchByDocument } from '../../src/main/storage/search-doc-keys-schema';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { typeFacet } from '../../src/main/storage/search-facets';
import { queuedVaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** What the index holds, by document ("id: title / content / facets"), as the view of `search_source` names it (either key). */
function held(db: Database.Database, key: 'vid >> 24' | 'doc'): string[] {
  return db
    .prepare(`SELECT d.id || ': ' || s.title || ' / ' || s.content || ' / ' || s.facets FROM search_source s JOIN documents d ON d.doc = s.${key} ORDER BY 1`)
    .pluck()
    .all() as string[];
}

/** The documents the index has an entry for, by id (its docsize rows, keyed by document). */
function entries(db: Database.Database): string[] {
  return db.prepare('SELECT coalesce(d.id, \'?\' || z.id) FROM search_index_docsize z LEFT JOIN documents d ON d.doc = z.id ORDER BY 1').pluck().all() as string[];
}

/** A vault of the step before, left as a writer leaves it before its close flushes. */
function unflushed(): { path: string; key: string } {
  return queuedVaultBeforeStep(SEARCH_DOC_KEYS_STEP, cleanups, (v) => {
    v.create({ id: 'updated', title: 'Larch', content: 'larch needles', type: 'note', tags: ['tree'] });
    v.create({ id: 'trashed', title: 'Kiwi', content: 'kiwi fruit', type: 'note' });
    v.create({ id: 'kept', title: 'Mango', content: 'mango chutney', type: 'recipe', tags: ['food', 'tree'] });
    v.indexSearch();
    // Past the sequence mark (the index holds "larch"), queued in the Trash, after the search mark.
    v.update('updated', { content: 'hemlock cones' });
    v.delete('trashed');
    v.create({ id: 'late', title: 'Quince', content: 'quince jelly' });
  });
}

describe(`migration: search entries keyed by document (from step ${SEARCH_DOC_KEYS_STEP - 1})`, () => {
  it('carries over exactly what the index held, under document keys, automerge off, with progress', () => {
    const f = unflushed();
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_DOC_KEYS_STEP - 1);
      const before = held(db, 'vid >> 24');
      // The fixture's documents, and the three left unflushed: "updated" at its old text, "trashed" still held, "late" not yet.
      expect(before).toContainEqual(expect.stringMatching(/^updated: Larch \/ larch needles/));
      expect(before).toContainEqual(expect.stringMatching(/^trashed: Kiwi/));
      expect(before.some((h) => h.startsWith('late:'))).toBe(false);
      const seen: Progress[] = [];
      expect(migrate(db, SCHEMA_VERSION, { onProgress: (p) => seen.push(p) })).toBe(SCHEMA_VERSION);
      // The old rows deleted a chunk at a time, then the documents filled: progress that only moves forward.
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
      expect(held(db, 'doc')).toEqual(before);
      expect(entries(db)).toEqual(before.map((h) => h.slice(0, h.indexOf(':'))));
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(db.prepare("SELECT v FROM search_index_config WHERE k = 'automerge'").pluck().get()).toBe(0);
      // The term table verify reads is back, over the new index.
      expect(db.prepare("SELECT doc FROM search_facet_terms WHERE col = 'facets' AND term = ?").pluck().get(typeFacet('recipe').toLowerCase())).toBe(1);
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
    cleanups.push(() => v.close());
    // A search flushes first: the update, the Trash and the late document are indexed under their documents.
    const ids = (query: string, filter = {}): string[] => v.search({ query, limit: 100, rankAll: true, ...filter }).items.map((h) => h.id).sort();
    expect(ids('hemlock')).toEqual(['updated']);
    expect(ids('needles')).toEqual([]);
    expect(ids('kiwi')).toEqual([]);
    expect(ids('quince')).toEqual(['late']);
    expect(ids('tree OR mango OR hemlock', { tags: ['tree'] })).toEqual(['kept', 'updated']);
    expect(ids('chutney', { type: 'recipe' })).toEqual(['kept']);
    expect(v.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
  });

  it('after the step: filters by author and time, snippets, a purge takes its entry out at once, verify compares documents', () => {
    const f = unflushed();
    const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
    cleanups.push(() => v.close());
    v.create({ id: 'penned', content: 'quince paste', metadata: { author: 'Ada' } });
    const hits = v.search({ query: 'quince', author: 'Ada', limit: 10 }).items;
    expect(hits.map((h) => [h.id, h.snippet, h.marks.length > 0])).toEqual([['penned', 'quince paste', true]]);
    expect(v.search({ query: 'quince', updatedFrom: Date.now() + 60_000, limit: 10 }).items).toEqual([]);
    v.indexSearch();
    v.delete('kept');
    v.purge('kept');
    withRawConnection(f.path, f.key, (db) => {
      expect(entries(db)).not.toContain('kept');
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a crash inside the step leaves the vault at the step before, its index as it was', () => {
    const f = unflushed();
    withRawConnection(f.path, f.key, (db) => {
      const before = held(db, 'vid >> 24');
      // The step fails at its very end (its last progress report throws, after the old index is gone and the
      // new one filled), with chunks of one document and of the old rows: the migration's transaction rolls back.
      const reports: number[] = [];
      expect(() =>
        db.transaction(() => {
          keySearchByDocument(
            db,
            {
              stepProgress: (done, total) => {
                reports.push(done);
                if (done === total) throw new Error('killed');
              },
            },
            1,
          );
        })(),
      ).toThrow('killed');
      expect(reports.length).toBeGreaterThan(5);
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_DOC_KEYS_STEP - 1);
      expect(held(db, 'vid >> 24')).toEqual(before);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
  });
});
