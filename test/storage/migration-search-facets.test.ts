/**
 * The step that gives the search index its facet column, from a vault of the step before it
 * (`vaultBeforeStep`: today's code, then this step undone): the index is rebuilt inside the step's
 * transaction with a type and tag token per entry, exact (FTS5's check compares every column with the
 * versions), the Trash still left out, no row touched, the same hits for the same words (scores move a
 * little: see below), and filters answered by the new column. A failure inside the step leaves the step before's index, exact and kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault, migrate } from '../../src/main/storage';
import { SEARCH_FACETS_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const rows = (db: Database.Database) => ({
  docs: documentRows(db),
  versions: db.prepare('SELECT vid, mac, type, tags FROM versions ORDER BY vid').all(),
  tags: db.prepare('SELECT * FROM document_tags WHERE tag >= char(32) ORDER BY tag, updated_at, doc').all(),
});

/** Documents of the step before: tricky types and tags, a changed one, one in the Trash. */
function prepare(v: Vault): void {
  v.bulkCreate(
    Array.from({ length: 60 }, (_, i) => ({
      id: `d${i}`,
      title: i % 6 === 0 ? 'ledger title' : `note ${i}`,
      content: `ledger ${'entry '.repeat(i % 9)}and ${i % 3 === 0 ? 'invoice' : 'garden'} ${'filler '.repeat(i % 5)}`,
      type: ['Scan', 'scan', 'café', 'a b', ''][i % 5] as string,
      tags: [['Tax', 'tax 2024'], ['語'.repeat(64)], [], ['Müller', 'a:b']][i % 4] as string[],
    })),
  );
  v.update('d7', { type: 'letter', tags: ['moved'] });
  v.delete('d8');
}

/** Hits of `query` (every one, ranked by bm25) as ids and scores. */
const ranked = (v: Vault, query: string, filter = {}) => v.search({ query, rankAll: true, limit: 1000, ...filter }).items.map((h) => ({ id: h.id, score: h.score }));

describe('migration: search facets', () => {
  it('upgrades a vault of the step before: the index rebuilt with facets, exact, rows untouched, filters from the new column', () => {
    const f = vaultBeforeStep(SEARCH_FACETS_STEP, cleanups, prepare);
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_FACETS_STEP - 1);
      expect(() => checkSearchIndex(db)).not.toThrow();
      return rows(db);
    });
    // The ranking before the step, as the engine computed it then (bm25, title 10, content 1).
    const scoresBefore = withRawConnection(f.path, f.key, (db) =>
      Object.fromEntries(
        ['ledger', 'invoice OR garden', '"ledger title"', 'fill*'].map((q) => [
          q,
          db
            .prepare('SELECT d.id AS id, -bm25(search_index, 10, 1) AS score FROM search_index JOIN documents d ON d.doc = search_index.rowid >> 24 WHERE search_index MATCH ? ORDER BY bm25(search_index, 10, 1), search_index.rowid')
            .all(q) as { id: string; score: number }[],
        ]),
      ),
    );
    const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
    cleanups.push(() => v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(rows(db)).toEqual(before);
      expect(db.prepare('SELECT count(*) FROM search_index_docsize').pluck().get()).toBe(db.prepare('SELECT count(*) FROM documents WHERE trashed_at IS NULL').pluck().get());
    });
    for (const [q, was] of Object.entries(scoresBefore)) {
      const now = ranked(v, q);
      expect(now.map((h) => h.id).sort(), q).toEqual(was.map((h) => h.id).sort());
      // Not the same scores: bm25 divides by each entry's length over the average, and FTS5 counts every
      // column's tokens in both (weight 0 only drops the column's matches). So an entry with more facets
      // than the average (more tags) moves down a little: here, short texts of 10-30 words with 1-3 facets,
      // by up to ~7 % (1 KB texts: ~1 %), and near-ties can swap. docs/search.md has the figures.
      const drift = Math.max(...now.map((h) => Math.abs(h.score / (was.find((w) => w.id === h.id)?.score ?? NaN) - 1)));
      expect(drift, q).toBeLessThan(0.1);
    }
    const all = ranked(v, 'ledger');
    expect(all).toHaveLength(59);
    const docs = new Map(v.list({ limit: 100 }).items.map((d) => [d.id, d]));
    const keep = (ok: (type: string, tags: readonly string[]) => boolean) => all.filter((h) => ok(docs.get(h.id)?.type ?? '-', docs.get(h.id)?.tags ?? []));
    expect(ranked(v, 'ledger', { type: 'scan' })).toEqual(keep((t) => t === 'scan'));
    expect(ranked(v, 'ledger', { type: '' })).toEqual(keep((t) => t === ''));
    expect(ranked(v, 'ledger', { tags: ['語'.repeat(64)] })).toEqual(keep((_, tags) => tags.includes('語'.repeat(64))));
    expect(ranked(v, 'ledger', { tags: ['Tax', 'moved'] })).toEqual(keep((_, tags) => tags.includes('Tax') || tags.includes('moved')));
    expect(ranked(v, 'ledger', { type: 'letter' }).map((h) => h.id)).toEqual(['d7']);
    expect(ranked(v, 'ledger', { tags: ['Tax'] }).map((h) => h.id)).not.toContain('d8');
    // Kept by the new triggers afterwards.
    v.undelete('d8');
    v.update('d9', { type: 'letter' });
    expect(ranked(v, 'ledger', { type: 'letter' }).map((h) => h.id).sort()).toEqual(['d7', 'd9']);
    withRawConnection(f.path, f.key, (db) => expect(() => checkSearchIndex(db)).not.toThrow());
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    expect(v.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
  });

  it('runs in one transaction: a failure inside the step leaves the step before\'s index, exact and kept by its triggers', () => {
    const f = vaultBeforeStep(SEARCH_FACETS_STEP, cleanups, prepare);
    withRawConnection(f.path, f.key, (db) => {
      db.exec('CREATE TABLE search_facet_terms (x)'); // a name the step makes, taken: it fails after its rebuild
      expect(() => migrate(db, SEARCH_FACETS_STEP)).toThrow(/already exists/);
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_FACETS_STEP - 1);
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'search_index'").pluck().get()).not.toMatch(/facets/);
      expect(() => checkSearchIndex(db)).not.toThrow();
      db.exec('DROP TABLE search_facet_terms');
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
    cleanups.push(() => v.close());
    expect(ranked(v, 'ledger', { type: 'letter' }).map((h) => h.id)).toEqual(['d7']);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
