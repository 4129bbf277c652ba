/**
 * The step "time rows held" (../../src/main/storage/time-rows-schema.ts): lists by update time walk rows of
 * two reserved keys in `document_tags` (every live document: char(1); its type: char(2) + type), moved by
 * the search queue's flush like tag rows, instead of `documents_updated` and `documents_type`, which every
 * update re-keyed. From a vault of the step before (`vaultBeforeStep`) left with a queued document, one
 * holding nothing and one after the mark, as a writer of that step leaves them when it stops without
 * closing: the step adds the rows a flush would have left, drops the two indexes, and every list by update
 * time pages as the indexes gave it. Then the write path: rows move at the flush, a list flushes first, a
 * purge takes them at once, verify names a row missing, stale or of another type.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { TIME_ROWS_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { SEARCH_MARK_KEY } from '../../src/main/storage/search-mark-schema';
import { facetsOf } from '../../src/main/storage/search-facets';
import { vaultBeforeStep } from '../helpers/before-step';
import { listAll } from '../helpers/list-all';
import { withRawConnection } from '../helpers/raw-db';
import { makeVault } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** The reserved keys' rows, readable: "all id@time" / "type:<t> id@time". */
function timeRows(db: Database.Database): string[] {
  return db
    .prepare(
      "SELECT CASE WHEN t.tag = char(1) THEN 'all' ELSE 'type:' || substr(t.tag, 2) END || ' ' || coalesce(d.id, '?' || t.doc) || '@' || t.updated_at FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE t.tag < char(3) ORDER BY 1",
    )
    .pluck()
    .all() as string[];
}

/** What a flush leaves for heads `where` selects: each live head's two rows at its update time. */
function headTimeRows(db: Database.Database, where = 'true'): string[] {
  return db
    .prepare(
      `SELECT k || ' ' || id || '@' || updated_at FROM (SELECT 'all' AS k, id, updated_at FROM documents WHERE trashed_at IS NULL AND ${where}
         UNION ALL SELECT 'type:' || type, id, updated_at FROM documents WHERE trashed_at IS NULL AND ${where}) ORDER BY 1`,
    )
    .pluck()
    .all() as string[];
}

/** The live ids by update time, newest first, as the dropped indexes ordered them (plain SQL). */
function byTime(db: Database.Database, type?: string): string[] {
  const sql = `SELECT id FROM documents WHERE trashed_at IS NULL ${type === undefined ? '' : 'AND type = ?'} ORDER BY updated_at DESC, doc DESC`;
  return (type === undefined ? db.prepare(sql).pluck().all() : db.prepare(sql).pluck().all(type)) as string[];
}

const TYPES = ['note', 'task', ''];

