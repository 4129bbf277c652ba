/**
 * Schema step "title rows held" (../../src/main/storage/title-rows-schema.ts): lists sorted by title walk
 * rows under `char(3) || title` in `document_tags`, moved by the search queue's flush like the tag rows and
 * the update-time rows, instead of `documents_title`, which every create inserted into. From a vault of the
 * step before left unflushed (a document updated past the sequence mark with a new title, one queued in the
 * Trash, one after the search mark): the step adds the rows a flush would have left and drops the index.
 * Then the write path: nothing is written for a title until the flush, a list by title flushes first (on the
 * writer and through the service's rule), one title's documents come in creation order as the index gave
 * them, pages follow cursors (of the same shape as before the step), a purge takes the row at once; verify
 * names a title row missing, re-timed, under another title or of no document.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { asReadable, StatementCache } from '../../src/main/storage/engine/db';
import { pageStatement, readsHeldRows } from '../../src/main/storage/engine/query';
import { prepareReads, type ReadContext } from '../../src/main/storage/engine/statements';
import { TITLE_ROWS_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { queuedVaultBeforeStep } from '../helpers/before-step';
import { plainVault } from '../helpers/plain-vault';
import { listAll } from '../helpers/list-all';
import { withRawConnection } from '../helpers/raw-db';
import { makeVault } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** The title rows, readable: "id title@time" (a row of no document: "?<row>"; the time is 0 unless altered). */
function titleRows(db: Database.Database): string[] {
  return db
    .prepare(
      "SELECT coalesce(d.id, '?' || t.doc) || ' ' || substr(t.tag, 2) || '@' || t.updated_at FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE t.tag >= char(3) AND t.tag < char(4) ORDER BY 1",
    )
    .pluck()
    .all() as string[];
}

/** What a flush leaves: each live head's title, at time 0 (`where` selects heads). */
function headTitleRows(db: Database.Database, where = 'true'): string[] {
  return db.prepare(`SELECT id || ' ' || title || '@0' FROM documents WHERE trashed_at IS NULL AND ${where} ORDER BY 1`).pluck().all() as string[];
}

/** The live ids by title, ties by creation, in plain SQL: the order the index gave. */
function byTitle(db: Database.Database, order: 'ASC' | 'DESC' = 'ASC'): string[] {
  return db.prepare(`SELECT id FROM documents WHERE trashed_at IS NULL ORDER BY title ${order}, doc ${order}`).pluck().all() as string[];
}

