/**
 * verify's two depths: the default checks every document, version, tag row and counter and the search
 * index's rows against the heads; `deep` adds SQLite's whole-file check and FTS5's. Bad values of the
 * option, and a resumed run asked for another depth, are `Invalid`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import type { VerifyOptions } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';
import { withRawConnection } from '../helpers/raw-db';
import { verifyInChunks } from '../helpers/verify-in-chunks';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function setup(n: number): { vault: Vault; path: string; key: string } {
  const made = makeVault();
  cleanups.push(made.cleanup);
  made.vault.bulkCreate(Array.from({ length: n }, (_, i) => ({ id: `d${i}`, title: `Note ${i}`, metadata: { author: `Author ${i % 3}` }, content: `ledger entry ${i}`, tags: [`t${i % 4}`] })));
  return made;
}


describe('verify: the search index rows against the heads (default depth)', () => {
  it('a document missing from the index and one left in it from the Trash, across pages of 1,000 rows, in one call and in chunks', () => {
    const { vault, path, key } = setup(1200);
    vault.delete('d1100');
    // The writes' queue indexed first: the raw edits below alter an index that holds every document.
    vault.indexSearch();
    withRawConnection(path, key, (db) => {
      const doc = (id: string): number => db.prepare('SELECT doc FROM documents WHERE id = ?').pluck().get(id) as number;
      // FTS5's own commands: the index stays well formed; it lacks d300 and holds d1100, which is in the Trash.
      db.prepare("INSERT INTO search_index (search_index, rowid, title, content) VALUES ('delete', ?, 'Note 300', 'ledger entry 300')").run(doc('d300'));
      db.prepare("INSERT INTO search_index (rowid, title, content) VALUES (?, 'Note 1100', 'ledger entry 1100')").run(doc('d1100'));
    });
    vault.refresh();
    const whole = vault.verify();
    expect(whole.problems).toEqual([
      expect.objectContaining({ kind: 'Index', index: 'search_index', message: expect.stringMatching(/1 live document\(s\) not indexed, 1 indexed document\(s\) not live/) }),
    ]);
    const { report, chunks } = verifyInChunks(vault, { maxMs: 0.000001 });
    expect(report.problems).toEqual(whole.problems);
    expect(chunks).toBeGreaterThan(1200);
    vault.rebuildSearchIndex();
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('an entry left at an older version: not seen at the default depth (the keys are documents), found deep by FTS5\'s comparison, repaired by rebuild', () => {
    const { vault, path, key } = setup(20);
    vault.update('d7', { content: 'the second text of d7' });
    vault.indexSearch();
    withRawConnection(path, key, (db) => {
      const doc = db.prepare("SELECT doc FROM documents WHERE id = 'd7'").pluck().get() as number;
      const row = db.prepare('SELECT title, content, facets FROM search_source WHERE doc = ?').get(doc) as { title: string; content: string; facets: string };
      db.prepare("INSERT INTO search_index (search_index, rowid, title, content, facets) VALUES ('delete', ?, ?, ?, ?)").run(doc, row.title, row.content, row.facets);
      db.prepare('INSERT INTO search_index (rowid, title, content, facets) VALUES (?, ?, ?, ?)').run(doc, row.title, 'ledger entry 7', row.facets);
    });
    vault.refresh();
    expect(vault.search({ query: 'second' }).items).toEqual([]);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
    expect(vault.verify(undefined, { deep: true }).problems).toEqual([
      expect.objectContaining({ kind: 'Index', index: 'search_index', message: expect.stringMatching(/does not match the documents' text/) }),
    ]);
    vault.rebuildSearchIndex();
    expect(vault.search({ query: 'second' }).items.map((h) => h.id)).toEqual(['d7']);
    expect(vault.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
  });

  it('a document in the Trash is not expected in the index', () => {
    const { vault } = setup(30);
    vault.delete('d3');
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
    expect(vault.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
  });
});

describe('verify: deep', () => {
  it("an entry missing from one of the documents table's indexes: a Sqlite problem naming the index, at both depths", () => {
    const { vault, path, key } = setup(50);
    const original = withRawConnection(path, key, (db) => db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'documents_author'").pluck().get() as string);
    // Rebuild the index as a partial one without d7's row, then put its declaration back: the index lacks one entry.
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'documents_author'").run(`${original} AND id <> 'd7'`);
    });
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      db.exec('REINDEX documents_author');
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'documents_author'").run(original);
    });
    vault.refresh();
    for (const deep of [false, true]) {
      const r = vault.verify(undefined, { deep });
      expect(r.ok).toBe(false);
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.problems.every((p) => p.kind === 'Sqlite' && p.message.includes('documents_author'))).toBe(true);
      expect(verifyInChunks(vault, { maxMs: 0.000001, deep }).report.problems).toEqual(r.problems);
    }
  });

  it('the same findings as one call, in chunks; deep carried by the token', () => {
    const { vault } = setup(40);
    const one = vault.verify(undefined, { deep: true });
    expect(one).toMatchObject({ ok: true, problems: [] });
    const { report } = verifyInChunks(vault, { maxMs: 0.000001, deep: true });
    expect(report).toMatchObject({ ok: true, problems: [] });
  });

  it('bad input: deep not a boolean, or another depth than the run being resumed: Invalid', () => {
    const { vault } = setup(5);
    for (const deep of ['yes', 1, null])
      expect(() => vault.verify(undefined, { deep } as unknown as VerifyOptions)).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'deep' } }));
    const first = vault.verify(undefined, { maxMs: 0.000001 });
    expect(first.next).toBeDefined();
    expect(() => vault.verify(undefined, { maxMs: 1, from: first.next, deep: true })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'deep' } }));
    const deepFirst = vault.verify(undefined, { maxMs: 0.000001, deep: true });
    expect(() => vault.verify(undefined, { maxMs: 1, from: deepFirst.next, deep: false })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'deep' } }));
    // The same depth again is fine.
    expect(vault.verify(undefined, { from: deepFirst.next, deep: true }).ok).toBe(true);
  });
});
