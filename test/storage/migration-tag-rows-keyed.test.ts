/**
 * The step that keys tag rows by (tag, updated_at, doc), from a vault of the step before it: made with
 * today's code, then the step undone on a raw connection (test/helpers/schema5.ts). Then: rows kept
 * exactly, one B-tree (no second index), the counters' triggers still kept, the write path finding rows
 * by their full key (and by a walk when a row's time was altered outside docvault), and one transaction.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, SCHEMA_VERSION, TAG_ROWS_KEYED_STEP, Vault } from '../../src/main/storage';
import { withRawConnection } from '../helpers/raw-db';
import { undoTagRowsKeyed } from '../helpers/schema5';
import { undoStepsAfter } from '../helpers/later-steps';
import { makeVault } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A vault at the step before, with live, updated, retagged and trashed documents. */
function stepBefore(): { path: string; key: string } {
  const made = makeVault();
  cleanups.push(made.cleanup);
  const v = made.vault;
  for (let i = 0; i < 30; i++) v.create({ id: `d${i}`, content: `c${i}`, tags: i % 3 === 0 ? ['three', 'all'] : ['all'] });
  v.update('d3', { content: 'later' });
  v.update('d4', { tags: ['all', 'four'] });
  v.delete('d6');
  v.close();
  withRawConnection(made.path, made.key, (db) => {
    undoStepsAfter(db, TAG_ROWS_KEYED_STEP);
    undoTagRowsKeyed(db);
  });
  return { path: made.path, key: made.key };
}

const tagRows = (db: Database.Database) => db.prepare('SELECT tag, doc, updated_at FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all();
const tagCounters = (db: Database.Database) => db.prepare("SELECT key, n FROM counters WHERE key LIKE 'tag:%' ORDER BY key").all();

describe('migration: tag rows keyed (tag, updated_at, doc)', () => {
  it('is a step after tag pages (5)', () => {
    expect(MIGRATIONS.map((m) => m.version)).toContain(TAG_ROWS_KEYED_STEP);
    expect(TAG_ROWS_KEYED_STEP).toBeGreaterThan(5);
  });

  it('upgrades a vault of the step before: same rows, one B-tree keyed by what tag pages read, verify clean', () => {
    const { path, key } = stepBefore();
    const before = withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TAG_ROWS_KEYED_STEP - 1);
      return { rows: tagRows(db), counters: tagCounters(db) };
    });
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(tagRows(db)).toEqual(before.rows);
      expect(tagCounters(db)).toEqual(before.counters);
      const pk = (db.prepare('PRAGMA table_info(document_tags)').all() as { name: string; pk: number }[]).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      expect(pk.map((c) => c.name)).toEqual(['tag', 'updated_at', 'doc']);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'document_tags' AND sql IS NOT NULL").pluck().get()).toBe(0);
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'document_tags'").pluck().get()).toContain('WITHOUT ROWID');
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    expect(v.list({ tag: 'three' }).items.map((d) => d.id)[0]).toBe('d3');
  });

  it('a row whose time was NULL takes its head\'s', () => {
    const { path, key } = stepBefore();
    withRawConnection(path, key, (db) => db.prepare("UPDATE document_tags SET updated_at = NULL WHERE doc = (SELECT doc FROM documents WHERE id = 'd9')").run());
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    expect(v.list({ tag: 'three', limit: 100 }).items.map((d) => d.id)).toContain('d9');
  });

  it('runs in one transaction: a failure inside the step leaves the step before as it was', () => {
    const { path, key } = stepBefore();
    const before = withRawConnection(path, key, (db) => {
      // An object with the step's scratch name makes its CREATE TABLE fail midway through the step.
      db.exec('CREATE TABLE document_tags_keyed (x)');
      return tagRows(db);
    });
    expect(() => Vault.openSync(path, { key: { rawKey: key } })).toThrow();
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TAG_ROWS_KEYED_STEP - 1);
      expect(tagRows(db)).toEqual(before);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'document_tags_updated'").pluck().get()).toBe(1);
    });
  });

  it('the write path keeps rows and counts exact: create, update, retag, trash, undelete, purge', () => {
    const { vault: v, path, key } = makeVault();
    cleanups.push(() => v.close());
    v.create({ id: 'a', content: 'x', tags: ['t', 'u'] });
    v.create({ id: 'b', content: 'y', tags: ['t'] });
    v.update('a', { content: 'x2' });
    v.update('a', { tags: ['u', 'w'] });
    v.delete('b');
    v.undelete('b');
    v.update('b', { content: 'y2' });
    v.purge('a');
    expect([v.count({ tag: 't' }), v.count({ tag: 'u' }), v.count({ tag: 'w' })]).toEqual([1, 0, 0]);
    // The rows move with the search queue's flush.
    v.indexSearch();
    withRawConnection(path, key, (db) => {
      expect(db.prepare('SELECT t.tag, d.id, t.updated_at = d.updated_at AS same FROM document_tags t JOIN documents d ON d.doc = t.doc WHERE t.tag >= char(32)').all()).toEqual([
        { tag: 't', id: 'b', same: 1 },
      ]);
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a row whose time was altered outside docvault is still moved by the flush after an update and removed after a delete', () => {
    const { vault: v, path, key } = makeVault();
    cleanups.push(() => v.close());
    v.create({ id: 'a', content: 'x', tags: ['t', 'u'] });
    v.create({ id: 'b', content: 'y', tags: ['t'] });
    v.indexSearch();
    withRawConnection(path, key, (db) => db.prepare("UPDATE document_tags SET updated_at = 1 WHERE tag = 't' AND doc = (SELECT doc FROM documents WHERE id = 'a')").run());
    expect(v.verify().problems).toEqual([expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('tag "t" of "a"') })]);
    v.refresh();
    v.update('a', { content: 'x2' }); // at the flush (verify's), the stale row is found by a walk of the tag's range and moved to the head's time
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    withRawConnection(path, key, (db) => db.prepare("UPDATE document_tags SET updated_at = 2 WHERE tag = 'u'").run());
    v.refresh();
    v.delete('a');
    expect([v.count({ tag: 't' }), v.count({ tag: 'u' })]).toEqual([1, 0]);
    v.indexSearch();
    withRawConnection(path, key, (db) => expect(db.prepare("SELECT count(*) FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'a')").pluck().get()).toBe(0));
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