describe(`migration: title rows held (from step ${TITLE_ROWS_STEP - 1})`, () => {
  it('adds the rows a flush would have left, drops the index, and every list by title pages as it gave them', () => {
    const f = queuedVaultBeforeStep(TITLE_ROWS_STEP, cleanups, (v) => {
      v.create({ id: 'renamed', title: 'Apple', content: 'x' });
      v.create({ id: 'trashed', title: 'Kiwi', content: 'x' });
      v.create({ id: 'kept', title: 'Mango', content: 'x' });
      v.indexSearch();
      // Past the sequence mark (the index holds "Apple"), queued in the Trash, after the search mark.
      v.update('renamed', { title: 'Zucchini' });
      v.delete('trashed');
      v.create({ id: 'late', title: 'Banana', content: 'x' });
    });
    const expected = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TITLE_ROWS_STEP - 1);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'documents_title'").pluck().get()).toBe(1);
      expect(titleRows(db)).toEqual([]);
      return [...headTitleRows(db, "id NOT IN ('renamed', 'late')"), 'renamed Apple@0', 'trashed Kiwi@0'].sort();
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.isOpen && v.close());
    const listed = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'documents_title'").pluck().get()).toBe(0);
      expect(titleRows(db)).toEqual(expected);
      expect(() => checkSearchIndex(db)).not.toThrow();
      return { asc: byTitle(db), desc: byTitle(db, 'DESC') };
    });
    expect(listed.asc).toEqual(expect.arrayContaining(['renamed', 'kept', 'late']));
    // A list by title flushes first: every live document, in title order, on pages of 2, both ways.
    expect(listAll(v, { sort: 'title', limit: 2 })).toEqual(listed.asc);
    expect(listAll(v, { sort: 'title', order: 'desc', limit: 3 })).toEqual(listed.desc);
    withRawConnection(f.path, f.key, (db) => expect(titleRows(db)).toEqual(headTitleRows(db)));
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('title rows', () => {
  it('move at the flush, which a list by title runs first; one title by creation; a purge takes its row at once', () => {
    const { vault: v, raw } = plainVault(cleanups);
    v.create({ id: 'a', title: 'Fig', content: 'x', type: 'note', tags: ['t'] });
    v.create({ id: 'b', title: 'Pear', content: 'x', type: 'task' });
    v.create({ id: 'c', title: 'Fig', content: 'x', type: 'note' });
    // A create writes no title row: the flush does.
    expect(titleRows(raw)).toEqual([]);
    expect(v.list({ sort: 'title' }).items.map((d) => d.id)).toEqual(['a', 'c', 'b']);
    expect(titleRows(raw)).toEqual(headTitleRows(raw));
    // One title: by creation, whatever was updated since; the other way round descending. An update that
    // keeps its title leaves its row as it was.
    const kept = titleRows(raw);
    v.update('a', { content: 'y' });
    expect(v.list({ sort: 'title' }).items.map((d) => d.id)).toEqual(['a', 'c', 'b']);
    expect(titleRows(raw)).toEqual(kept);
    expect(v.list({ sort: 'title', order: 'desc' }).items.map((d) => d.id)).toEqual(['b', 'c', 'a']);
    expect(listAll(v, { sort: 'title', limit: 1 })).toEqual(['a', 'c', 'b']);
    expect(listAll(v, { sort: 'title', order: 'desc', limit: 1 })).toEqual(['b', 'c', 'a']);
    // Filters ride along: a type, a tag.
    expect(v.list({ sort: 'title', type: 'note' }).items.map((d) => d.id)).toEqual(['a', 'c']);
    expect(v.list({ sort: 'title', tag: 't' }).items.map((d) => d.id)).toEqual(['a']);
    // A new title waits for the flush, which the list runs.
    const before = titleRows(raw);
    v.update('b', { title: 'Apple' });
    expect(titleRows(raw)).toEqual(before);
    expect(v.list({ sort: 'title' }).items.map((d) => d.id)).toEqual(['b', 'a', 'c']);
    expect(titleRows(raw)).toEqual(headTitleRows(raw));
    // The Trash and back.
    v.delete('c');
    expect(v.list({ sort: 'title' }).items.map((d) => d.id)).toEqual(['b', 'a']);
    v.undelete('c');
    expect(v.list({ sort: 'title' }).items.map((d) => d.id)).toEqual(['b', 'a', 'c']);
    // A purge deletes the row in its own commit, whatever the queue holds.
    v.update('a', { title: 'Quince' });
    v.purge('a');
    expect(titleRows(raw).filter((r) => r.startsWith('a '))).toEqual([]);
    expect(v.list({ sort: 'title' }).items.map((d) => d.id)).toEqual(['b', 'c']);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('the flush deletes a title row only when the title changed or the document left: an update that keeps its title rewrites no title row', () => {
    const { vault: v, raw } = plainVault(cleanups);
    for (const id of ['a', 'b', 'c']) v.create({ id, title: `Title ${id}`, content: 'x', tags: ['t'] });
    v.indexSearch();
    // A probe: every title row the vault's connection deletes from here on.
    raw.exec(`CREATE TABLE probe_deleted (tag TEXT, doc INTEGER);
      CREATE TRIGGER probe_title_deleted AFTER DELETE ON document_tags WHEN old.tag >= char(3) AND old.tag < char(4) BEGIN
        INSERT INTO probe_deleted VALUES (substr(old.tag, 2), old.doc);
      END;`);
    const deleted = (): unknown[] => raw.prepare('SELECT tag FROM probe_deleted ORDER BY rowid').pluck().all();
    v.update('a', { content: 'y', tags: ['u'] });
    v.update('b', { title: 'Renamed b' });
    v.delete('c');
    v.indexSearch();
    expect(deleted()).toEqual(['Title b', 'Title c']);
    expect(titleRows(raw)).toEqual(['a Title a@0', 'b Renamed b@0']);
    raw.exec('DROP TRIGGER probe_title_deleted; DROP TABLE probe_deleted;');
  });

  it('a cursor keeps its shape (title, row): one made before the step goes on; one of another sort is refused: Invalid', () => {
    const { vault: v } = plainVault(cleanups);
    for (const id of ['a', 'b', 'c']) v.create({ id, title: id, content: 'x' });
    const byTitle = v.list({ sort: 'title', limit: 1 }).nextCursor as string;
    expect(JSON.parse(Buffer.from(byTitle, 'base64url').toString('utf8'))).toEqual(['a', 1]);
    expect(v.list({ sort: 'title', cursor: byTitle }).items.map((d) => d.id)).toEqual(['b', 'c']);
    expect(v.list({ sort: 'title', order: 'desc', cursor: Buffer.from(JSON.stringify(['c', 3])).toString('base64url') }).items.map((d) => d.id)).toEqual(['b', 'a']);
    const byTime = v.list({ limit: 1 }).nextCursor as string;
    expect(() => v.list({ sort: 'title', cursor: byTime })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'cursor' } }));
    expect(() => v.list({ cursor: byTitle })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'cursor' } }));
  });

  it("a page by title is one range of the rows' key from the cursor on, whatever SQLite's statistics say (no skip-scan, no sort)", () => {
    const { vault: v, raw } = plainVault(cleanups);
    v.bulkCreate(Array.from({ length: 400 }, (_, i) => ({ id: `d${i}`, title: `Title ${(i * 7919) % 400}`, content: 'x', type: i % 2 ? 'note' : 'task', tags: [`t${i % 9}`] })));
    v.indexSearch();
    // Statistics like a vault's after `PRAGMA optimize`: few distinct keys per tag made the time a tempting skip-scan.
    raw.exec('ANALYZE');
    const db = asReadable(raw);
    const ctx: ReadContext = { db, r: prepareReads(db), sql: new StatementCache(db), macKey: new Uint8Array(32) };
    const plan = (q: Parameters<typeof pageStatement>[1]): string => {
      const { sql, params } = pageStatement(ctx, q);
      return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    };
    const first = v.list({ sort: 'title', limit: 10 });
    const cursor = first.nextCursor as string;
    expect(plan({ sort: 'title', limit: 10 })).toMatch(/^SEARCH t USING PRIMARY KEY \(tag>\? AND tag<\?\) \| SEARCH d USING INTEGER PRIMARY KEY/);
    expect(plan({ sort: 'title', limit: 10, cursor })).toMatch(/^SEARCH t USING PRIMARY KEY \(\(tag,updated_at,doc\)>\(\?,\?,\?\) AND tag<\?\) \|/);
    expect(plan({ sort: 'title', order: 'desc', limit: 10, cursor })).toMatch(/^SEARCH t USING PRIMARY KEY \(tag>\? AND \(tag,updated_at,doc\)<\(\?,\?,\?\)\) \|/);
    for (const q of [{ type: 'note' }, { tag: 't3' }, { order: 'desc' as const }]) expect(plan({ sort: 'title', limit: 10, cursor, ...q })).not.toMatch(/ANY\(|TEMP B-TREE|SCAN/);
    expect(listAll(v, { sort: 'title', limit: 7 })).toEqual(byTitle(raw));
  });

  it('a list by title reads held rows: through the service it waits for the flush like a list by update time', () => {
    expect(readsHeldRows({ sort: 'title' })).toBe(true);
    expect(readsHeldRows({ sort: 'title', type: 'note' })).toBe(true);
    expect(readsHeldRows({})).toBe(true);
    expect(readsHeldRows({ sort: 'created' })).toBe(false);
    expect(readsHeldRows({ sort: 'created', tag: 't' })).toBe(true);
  });

  it('verify names a title row missing, one under another title, one at another time, one of no document', () => {
    const { vault: v, path, key } = makeVault({ idleCheckpointMs: 600_000 });
    cleanups.push(() => v.isOpen && v.close());
    for (let i = 0; i < 4; i++) v.create({ id: `d${i}`, title: `Title ${i}`, content: `text ${i}` });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    const doc = (id: string): string => `(SELECT doc FROM documents WHERE id = '${id}')`;
    const problemsAfter = (sql: string): readonly { kind: string; message: string }[] => {
      withRawConnection(path, key, (db) => db.exec(sql));
      v.refresh();
      const r = v.verify();
      withRawConnection(path, key, (db) => {
        db.exec('DELETE FROM document_tags WHERE tag >= char(3) AND tag < char(4)');
        db.exec('INSERT INTO document_tags (tag, updated_at, doc) SELECT char(3) || title, 0, doc FROM documents WHERE trashed_at IS NULL');
      });
      v.refresh();
      expect(v.verify()).toMatchObject({ ok: true, problems: [] });
      return r.problems;
    };
    expect(problemsAfter(`DELETE FROM document_tags WHERE tag = char(3) || 'Title 1' AND doc = ${doc('d1')}`)).toEqual([
      { kind: 'Vault', message: "the tag rows do not match the documents' tags, types and update times: a row was added or removed outside docvault" },
    ]);
    expect(problemsAfter(`UPDATE document_tags SET tag = char(3) || 'Aardvark' WHERE tag = char(3) || 'Title 2' AND doc = ${doc('d2')}`)).toEqual([
      expect.objectContaining({ kind: 'Vault', message: 'the title list row "Aardvark" of "d2" names another title than its document (a list by title would place it wrongly)' }),
    ]);
    expect(problemsAfter(`UPDATE document_tags SET updated_at = 1 WHERE tag = char(3) || 'Title 3' AND doc = ${doc('d3')}`)).toEqual([
      expect.objectContaining({ kind: 'Vault', message: expect.stringMatching(/^the title list row "Title 3" of "d3" carries another update time than its document/) }),
    ]);
    expect(problemsAfter(`INSERT INTO document_tags (tag, updated_at, doc) VALUES (char(3) || 'Ghost', 5, 999)`)).toEqual([
      expect.objectContaining({ kind: 'Sqlite', message: 'the title list row "Ghost" belongs to no live document (row 999)' }),
    ]);
  });
});
