/**
 * The step "versions in append order" (../../src/main/storage/versions-order-schema.ts): `versions` rebuilt
 * with a sequence key and its version key under a UNIQUE index. From a vault of the step before
 * (`vaultBeforeStep`) with history, a document in the Trash, an attachment and a document still waiting
 * for the search index: every row carried over unchanged, the views and triggers that name the table made
 * again as they were, reads and verify as before, and new versions appended at the end. A failure inside
 * the step leaves the vault at the step before. verify names the key index when it no longer matches the rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_VERSION, Vault, migrate } from '../../src/main/storage';
import { VERSIONS_ORDER_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { VERSION_ROW_COLUMNS } from '../../src/main/storage/versions-order-schema';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';
import { makeVault, tempDir } from '../helpers/tmp';
import { undoStepsAfter } from '../helpers/later-steps';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** Every version row by key, the columns every layout has. */
const rows = (db: Database.Database): unknown[] => db.prepare(`SELECT ${VERSION_ROW_COLUMNS} FROM versions ORDER BY vid`).raw().all();
/** The views and triggers that name `versions`, with their SQL. */
const dependents = (db: Database.Database): unknown[] =>
  db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') AND (tbl_name = 'versions' OR sql LIKE '%versions%') ORDER BY name").all();

/** Whether the vault file or its WAL holds `text`. */
const inFiles = (path: string, text: string): boolean =>
  [path, `${path}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text, 'utf8')));

/** Heads whose pointer does not name their current version's row. */
const pointersOff = (db: Database.Database): number =>
  db.prepare('SELECT count(*) FROM documents d LEFT JOIN versions v ON v.seq = d.current_seq WHERE v.vid IS NOT (d.doc << 24) + d.version').pluck().get() as number;

describe(`migration: versions in append order (from step ${VERSIONS_ORDER_STEP - 1})`, () => {
  it('carries every row and dependent over unchanged; reads, search and verify as before; new versions go at the end', () => {
    const f = vaultBeforeStep(VERSIONS_ORDER_STEP, cleanups, (v) => {
      for (let i = 0; i < 12; i++) v.create({ id: `d${i}`, title: `Ledger ${i}`, content: `entry ${i}`, tags: [`t${i % 3}`] });
      for (let n = 0; n < 4; n++) v.update('d3', { content: `entry 3, revision ${n}` });
      v.update('d7', { title: 'Ledger seven' });
      const t = v.beginAttachment('d5', { name: 'scan.txt', mediaType: 'text/plain' });
      v.putAttachmentChunk(t.uploadId, 0, Buffer.from('attached bytes'));
      v.commitAttachment('d5', t.uploadId);
      v.delete('d9');
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(VERSIONS_ORDER_STEP - 1);
      expect(db.prepare("SELECT count(*) FROM pragma_table_info('versions') WHERE name = 'seq'").pluck().get()).toBe(0);
      return { rows: rows(db), dependents: dependents(db) };
    });
    // The fixture's own versions and the 19 written above.
    expect(before.rows.length).toBeGreaterThanOrEqual(19);
    // The step alone (on a copy: a later step makes the search view and triggers again) keeps every dependent as it was.
    const copy = `${f.path}.step-only`;
    copyFileSync(f.path, copy);
    withRawConnection(copy, f.key, (db) => {
      migrate(db, VERSIONS_ORDER_STEP);
      expect(dependents(db)).toEqual(before.dependents);
    });
    const steps: number[] = [];
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, onMigration: (p) => steps.push(p.done) });
    cleanups.push(() => v.close());
    expect(steps.some((d) => d > 0 && d < 1)).toBe(true);
    v.close();
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(rows(db)).toEqual(before.rows);
      expect(dependents(db)).toEqual(withRawConnection(copy, f.key, (c) => (migrate(c), dependents(c))));
      expect(pointersOff(db)).toBe(0);
      const current = db.prepare(`EXPLAIN QUERY PLAN SELECT v.content FROM documents d LEFT JOIN versions v ON v.seq = d.current_seq AND v.vid = (d.doc << 24) + d.version WHERE d.id = ?`).all('d3') as { detail: string }[];
      expect(current.map((p) => p.detail).join(' ')).toMatch(/SEARCH v USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'versions_vid'").pluck().get()).toMatch(/UNIQUE INDEX versions_vid ON versions \(vid\)/);
      // Copied in key order: the sequence follows the keys.
      expect(db.prepare('SELECT vid FROM versions ORDER BY seq').pluck().all()).toEqual(db.prepare('SELECT vid FROM versions ORDER BY vid').pluck().all());
      // A lookup by key reads the index, not the table in order.
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT content FROM versions WHERE vid = ?').all(1) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX versions_vid/);
    });
    const again = Vault.openSync(f.path, { key: { rawKey: f.key } });
    cleanups.push(() => again.close());
    expect(again.verify()).toMatchObject({ ok: true, problems: [] });
    expect(again.get('d3').content).toBe('entry 3, revision 3');
    expect(again.versions('d3').map((x) => x.version)).toEqual([1, 2, 3, 4, 5]);
    expect(again.getVersion('d3', 2).content).toBe('entry 3, revision 0');
    expect(again.get('d5').attachments?.map((a) => a.name)).toEqual(['scan.txt']);
    expect(again.search({ query: 'seven' }).items.map((i) => i.id)).toEqual(['d7']);
    // An update of the oldest document appends its row after every other one.
    again.update('d0', { content: 'entry 0, later' });
    again.undelete('d9');
    expect(again.verify()).toMatchObject({ ok: true, problems: [] });
    again.close();
    withRawConnection(f.path, f.key, (db) => {
      const last = db.prepare('SELECT vid >> 24, vid & 16777215 FROM versions ORDER BY seq DESC LIMIT 1').raw().get();
      expect(last).toEqual([db.prepare("SELECT doc FROM documents WHERE id = 'd0'").pluck().get(), 2]);
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(pointersOff(db)).toBe(0);
    });
  });

  it('keeps the erasure promise: once the document is purged, no copy of a row the step moved is left in the file', () => {
    const { dir, cleanup } = tempDir('docvault-erase-');
    cleanups.push(cleanup);
    const path = join(dir, 'plain.dvault');
    const secret = 'unmistakable-secret-4711';
    const v = Vault.createSync(path, { key: { encryption: false } });
    for (let i = 0; i < 200; i++) v.create({ id: `keep-${i}`, content: `kept ${i} `.repeat(300) });
    v.create({ id: 'gone', content: `${secret} one `.repeat(50) });
    v.update('gone', { content: `${secret} two `.repeat(50) });
    v.close();
    // Back at the step before, compacted: one copy of each row in the file (the undo's own rebuild leaves none behind).
    const raw = new Database(path, { fileMustExist: true });
    try {
      undoStepsAfter(raw, VERSIONS_ORDER_STEP - 1);
      raw.exec('VACUUM');
    } finally {
      raw.close();
    }
    expect(inFiles(path, secret)).toBe(true);
    const again = Vault.openSync(path, { key: { encryption: false } });
    expect(again.versions('gone').length).toBe(2);
    again.purge('gone');
    again.close();
    expect(inFiles(path, secret)).toBe(false);
  });

  it('a failure inside the step leaves the vault at the step before, and the next open upgrades it', () => {
    const f = vaultBeforeStep(VERSIONS_ORDER_STEP, cleanups, (v) => {
      for (let i = 0; i < 5; i++) v.create({ id: `d${i}`, content: `entry ${i}` });
    });
    const before = withRawConnection(f.path, f.key, (db) => rows(db));
    expect(() =>
      Vault.openSync(f.path, {
        key: { rawKey: f.key },
        // The step's own progress (between 0 and 1): the rows are copied, the old table not yet dropped.
        onMigration: (p) => {
          if (p.done > 0 && p.done < 1) throw new Error('stopped inside the step');
        },
      }),
    ).toThrow(/stopped inside the step/);
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(VERSIONS_ORDER_STEP - 1);
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('versions_rebuilt', 'versions_vid')").pluck().get()).toBe(0);
      expect(rows(db)).toEqual(before);
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key } });
    cleanups.push(() => v.close());
    expect(v.verify()).toMatchObject({ ok: true });
    expect(v.get('d4').content).toBe('entry 4');
  });
});

describe('verify: the versions key index against its rows', () => {
  /** Runs `edit` while `versions_vid` is declared partial, leaving out `vid` (SQLite then keeps no entry for it), then puts the declaration back. */
  function withoutIndexing(path: string, key: string, vid: number, edit: (db: Database.Database) => void): void {
    const original = withRawConnection(path, key, (db) => db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'versions_vid'").pluck().get() as string);
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'versions_vid'").run(`${original} WHERE vid <> ${vid}`);
    });
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      edit(db);
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'versions_vid'").run(original);
    });
  }

  it('a version row whose key has no index entry: named as the index; the current read by the pointer is sound, the history by key lacks it', () => {
    const { vault, path, key } = makeVault();
    cleanups.push(() => vault.close());
    for (let i = 0; i < 6; i++) vault.create({ id: `d${i}`, content: `entry ${i}` });
    vault.update('d2', { content: 'entry 2, later' });
    const vid = withRawConnection(path, key, (db) => db.prepare("SELECT (doc << 24) + 2 FROM documents WHERE id = 'd2'").pluck().get() as number);
    // The row is deleted (its entry with it), then put back while the index leaves it out.
    const row = withRawConnection(path, key, (db) => db.prepare('SELECT * FROM versions WHERE vid = ?').get(vid) as Record<string, unknown>);
    withRawConnection(path, key, (db) => db.prepare('DELETE FROM versions WHERE vid = ?').run(vid));
    withoutIndexing(path, key, vid, (db) => {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO versions (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
    });
    vault.refresh();
    const r = vault.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^index versions_vid of table versions has 6 entries for 7 rows/) }));
    // The current version is read through the head's pointer and is sound; the history, read by key, lacks it.
    expect(vault.get('d2').content).toBe('entry 2, later');
    expect(() => vault.versions('d2')).toThrow(expect.objectContaining({ kind: 'Integrity' }));
  });
});

describe("the head's pointer to its current version's row", () => {
  it('every write path leaves it on the current version row', () => {
    const { vault, path, key } = makeVault();
    cleanups.push(() => vault.close());
    vault.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ id: `b${i}`, content: `bulk ${i}` })));
    vault.create({ id: 'a', content: 'one' });
    vault.update('a', { content: 'two' });
    vault.put({ id: 'a', content: 'three' });
    vault.put({ id: 'p', content: 'new by put' });
    vault.restore('a', 1);
    vault.bulkPut([{ id: 'b3', content: 'bulk 3, put' }, { id: 'q', content: 'new by bulkPut' }]);
    const t = vault.beginAttachment('b4', { name: 'f.txt' });
    vault.putAttachmentChunk(t.uploadId, 0, Buffer.from('file'));
    vault.commitAttachment('b4', t.uploadId);
    vault.detach('b4', 'f.txt');
    vault.delete('b5');
    vault.undelete('b5');
    vault.delete('b6');
    vault.purge('b6');
    withRawConnection(path, key, (db) => {
      expect(db.prepare('SELECT count(*) FROM documents WHERE current_seq IS NULL').pluck().get()).toBe(0);
      expect(pointersOff(db)).toBe(0);
    });
  });

  it('a pointer that is missing or names another row only costs a second lookup: reads and writes answer as before', () => {
    const { vault, path, key } = makeVault();
    cleanups.push(() => vault.close());
    for (let i = 0; i < 4; i++) vault.create({ id: `d${i}`, content: `entry ${i}` });
    vault.update('d1', { content: 'entry 1, later' });
    withRawConnection(path, key, (db) => {
      db.prepare("UPDATE documents SET current_seq = NULL WHERE id = 'd0'").run();
      // d1's pointer moved to its own older version's row, d2's to another document's current row.
      db.prepare("UPDATE documents SET current_seq = (SELECT min(seq) FROM versions WHERE vid >> 24 = documents.doc) WHERE id = 'd1'").run();
      db.prepare("UPDATE documents SET current_seq = (SELECT current_seq FROM documents WHERE id = 'd3') WHERE id = 'd2'").run();
    });
    vault.refresh();
    expect(['d0', 'd1', 'd2', 'd3'].map((id) => vault.get(id).content)).toEqual(['entry 0', 'entry 1, later', 'entry 2', 'entry 3']);
    expect(vault.update('d1', { content: 'entry 1, third' }).version).toBe(3);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
    withRawConnection(path, key, (db) => expect(pointersOff(db)).toBe(2));
  });
});

