/**
 * Schema step 5 (tag pages by update time), from a schema-4 vault: the schema-1 fixture opened (every step
 * runs), then step 5's objects dropped and `user_version` set back to 4 (steps 3-4 need the vault key a raw
 * connection lacks). Then: the write path keeps each tag row's updated_at equal to its head's, a tag page
 * walks the index (no sort of every match), verify catches a stale copy, and the list total contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { withRawConnection } from '../helpers/tamper';
import { copySchema1 } from '../helpers/fixture';
import { makeVault } from '../helpers/tmp';
import { undoStepsAfter } from '../helpers/later-steps';
import { MIGRATIONS, SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempVault(): ReturnType<typeof makeVault> {
  const made = makeVault();
  cleanups.push(made.cleanup);
  return made;
}

function schema4(): { path: string; key: string } {
  const f = copySchema1();
  cleanups.push(f.cleanup);
  const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
  v.update('gamma', { content: 'gamma, later' });
  v.close();
  withRawConnection(f.path, f.key, (db: Database.Database) => {
    undoStepsAfter(db, 5);
    db.exec('DROP INDEX document_tags_updated; ALTER TABLE document_tags DROP COLUMN updated_at;');
    db.pragma('user_version = 4');
  });
  return f;
}

/** Tag rows whose updated_at is not their head's (must be none). */
/** Held rows whose time is not their head's (title rows, which carry 0 since schema step "title rows held", left out). */
function staleTagRows(db: Database.Database): number {
  return db
    .prepare('SELECT count(*) FROM document_tags t JOIN documents d ON d.doc = t.doc WHERE t.updated_at IS NOT d.updated_at AND NOT (t.tag >= char(3) AND t.tag < char(4))')
    .pluck()
    .get() as number;
}

