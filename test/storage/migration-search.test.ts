/**
 * The search step, from a vault at the step before it (the schema-1 fixture migrated that far): the
 * first build indexes exactly the current version of each live document, nothing else changes, and
 * the triggers keep it exact afterwards. The step's number is looked up by name, so it holds if other
 * steps land before it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, SCHEMA_VERSION, Vault, migrate } from '../../src/main/storage';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { withRawConnection } from '../helpers/tamper';
import { copySchema1 } from '../helpers/fixture';
import { undoStepsAfter } from '../helpers/later-steps';
import { documentRows } from '../helpers/document-rows';

const STEP = MIGRATIONS.find((m) => m.name.startsWith('search:'))?.version ?? NaN;
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/**
 * The fixture at the step before search, with `beta` in the Trash: opened (every step runs), `beta`
 * deleted the engine's way, then this step's objects dropped and `user_version` set back. Built this way
 * so it needs no knowledge of the steps before (some need the vault's key, which a raw connection lacks).
 */
function beforeStep(): { path: string; key: string } {
  const f = copySchema1();
  cleanups.push(f.cleanup);
  const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
  v.delete('beta');
  v.close();
  withRawConnection(f.path, f.key, (db: Database.Database) => {
    undoStepsAfter(db, 5);
    db.exec(`
      DROP TRIGGER search_versions_ai; DROP TRIGGER search_versions_ad; DROP TRIGGER search_trash; DROP TRIGGER search_undelete;
      DROP TABLE search_index; DROP VIEW search_source;
      DROP INDEX document_tags_updated; ALTER TABLE document_tags DROP COLUMN updated_at;
    `);
    db.pragma(`user_version = ${STEP - 1}`);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'search%'").pluck().get()).toBe(0);
  });
  return f;
}

describe('migration: search index', () => {
  it('is a step of its own, after the Trash, followed by the tag pages step and the steps after 5', () => {
    expect(STEP).toBeGreaterThan(2);
    // beforeStep() drops this step's objects, step 5's (tag pages) and, through undoStepsAfter, every later step's.
    expect(MIGRATIONS.slice(STEP, 5).map((m) => m.name.split(':')[0])).toEqual(['tag pages by update time']);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('indexes the current version of every live document and nothing else, changing no row', () => {
    const { path, key } = beforeStep();
    const rows = (db: Database.Database) => ({
      docs: documentRows(db),
      versions: db.prepare('SELECT vid, title, content FROM versions ORDER BY vid').all(),
    });
    const before = withRawConnection(path, key, rows);
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(STEP);
      expect(() => checkSearchIndex(db)).not.toThrow();
      // Keyed by document since schema step "search entries keyed by document"; FTS5's check above compared each entry with its current version's text.
      const indexed = db.prepare('SELECT rowid FROM search_index ORDER BY rowid').pluck().all();
      const expected = db
        .prepare('SELECT doc FROM documents WHERE trashed_at IS NULL ORDER BY doc')
        .pluck()
        .all();
      expect(indexed).toEqual(expected);
      expect(rows(db).versions).toEqual(before.versions);
    });
    // alpha's current version (4) restores version 1's text; its older wording is not found.
    const alpha = v.get('alpha');
    expect(v.search({ query: 'alpha' }).items.map((h) => h.id)).toContain('alpha');
    const word = alpha.content.split(/\W+/).find((w) => w.length > 3) ?? '';
    expect(v.search({ query: word }).items.map((h) => h.id)).toContain('alpha');
    expect(v.search({ query: 'Grüße' }).items.map((h) => h.id)).toEqual(['unicode-ü']);
    expect(v.search({ query: 'grusse OR grüsse OR gruße' }).items.map((h) => h.id)).toEqual(['unicode-ü']);
    // The document trashed before the step is not indexed; undelete indexes it.
    const betaWord = withRawConnection(path, key, (db) => db.prepare("SELECT title FROM documents WHERE id = 'beta'").pluck().get() as string);
    expect(betaWord.length).toBeGreaterThan(0);
    expect(v.search({ query: `"${betaWord}"` }).items.map((h) => h.id)).not.toContain('beta');
    v.undelete('beta');
    expect(v.search({ query: `"${betaWord}"` }).items.map((h) => h.id)).toContain('beta');
    v.update('alpha', { content: 'zyxwvut fresh' });
    expect(v.search({ query: 'zyxwvut' }).items.map((h) => h.id)).toEqual(['alpha']);
    withRawConnection(path, key, (db) => expect(() => checkSearchIndex(db)).not.toThrow());
  });

  it('runs in one transaction: a failure inside the step leaves the previous schema as it was', () => {
    const { path, key } = beforeStep();
    withRawConnection(path, key, (db: Database.Database) => {
      db.exec('CREATE TABLE search_index (x)'); // the step's table name, taken
      expect(() => migrate(db, STEP)).toThrow(/already exists/);
      expect(db.pragma('user_version', { simple: true })).toBe(STEP - 1);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'search_%' AND name <> 'search_index'").pluck().get()).toBe(0);
    });
  });
});
