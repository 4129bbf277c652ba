/**
 * verify's default depth checks each table's indexes against its rows by sequential scans and keyed
 * digests (engine/verify-indexes.ts), not by `integrity_check`'s lookups: an entry missing, an entry
 * holding another value than its row, and a row changed without its index are each found and name the
 * index, in one call and in chunks that stop inside the scans. Tables are damaged through a raw
 * connection holding the page key: the index's declaration is swapped for a partial one (so SQLite stops
 * keeping the entries it excludes), then put back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Vault } from '../../src/main/storage';
import type { VerifyReport } from '../../src/shared/types';
import { asReadable } from '../../src/main/storage/engine/db';
import { planTable } from '../../src/main/storage/engine/verify-indexes';
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
  made.vault.bulkCreate(Array.from({ length: n }, (_, i) => ({ id: `d${i}`, title: `Note ${i}`, metadata: { author: `Author ${i}` }, content: `ledger entry ${i}`, type: i % 2 === 0 ? 'note' : 'task' })));
  return made;
}


/**
 * Runs `edit` on a raw connection while index `index` of `documents` is declared partial (or more partial), leaving out the
 * row of `id`: SQLite neither adds, removes nor changes that row's entry meanwhile. The declaration is put
 * back after (without a REINDEX: the index keeps what it held).
 */
function withoutIndexing(path: string, key: string, index: string, id: string, edit: (db: Database.Database) => void): void {
  const original = withRawConnection(path, key, (db) => db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(index) as string);
  withRawConnection(path, key, (db) => {
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    db.prepare('UPDATE sqlite_schema SET sql = ? WHERE name = ?').run(`${original} ${original.includes(' WHERE ') ? 'AND' : 'WHERE'} id <> '${id}'`, index);
  });
  withRawConnection(path, key, (db) => {
    db.unsafeMode(true);
    edit(db);
    db.pragma('writable_schema = ON');
    db.prepare('UPDATE sqlite_schema SET sql = ? WHERE name = ?').run(original, index);
  });
}

/** The default depth's problems, in one call and in chunks (which must agree); the chunks must have stopped inside the scans. */
function defaultProblems(vault: Vault): VerifyReport['problems'] {
  vault.refresh();
  const whole = vault.verify();
  const { report, chunks } = verifyInChunks(vault, { maxMs: 0.000001 });
  expect(report.problems).toEqual(whole.problems);
  expect(chunks).toBeGreaterThan(1200);
  return whole.problems;
}

