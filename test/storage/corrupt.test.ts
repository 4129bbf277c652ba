/**
 * Damage, not tampering: stored JSON that does not parse, and a flipped byte in an encrypted page. Each
 * is reported for what it affects (Integrity / Corrupt naming the document), never as a wrong key, and
 * the rest of the vault stays readable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, openSync, closeSync, readSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { integrityCheckProblems } from '../../src/main/storage/engine/verify-sqlite';
import { Vault } from '../../src/main/storage';
import { hexKey, makeVault, tempDir } from '../helpers/tmp';
import { withRawConnection } from '../helpers/tamper';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, offset);
    b[0] = (b[0] as number) ^ 0x40;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

describe('damaged vaults', () => {
  it('a damaged page of the search index\'s config fails open as Corrupt (it is read while the statements are prepared), not untyped', () => {
    const made = makeVault();
    cleanups.push(made.cleanup);
    for (let i = 0; i < 4; i++) made.vault.create({ id: `d${i}`, content: `c${i}` });
    made.vault.close();
    const page = withRawConnection(made.path, made.key, (db) => db.prepare("SELECT pageno FROM dbstat WHERE name = 'search_index_config'").pluck().get() as number);
    flipByte(made.path, (page - 1) * 4096 + 100);
    let error: unknown;
    try {
      Vault.openSync(made.path, { key: { rawKey: made.key } }).close();
    } catch (err) {
      error = err;
    }
    // Found by the bench's tamper fault suite (seed 916231918): before, a raw SqliteError ("vtable constructor failed").
    expect(error).toMatchObject({ kind: 'Corrupt', message: expect.stringMatching(/^Opening the vault: part of the vault file is damaged/) });
  });

  it('a row whose stored tags or metadata JSON is corrupt is flagged in list(), not an error for the page', () => {
    const made = makeVault();
    cleanups.push(made.cleanup);
    for (let i = 0; i < 4; i++) made.vault.create({ id: `d${i}`, content: `c${i}`, tags: ['x'] });
    // A vault at rest: its tag rows written (they move with the search queue's flush).
    made.vault.indexSearch();
    withRawConnection(made.path, made.key, (db) => {
      db.prepare("UPDATE documents SET tags = '[not json' WHERE id = 'd1'").run();
      db.prepare("UPDATE documents SET metadata = '\"a string\"' WHERE id = 'd2'").run();
    });
    made.vault.refresh();
    const page = made.vault.list();
    expect(page.items).toHaveLength(4);
    expect(page.items.filter((d) => d.integrityFailed === true).map((d) => d.id).sort()).toEqual(['d1', 'd2']);
    expect(page.items.find((d) => d.id === 'd1')?.tags).toEqual([]);
    expect(made.vault.list({ tag: 'x' }).items).toHaveLength(4);
    expect(() => made.vault.get('d1')).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    expect(made.vault.get('d0').content).toBe('c0');
  });

  it('one flipped byte in an encrypted page: Corrupt naming the document, not NotAVault; verify goes on through the rest', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'flip.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    // Large, distinct contents: most pages are overflow pages of one version each.
    for (let i = 0; i < 40; i++) v.create({ id: `doc-${i}`, content: `${i}:`.padEnd(20_000, String.fromCharCode(97 + (i % 26))) });
    v.close();
    const pages = statSync(path).size / 4096;
    // The file also holds indexes (documents, tags, the full-text index), so which page holds one version's
    // content is not known in advance: try pages across the middle of the file, each on a fresh copy. Every
    // try must give only 'ok' or a Corrupt that names its document; the first page that damages exactly one
    // document is the case this test is about.
    const copy = join(dir, 'flip-copy.dvault');
    let again: Vault | undefined;
    let results: string[] = [];
    for (let k = 0; k < 40 && results.filter((r) => r === 'Corrupt').length !== 1; k++) {
      try {
        again?.close();
      } catch (err) {
        // A copy damaged in a page many documents share (an interior page) may fail its close's `optimize`: Corrupt, as it should.
        expect((err as { kind?: string }).kind).toBe('Corrupt');
      }
      copyFileSync(path, copy);
      flipByte(copy, Math.floor(pages * (0.15 + 0.017 * k)) * 4096 + 1000);
      again = Vault.openSync(copy, { key: { rawKey: key } });
      const opened = again;
      results = Array.from({ length: 40 }, (_, i) => {
        try {
          opened.get(`doc-${i}`);
          return 'ok';
        } catch (err) {
          const e = err as { kind: string; message: string; details?: { id?: string } };
          expect(e.kind).toBe('Corrupt');
          expect(e.details?.id).toBe(`doc-${i}`);
          expect(e.message).toContain(`doc-${i}`);
          return 'Corrupt';
        }
      });
    }
    if (again === undefined) throw new Error('no page was tried');
    const damaged = again;
    cleanups.push(() => damaged.close());
    expect(results.filter((r) => r === 'Corrupt')).toHaveLength(1);
    expect(results.filter((r) => r === 'ok')).toHaveLength(39);
    const report = damaged.verify();
    expect(report.ok).toBe(false);
    // The damaged document is named; SQLite's own check, which reads every page, reports the page too.
    expect(report.problems.filter((p) => p.kind === 'Corrupt' && p.id !== undefined).map((p) => p.id)).toEqual([`doc-${results.indexOf('Corrupt')}`]);
    expect(report.problems.filter((p) => p.kind !== "Corrupt")).toEqual([]);
    // It went on: every document was checked.
    expect(report.documents).toBe(40);
  });
});

describe('a damaged page of a table the open itself reads', () => {
  it("the attachment uploads' page: the vault still opens and serves its documents; verify reports the page", () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'uploads.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    for (let i = 0; i < 20; i++) v.create({ id: `doc-${i}`, content: `document ${i} `.repeat(100) });
    v.close();
    // The table and its key's index (the open's look may read either).
    const pages = withRawConnection(path, key, (db) => db.prepare("SELECT pageno FROM dbstat WHERE name LIKE '%attachment_uploads%'").pluck().all() as number[]);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) flipByte(path, (page - 1) * 4096 + 200);
    const damaged = Vault.openSync(path, { key: { rawKey: key } });
    try {
      expect(damaged.get('doc-7').content).toBe('document 7 '.repeat(100));
      const report = damaged.verify();
      expect(report.ok).toBe(false);
      expect(report.problems.some((p) => p.kind === 'Corrupt')).toBe(true);
    } finally {
      // The close's checkpoint may meet the page too: typed, never a raw SQLite error.
      try {
        damaged.close();
      } catch (err) {
        expect(err).toMatchObject({ kind: 'Corrupt' });
      }
    }
  });
});

describe("SQLite's integrity_check lines as problems", () => {
  it('one Corrupt problem when a page cannot be read (its "never used" echoes folded in); other lines stay Sqlite', () => {
    const unreadable = ['*** in database main ***\nTree 10 page 196 cell 0: failed to get page 80', 'Page 42: never used', 'Page 43: never used', 'Page 44: never used', 'Page 45: never used', 'Page 46: never used'];
    const [only, ...rest] = integrityCheckProblems(unreadable);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ kind: 'Corrupt', message: expect.stringContaining('failed to get page 80') });
    expect(only?.message).toContain('and 2 more lines');
    expect(integrityCheckProblems(['ok'])).toEqual([]);
    expect(integrityCheckProblems(['row 3 missing from index documents_type'])).toEqual([{ kind: 'Sqlite', message: 'row 3 missing from index documents_type' }]);
  });
});