describe('migration: time rows held', () => {
  it('upgrades a vault of the step before: the rows a flush would have left, the two indexes gone, every list by update time as they gave it', () => {
    const f = vaultBeforeStep(TIME_ROWS_STEP, cleanups, (v) => {
      for (let i = 0; i < 9; i++) v.create({ id: `d${i}`, content: `entry ${i}`, type: TYPES[i % 3] as string, tags: [`t${i % 2}`] });
      v.update('d0', { content: 'entry 0, later' });
      v.update('d5', { type: 'note' });
      v.delete('d7');
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TIME_ROWS_STEP - 1);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('documents_updated', 'documents_type')").pluck().get()).toBe(2);
      expect(timeRows(db)).toEqual([]);
      // Left by a writer of the step before that stopped without a flush: d1 queued holding its current
      // version, d4 holding none (its entry and tag rows taken out, as if new), d8 after the mark.
      db.exec("INSERT INTO search_queue (doc, indexed) SELECT doc, (doc << 24) + version FROM documents WHERE id = 'd1'");
      for (const id of ['d4', 'd8']) {
        db.exec(`INSERT INTO search_index (search_index, rowid, title, content, facets)
                   SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version WHERE d.id = '${id}'`);
        db.exec(`DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = '${id}')`);
      }
      db.exec("INSERT INTO search_queue (doc, indexed) SELECT doc, 0 FROM documents WHERE id = 'd4'");
      db.exec(`UPDATE counters SET n = (SELECT doc FROM documents WHERE id = 'd8') - 1 WHERE key = '${SEARCH_MARK_KEY}'`);
      expect(() => checkSearchIndex(db)).not.toThrow();
      return { all: byTime(db), types: TYPES.map((t) => byTime(db, t)) };
    });
    // The fixture's own documents and these (d7 in the Trash).
    expect(before.all).toEqual(expect.arrayContaining(['d0', 'd1', 'd4', 'd8']));
    expect(before.all).not.toContain('d7');
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.isOpen && v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('documents_updated', 'documents_type')").pluck().get()).toBe(0);
      // Every live head's rows but d4's (queued holding none) and d8's (after the mark); d1's are those of the
      // version the index holds, which is its current one.
      expect(timeRows(db)).toEqual(headTimeRows(db, "id NOT IN ('d4', 'd8')"));
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    // A list by update time flushes first on the writer: every live document, in the indexes' order, on pages of 3.
    expect(listAll(v, { limit: 3 })).toEqual(before.all);
    TYPES.forEach((type, i) => expect(listAll(v, { type, limit: 2 })).toEqual(before.types[i]));
    expect(listAll(v, { sort: 'updated', order: 'asc', limit: 4 })).toEqual([...before.all].reverse());
    withRawConnection(f.path, f.key, (db) => expect(timeRows(db)).toEqual(headTimeRows(db)));
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('writes move the rows at the flush; a list by update time flushes first; a purge takes them at once', () => {
    const { vault: v, path, key } = makeVault({ idleCheckpointMs: 600_000 });
    cleanups.push(() => v.isOpen && v.close());
    const raw = (fn: (db: Database.Database) => void): void => withRawConnection(path, key, fn);
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) v.create({ id, content: `text ${id}`, type: TYPES[i % 3] as string });
    raw((db) => expect(timeRows(db)).toEqual([]));
    expect(v.list().items.map((d) => d.id)).toEqual(['d', 'c', 'b', 'a']);
    raw((db) => expect(timeRows(db)).toEqual(headTimeRows(db)));
    let before: string[] = [];
    raw((db) => (before = timeRows(db)));
    // Retyped and moved to the top: its rows wait for the flush (no list, no search since)...
    v.update('a', { type: 'task', content: 'text a, again' });
    v.delete('c');
    raw((db) => expect(timeRows(db)).toEqual(before));
    // ...which a list by update time runs first, by type too.
    expect(v.list({ type: 'task' }).items.map((d) => d.id)).toEqual(['a', 'b']);
    expect(v.list({ type: 'note' }).items.map((d) => d.id)).toEqual(['d']);
    expect(v.list().items.map((d) => d.id)).toEqual(['a', 'd', 'b']);
    raw((db) => expect(timeRows(db)).toEqual(headTimeRows(db)));
    v.undelete('c');
    expect(v.list({ type: '' }).items.map((d) => d.id)).toEqual(['c']);
    // A purge deletes a document's rows in its own commit, whatever the queue holds.
    v.update('b', { content: 'text b, queued' });
    v.purge('b');
    v.purge('d');
    raw((db) => expect(timeRows(db).filter((r) => / (b|d)@/.test(r))).toEqual([]));
    // Undeleted, c keeps its update time (older than a's).
    expect(v.list().items.map((d) => d.id)).toEqual(['a', 'c']);
    raw((db) => expect(timeRows(db)).toEqual(headTimeRows(db)));
    // Sorted by creation or title, a list reads the heads (no flush needed, none run).
    v.update('a', { content: 'text a, third' });
    expect(v.list({ sort: 'created' }).items.map((d) => d.id)).toEqual(['c', 'a']);
    raw((db) => expect(timeRows(db)).not.toEqual(headTimeRows(db)));
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('verify names a row missing, one at another time, one under another type', () => {
    const { vault: v, path, key } = makeVault({ idleCheckpointMs: 600_000 });
    cleanups.push(() => v.isOpen && v.close());
    for (let i = 0; i < 6; i++) v.create({ id: `d${i}`, content: `text ${i}`, type: TYPES[i % 3] as string, tags: ['x'] });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    const doc = (id: string): string => `(SELECT doc FROM documents WHERE id = '${id}')`;
    const problemsAfter = (sql: string): readonly { kind: string; message: string }[] => {
      withRawConnection(path, key, (db) => db.exec(sql));
      v.refresh();
      const r = v.verify();
      withRawConnection(path, key, (db) => {
        db.exec('DELETE FROM document_tags');
        db.exec(
          "INSERT INTO document_tags (tag, updated_at, doc) SELECT j.value, CASE WHEN j.value >= char(3) AND j.value < char(4) THEN 0 ELSE d.updated_at END, d.doc FROM documents d, json_each(json_insert(d.tags, '$[#]', char(1), '$[#]', char(2) || d.type, '$[#]', char(3) || d.title)) j WHERE d.trashed_at IS NULL",
        );
      });
      v.refresh();
      expect(v.verify()).toMatchObject({ ok: true, problems: [] });
      return r.problems;
    };
    expect(problemsAfter(`DELETE FROM document_tags WHERE tag = char(1) AND doc = ${doc('d2')}`)).toEqual([
      { kind: 'Vault', message: "the tag rows do not match the documents' tags, types and update times: a row was added or removed outside docvault" },
    ]);
    expect(problemsAfter(`UPDATE document_tags SET updated_at = 1 WHERE tag = char(1) AND doc = ${doc('d3')}`)).toEqual([
      expect.objectContaining({ kind: 'Vault', message: expect.stringMatching(/^the update-time list row of "d3" carries another update time than its document/) }),
    ]);
    expect(problemsAfter(`UPDATE document_tags SET tag = char(2) || 'task' WHERE tag = char(2) || 'note' AND doc = ${doc('d0')}`)).toEqual([
      expect.objectContaining({ kind: 'Vault', message: 'the update-time list row of type "task" of "d0" names another type than its document (a list of either type would be wrong)' }),
    ]);
    expect(problemsAfter(`INSERT INTO document_tags (tag, updated_at, doc) VALUES (char(1), 5, 999)`)).toEqual([
      expect.objectContaining({ kind: 'Sqlite', message: 'the update-time list row belongs to no live document (row 999)' }),
    ]);
  });
});