describe('verify: indexes against their rows at the default depth', () => {
  it('every table with indexes in a new vault is checked by scans, not left to integrity_check', () => {
    const { path, key } = setup(3);
    withRawConnection(path, key, (raw) => {
      const db = asReadable(raw);
      // Rowid tables: a WITHOUT ROWID table's primary key index is the table itself (integrity_check reads it in order).
      const tables = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'shadow') AND wr = 0 AND name NOT IN ('search_index') AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
      const withIndexes = tables.filter((t) => (db.prepare('SELECT count(*) FROM pragma_index_list(?)').pluck().get(t) as number) > 0);
      expect(withIndexes).toContain('documents');
      // Since schema step "versions in append order" versions has a key index, checked the same way.
      expect(withIndexes).toContain('versions');
      expect(planTable(db, 'versions')?.indexes.map((i) => i.name)).toEqual(['versions_vid']);
      for (const t of withIndexes) expect(planTable(db, t), t).toBeDefined();
      expect(planTable(db, 'documents')?.indexes.map((i) => i.name).sort()).toEqual(
        // documents_type and documents_updated went at schema step "time rows held", documents_title at "title rows held" (their rows live in document_tags).
        ['documents_author', 'documents_trashed', 'sqlite_autoindex_documents_1'].sort(),
      );
    });
  });

  it('a sound vault: no problems, in one call and in chunks that stop inside the scans', () => {
    const { vault } = setup(1300);
    vault.delete('d5');
    // Long and non-ASCII values: entries of many blocks, staged beside short ones.
    vault.update('d40', { title: `Ünïcode ${'long title '.repeat(22)}` });
    vault.update('d41', { title: '😀 emoji and ｆｕｌｌ width' });
    expect(defaultProblems(vault)).toEqual([]);
  });

  it('an index entry removed', () => {
    const { vault, path, key } = setup(1300);
    // d700's row is deleted while the index keeps its entry, then put back while the index ignores it.
    const row = withRawConnection(path, key, (db) => db.prepare("SELECT * FROM documents WHERE id = 'd700'").get() as Record<string, unknown>);
    withRawConnection(path, key, (db) => db.prepare("DELETE FROM documents WHERE id = 'd700'").run());
    withoutIndexing(path, key, 'documents_author', 'd700', (db) => {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO documents (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
    });
    const problems = defaultProblems(vault);
    expect(problems).toEqual([expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^index documents_author of table documents has 1299 entries for 1300 rows/) })]);
  });

  it('an index entry holding a value its row does not have', () => {
    const { vault, path, key } = setup(1300);
    // The entry is moved to another author, then the row put back while the index ignores it.
    withRawConnection(path, key, (db) => db.prepare("UPDATE documents SET author = 'Elsewhere' WHERE id = 'd900'").run());
    withoutIndexing(path, key, 'documents_author', 'd900', (db) => db.prepare("UPDATE documents SET author = 'Author 900' WHERE id = 'd900'").run());
    const problems = defaultProblems(vault);
    expect(problems).toEqual([expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^index documents_author of table documents does not match the table's rows/) })]);
  });

  it('a table row changed without its index', () => {
    const { vault, path, key } = setup(1300);
    withoutIndexing(path, key, 'documents_author', 'd1100', (db) => db.prepare("UPDATE documents SET author = 'Renamed' WHERE id = 'd1100'").run());
    const problems = defaultProblems(vault);
    // The head's tag fails too (the row was edited without the key); the index is named on its own.
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^index documents_author of table documents does not match the table's rows/) }));
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'Head', id: 'd1100' }));
  });

  it('deep finds the same through integrity_check', () => {
    const { vault, path, key } = setup(30);
    withRawConnection(path, key, (db) => db.prepare("UPDATE documents SET author = 'Elsewhere' WHERE id = 'd9'").run());
    withoutIndexing(path, key, 'documents_author', 'd9', (db) => db.prepare("UPDATE documents SET author = 'Author 9' WHERE id = 'd9'").run());
    vault.refresh();
    const r = vault.verify(undefined, { deep: true });
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems.every((p) => p.kind === 'Sqlite' && p.message.includes('documents_author'))).toBe(true);
  });

  it('versions: its key index is still compared with its rows; its pages\' quick_check is left to deep', () => {
    const { vault, path, key } = setup(40);
    // A row that breaks the table's CHECK (its version no longer the key's low bits), written past the constraint.
    withRawConnection(path, key, (db) => {
      db.pragma('ignore_check_constraints = ON');
      db.prepare("UPDATE versions SET version = 7 WHERE vid = (SELECT (doc << 24) + 1 FROM documents WHERE id = 'd3')").run();
    });
    vault.refresh();
    const problems = vault.verify().problems;
    // The document phase reads every row of versions: the edited one fails its version's tag there.
    expect(problems.some((p) => p.kind !== 'Sqlite' && 'id' in p && p.id === 'd3')).toBe(true);
    // quick_check(versions), which names the CHECK, is not run at the default depth (PAGES_READ_BY_OTHER_PHASES) ...
    expect(problems.filter((p) => p.kind === 'Sqlite')).toEqual([]);
    // ... the deep verify's integrity_check is.
    const deep = vault.verify(undefined, { deep: true });
    expect(deep.problems).toContainEqual(expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/CHECK constraint failed in versions/) }));
  });

  /**
   * Runs `edit` while `table` is declared without STRICT and `column` without a type (so a value of another type
   * is written as it is, not converted by the column's affinity), then declares both as they were.
   */
  function pastStrict(path: string, key: string, table: string, column: string, edit: (db: Database.Database) => void): void {
    const original = withRawConnection(path, key, (db) => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as string);
    expect(original).toMatch(/\) STRICT/);
    const set = (db: Database.Database, sql: string): void => {
      db.unsafeMode(true);
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?").run(sql, table);
    };
    const loose = original.replace(/\) STRICT/, ')').replace(new RegExp(`\\b${column} INTEGER\\b`), `${column} BLOB`);
    expect(loose).toContain(`${column} BLOB`);
    withRawConnection(path, key, (db) => set(db, loose));
    withRawConnection(path, key, (db) => {
      edit(db);
      set(db, original);
    });
  }

  it("documents: its pages' quick_check is left to deep; the document phase checks each head's column types", () => {
    const { vault, path, key } = setup(40);
    // A head's update time (INTEGER) written as text of the same digits: its tag still matches (a tag encodes a
    // number by its digits), so only a check of the type finds it.
    pastStrict(path, key, 'documents', 'updated_at', (db) => db.prepare("UPDATE documents SET updated_at = CAST(updated_at AS TEXT) WHERE id = 'd3'").run());
    expect(withRawConnection(path, key, (db) => db.prepare("SELECT typeof(updated_at) FROM documents WHERE id = 'd3'").pluck().get())).toBe('text');
    vault.refresh();
    const problems = vault.verify().problems;
    // The document phase names it in SQLite's words, and nothing else: quick_check(documents) did not run.
    expect(problems).toEqual([expect.objectContaining({ kind: 'Sqlite', id: 'd3', message: 'non-INTEGER value in documents.updated_at (document "d3")' })]);
    // The deep verify's integrity_check finds it too.
    const deep = vault.verify(undefined, { deep: true });
    expect(deep.problems).toContainEqual(expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^non-INTEGER value in documents\.updated_at$/) }));
  });

  it('versions: a value of the wrong type is found by the document phase at the default depth', () => {
    const { vault, path, key } = setup(40);
    pastStrict(path, key, 'versions', 'created_at', (db) => db.prepare("UPDATE versions SET created_at = CAST(created_at AS TEXT) WHERE vid = (SELECT (doc << 24) + 1 FROM documents WHERE id = 'd5')").run());
    vault.refresh();
    expect(vault.verify().problems).toEqual([expect.objectContaining({ kind: 'Sqlite', id: 'd5', version: 1, message: 'non-INTEGER value in versions.created_at (document "d5", version 1)' })]);
  });

  it("document_tags: its pages' check is left to the tag-row phase, which checks each row's column types", () => {
    const { vault, path, key } = setup(40);
    // The search queue's flush writes a document's list rows (a verify on the writer flushes first).
    expect(vault.verify().ok).toBe(true);
    // A list row's time (INTEGER) written as text of the same digits: the tag rows' keyed sum reads it as the number.
    pastStrict(path, key, 'document_tags', 'updated_at', (db) => {
      const row = db.prepare("SELECT tag, updated_at, doc FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd3') AND updated_at > 0 LIMIT 1").get();
      expect(db.prepare('UPDATE document_tags SET updated_at = CAST(updated_at AS TEXT) WHERE (tag, updated_at, doc) = (@tag, @updated_at, @doc)').run(row).changes).toBe(1);
    });
    const doc = withRawConnection(path, key, (db) => db.prepare("SELECT doc FROM documents WHERE id = 'd3'").pluck().get() as number);
    vault.refresh();
    const problems = vault.verify().problems;
    // The tag-row phase names it; integrity_check(document_tags) did not run at the default depth.
    expect(problems).toEqual([expect.objectContaining({ kind: 'Sqlite', message: `non-INTEGER value in document_tags.updated_at (a row of document row ${doc})` })]);
    const deep = vault.verify(undefined, { deep: true });
    expect(deep.problems).toContainEqual(expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^non-INTEGER value in document_tags\.updated_at$/) }));
  });

  it('versions: an entry missing from versions_vid is found at the default depth', () => {
    const { vault, path, key } = setup(1300);
    const vid = withRawConnection(path, key, (db) => db.prepare("SELECT (doc << 24) + 1 FROM documents WHERE id = 'd700'").pluck().get() as number);
    const original = withRawConnection(path, key, (db) => db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'versions_vid'").pluck().get() as string);
    // The row is deleted (its entry with it), then put back while the index is declared without it.
    const row = withRawConnection(path, key, (db) => {
      const r = db.prepare('SELECT * FROM versions WHERE vid = ?').get(vid) as Record<string, unknown>;
      db.prepare('DELETE FROM versions WHERE vid = ?').run(vid);
      db.unsafeMode(true);
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'versions_vid'").run(`${original} WHERE vid <> ${vid}`);
      return r;
    });
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO versions (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'versions_vid'").run(original);
    });
    const problems = defaultProblems(vault);
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'Sqlite', message: expect.stringMatching(/^index versions_vid of table versions has 1299 entries for 1300 rows/) }));
  });

  it('a token of an older build (v4) or with a malformed index state is refused: Invalid', () => {
    const { vault } = setup(1300);
    let r = vault.verify(undefined, { maxMs: 0.000001 });
    const decode = (t: string): Record<string, unknown> => JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as Record<string, unknown>;
    const encode = (o: Record<string, unknown>): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(() => vault.verify(undefined, { from: encode({ ...decode(r.next as string), v: 4 }) })).toThrow(expect.objectContaining({ kind: 'Invalid', details: { field: 'from' } }));
    // Go on until a chunk stops inside a table's index check.
    while (r.next !== undefined && decode(r.next)['ix'] === undefined) r = vault.verify(undefined, { maxMs: 0.000001, from: r.next });
    expect(r.next).toBeDefined();
    const inside = decode(r.next as string);
    expect(() => vault.verify(undefined, { from: encode({ ...inside, ix: { step: 1, at: null, rows: [['zz', 1]], entries: ['0'.repeat(32), 0] } }) })).toThrow(
      expect.objectContaining({ kind: 'Invalid', details: { field: 'from' } }),
    );
    expect(vault.verify(undefined, { from: r.next }).ok).toBe(true);
  });
});