/** Every page of a tag filter, followed to the end, as ids. */
function allPages(v: Vault, query: Parameters<Vault['list']>[0]): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = v.list({ ...query, limit: 3, ...(cursor !== undefined ? { cursor } : {}) });
    ids.push(...page.items.map((d) => d.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
}

describe('migration 5: tag pages by update time', () => {
  it('is the step after search; the steps after it are undone by undoStepsAfter (schema4() uses it)', () => {
    expect(MIGRATIONS[4]).toMatchObject({ version: 5 });
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('upgrades a schema-4 vault: every tag row gets its head\'s updated_at, nothing else changes, verify clean', () => {
    const { path, key } = schema4();
    const rows = (db: Database.Database) => ({
      docs: documentRows(db),
      versions: db.prepare('SELECT vid, mac, content FROM versions ORDER BY vid').all(),
      tags: db.prepare('SELECT tag, doc FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all(),
    });
    const before = withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(4);
      return rows(db);
    });
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(rows(db)).toEqual(before);
      expect(staleTagRows(db)).toBe(0);
      expect(db.prepare('SELECT count(*) FROM document_tags WHERE updated_at IS NULL').pluck().get()).toBe(0);
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('tag pages', () => {
  it('the write path keeps each tag row\'s time: create, update with the same tags, changed tags, trash, undelete', () => {
    const { vault: v, path, key } = tempVault();
    for (let i = 0; i < 12; i++) v.create({ id: `d${i}`, content: `c${i}`, tags: i % 2 === 0 ? ['even', 'all'] : ['odd', 'all'] });
    v.update('d3', { content: 'same tags' });
    v.update('d4', { tags: ['all', 'four'] }); // keeps one, drops one, adds one
    v.update('d5', { tags: ['odd', 'all'], title: 'same tag list, new title' });
    v.delete('d6');
    v.delete('d7');
    v.undelete('d7');
    // Once the search queue's flush moved them (a list by tag flushes first too), every row has its head's time.
    v.indexSearch();
    withRawConnection(path, key, (db) => expect(staleTagRows(db)).toBe(0));
    // The pages, followed by cursor, list exactly what a sort of the heads gives, newest first.
    for (const tag of ['all', 'even', 'odd', 'four']) {
      const expected = withRawConnection(path, key, (db) =>
        db.prepare('SELECT d.id FROM documents d JOIN document_tags t ON t.doc = d.doc WHERE t.tag = ? ORDER BY d.updated_at DESC, d.doc DESC').pluck().all(tag),
      );
      expect(allPages(v, { tag })).toEqual(expected);
      expect(allPages(v, { tag, order: 'asc' })).toEqual([...expected].reverse());
      // By creation, 'four' (1 of 11) reads the tag's rows and 'all' walks the documents (query.ts pagePlan): same order.
      const created = withRawConnection(path, key, (db) =>
        db.prepare('SELECT d.id FROM documents d JOIN document_tags t ON t.doc = d.doc WHERE t.tag = ? ORDER BY d.doc DESC').pluck().all(tag));
      expect(allPages(v, { tag, sort: 'created' })).toEqual(created);
      expect(allPages(v, { tag, sort: 'created', order: 'asc' })).toEqual([...created].reverse());
    }
    expect(allPages(v, { tag: 'all' })).not.toContain('d6');
    expect(allPages(v, { tag: 'even' })).not.toContain('d4');
    expect(allPages(v, { tag: 'all', type: 'none-such' })).toEqual([]);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a tag page walks the (tag, updated_at, doc) key: no sort of every match', () => {
    const { vault: v, path, key } = tempVault();
    v.create({ id: 'a', content: 'x', tags: ['t'] });
    const page = v.list({ tag: 't', limit: 1 });
    v.close();
    withRawConnection(path, key, (db) => {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('t', 2) as { detail: string }[]).map((r) => r.detail).join(' | ');
      const p = plan('SELECT d.id FROM document_tags t CROSS JOIN documents d ON d.doc = t.doc WHERE t.tag = ? ORDER BY t.updated_at DESC, t.doc DESC LIMIT ?');
      // The key of the tag rows since TAG_ROWS_KEYED_STEP (step 5's own index before it).
      expect(p).toMatch(/SEARCH t USING PRIMARY KEY \(tag=\?\)/);
      expect(p).not.toContain('TEMP B-TREE');
    });
    expect(page.items.map((d) => d.id)).toEqual(['a']);
  });

  it('verify reports a tag row whose update time was altered outside docvault', () => {
    const { vault: v, path, key } = tempVault();
    v.create({ id: 'a', content: 'x', tags: ['t'] });
    v.indexSearch();
    withRawConnection(path, key, (db) => db.prepare('UPDATE document_tags SET updated_at = 1 WHERE tag = ?').run('t'));
    const r = v.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('tag "t" of "a"') })]);
  });

  it('total: on every page from the running totals; for combined filters on the first page only', () => {
    const { vault: v } = tempVault();
    for (let i = 0; i < 5; i++) v.create({ id: `n${i}`, content: 'x', type: 'note', tags: ['t'], metadata: { author: 'ann' } });
    for (let i = 0; i < 3; i++) v.create({ id: `k${i}`, content: 'x', type: 'task', tags: ['t'] });
    const second = (q: Parameters<Vault['list']>[0]) => {
      const first = v.list({ ...q, limit: 2 });
      return { first: first.total, second: v.list({ ...q, limit: 2, cursor: first.nextCursor ?? '' }).total };
    };
    expect(second({})).toEqual({ first: 8, second: 8 });
    expect(second({ tag: 't' })).toEqual({ first: 8, second: 8 });
    expect(second({ type: 'note' })).toEqual({ first: 5, second: 5 });
    expect(second({ type: 'note', tag: 't' })).toEqual({ first: 5, second: undefined });
    expect(second({ author: 'ann' })).toEqual({ first: 5, second: undefined });
    expect(v.count({ type: 'note', tag: 't' })).toBe(5);
  });
});
