/**
 * Integrity over history (schema 3): what a tester holding the page key but not the tag key can change,
 * and which call notices. Each case is one tamper through a second connection (test/helpers/tamper.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import type { VerifyProblem } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';
import { RECOUNT_TOTALS_SQL, withRawConnection } from '../helpers/raw-db';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function setup(): { vault: Vault; path: string; key: string } {
  const made = makeVault();
  cleanups.push(made.cleanup);
  const v = made.vault;
  v.create({ id: 'h', content: 'one', tags: ['t'], metadata: { author: 'Ann' } });
  v.update('h', { content: 'two' });
  v.update('h', { content: 'three' });
  v.create({ id: 'other', content: 'other', tags: ['t', 'u'] });
  v.create({ id: 'gone', content: 'gone', tags: ['u'] });
  expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  return made;
}

/** Runs SQL on a second connection with the page key, then lets the vault notice the outside change. */
function tamper(t: { vault: Vault; path: string; key: string }, ...sql: string[]): void {
  withRawConnection(t.path, t.key, (db) => {
    for (const s of sql) db.exec(s);
  });
  t.vault.refresh();
}

const DOC = (id: string): string => `(SELECT doc FROM documents WHERE id = '${id}')`;
const kinds = (problems: readonly VerifyProblem[]): string[] => [...new Set(problems.map((p) => p.kind))].sort();

describe('integrity over history', () => {
  it('a middle version deleted: versions() marks the version after the gap, verify reports the broken chain', () => {
    const t = setup();
    tamper(t, `DELETE FROM versions WHERE vid = ${DOC('h')} * 16777216 + 2`);
    // The history is still listed (the window shows it), with the broken link named on the version after it.
    const listed = t.vault.versions('h');
    expect(listed.map((v) => [v.version, v.integrityProblem !== undefined])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(listed[1]?.integrityProblem).toMatch(/history before it was changed/);
    expect(t.vault.get('h').content).toBe('three'); // the current version itself is intact
    const r = t.vault.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'History', id: 'h', version: 3 }));
  });

  it('a version replaced by a copy of another: getVersion fails', () => {
    const t = setup();
    tamper(
      t,
      `UPDATE versions SET (created_at, mac, size, checksum, title, type, tags, metadata, content) =
        (SELECT created_at, mac, size, checksum, title, type, tags, metadata, content FROM versions WHERE vid = ${DOC('h')} * 16777216 + 1)
       WHERE vid = ${DOC('h')} * 16777216 + 2`,
    );
    expect(() => t.vault.getVersion('h', 2)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    expect(t.vault.verify().ok).toBe(false);
  });

  it('a whole document deleted with its versions, tag rows and counters fixed up: verify reports the vault state', () => {
    const t = setup();
    tamper(
      t,
      `DELETE FROM document_tags WHERE doc = ${DOC('gone')}`,
      `DELETE FROM versions WHERE vid >> 24 = ${DOC('gone')}`,
      `DELETE FROM documents WHERE id = 'gone'`,
      RECOUNT_TOTALS_SQL,
    );
    expect(t.vault.exists('gone')).toBe(false);
    const r = t.vault.verify();
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('set of documents') })]);
  });

  it('an older head row put back (newer version deleted, counters fixed): get serves it, verify reports the rollback', () => {
    const t = setup();
    const old = withRawConnection(t.path, t.key, (db) => db.prepare("SELECT * FROM documents WHERE id = 'h'").get() as Record<string, unknown>);
    t.vault.update('h', { content: 'four' });
    withRawConnection(t.path, t.key, (db) => {
      db.prepare(`DELETE FROM versions WHERE vid = ? * 16777216 + 4`).run(old['doc']);
      db.prepare('UPDATE documents SET updated_at = ?, version = ?, size = ?, checksum = ?, head_mac = ?, version_mac = ? WHERE id = ?').run(
        old['updated_at'], old['version'], old['size'], old['checksum'], old['head_mac'], old['version_mac'], 'h',
      );
    });
    t.vault.refresh();
    // Not detectable by get alone: the old head and its version are genuine rows.
    expect(t.vault.get('h')).toMatchObject({ version: 3, content: 'three' });
    const r = t.vault.verify();
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('rolled back') }));
  });

  it('the author, Trash state or current-version copy edited: get fails and list flags the row', () => {
    for (const sql of [
      `UPDATE documents SET author = 'Mallory' WHERE id = 'h'`,
      `UPDATE documents SET trashed_at = 5 WHERE id = 'other'`,
      `UPDATE documents SET version_mac = (SELECT mac FROM versions WHERE vid = ${DOC('h')} * 16777216 + 2) WHERE id = 'h'`,
    ]) {
      const t = setup();
      tamper(t, sql);
      const id = sql.includes("'other'") ? 'other' : 'h';
      if (id === 'h') {
        expect(() => t.vault.get('h'), sql).toThrow(expect.objectContaining({ kind: 'Integrity' }));
        expect(t.vault.list().items.find((d) => d.id === 'h')?.integrityFailed, sql).toBe(true);
      } else expect(t.vault.listTrash().items.find((d) => d.id === 'other')?.integrityFailed, sql).toBe(true);
      expect(t.vault.verify().ok, sql).toBe(false);
    }
  });

  it('the current version row swapped for an older one (head untouched): get fails', () => {
    const t = setup();
    tamper(
      t,
      `UPDATE versions SET content = 'one', checksum = (SELECT checksum FROM versions WHERE vid = ${DOC('h')} * 16777216 + 1),
         mac = (SELECT mac FROM versions WHERE vid = ${DOC('h')} * 16777216 + 1) WHERE vid = ${DOC('h')} * 16777216 + 3`,
    );
    expect(() => t.vault.get('h')).toThrow(expect.objectContaining({ kind: 'Integrity' }));
  });

  it("the current version row's tag alone changed or removed, or the row deleted: get names which", () => {
    const CUR = `vid = ${DOC('h')} * 16777216 + 3`;
    for (const [sql, what] of [
      // Content and checksum intact: only the comparison with the head's copy of the tag can catch these.
      [`UPDATE versions SET mac = (SELECT mac FROM versions WHERE vid = ${DOC('h')} * 16777216 + 2) WHERE ${CUR}`, /current version was replaced/],
      [`UPDATE versions SET mac = zeroblob(33) WHERE ${CUR}`, /current version was replaced/],
      [`DELETE FROM versions WHERE ${CUR}`, /current version is missing/],
    ] as const) {
      const t = setup();
      tamper(t, sql);
      expect(() => t.vault.get('h'), sql).toThrow(expect.objectContaining({ kind: 'Integrity', message: expect.stringMatching(what) }));
      expect(t.vault.get('other').content, sql).toBe('other');
    }
  });

  it('the newest version row deleted: the history says it ends before its head, rather than listing less', () => {
    const t = setup();
    tamper(t, `DELETE FROM versions WHERE vid = ${DOC('h')} * 16777216 + 3`);
    expect(() => t.vault.versions('h')).toThrow(
      expect.objectContaining({ kind: 'Integrity', message: expect.stringMatching(/version 3 failed its integrity check \(the history ends at version 2\)/) }),
    );
    expect(t.vault.versions('other').map((v) => v.version)).toEqual([1]);
    const r = t.vault.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'Head', id: 'h' }));
  });

  it('a tag row added: the tag filter flags the row; verify reports it. A tag row removed: verify reports it', () => {
    const t = setup();
    // With the head's updated_at, as the tag rows' key carries it: the row then shows on the tag's pages.
    tamper(t, `INSERT INTO document_tags (tag, doc, updated_at) VALUES ('u', ${DOC('h')}, (SELECT updated_at FROM documents WHERE doc = ${DOC('h')}))`);
    const page = t.vault.list({ tag: 'u' });
    expect(page.items.find((d) => d.id === 'h')).toMatchObject({ integrityFailed: true });
    expect(page.items.find((d) => d.id === 'other')?.integrityFailed).toBeUndefined();
    expect(kinds(t.vault.verify().problems)).toEqual(['Vault']);

    const t2 = setup();
    tamper(t2, `DELETE FROM document_tags WHERE tag = 't' AND doc = ${DOC('h')}`);
    expect(t2.vault.verify().problems).toContainEqual(expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('tag rows') }));
  });

  it('counters edited: verify names the counter', () => {
    const t = setup();
    tamper(t, `UPDATE counters SET n = n + 7 WHERE key = 'documents'`);
    expect(t.vault.stats().documents).toBe(10); // stats serves the running total; verify is what checks it
    expect(t.vault.verify().problems).toEqual([expect.objectContaining({ kind: 'Vault', message: 'counter "documents" is 10, but the documents say 3' })]);
  });

  it('the vault state edited or deleted: verify reports it; later writes do not launder it', () => {
    const t = setup();
    tamper(t, `UPDATE counters SET b = zeroblob(72) WHERE key = 'state'`);
    expect(t.vault.verify().problems.map((p) => p.kind)).toEqual(['Vault', 'Vault']);
    t.vault.update('h', { content: 'after' });
    expect(t.vault.verify().problems).toContainEqual(expect.objectContaining({ kind: 'Vault', message: expect.stringContaining('state tag') }));
  });

  it('legitimate writes keep the state exact: create, update, trash, undelete, purge, emptyTrash, bulk, rollback', () => {
    const t = setup();
    const v = t.vault;
    v.bulkCreate([{ id: 'b1', content: '1' }, { id: 'b2', content: '2' }]);
    v.delete('b1');
    v.undelete('b1');
    v.delete('b2');
    v.emptyTrash();
    v.purge('gone');
    v.restore('h', 1);
    expect(() =>
      v.transaction(() => {
        v.create({ id: 'rolled', content: 'x' });
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(v.bulkCreate([{ id: 'ok', content: '' }, { id: 'h', content: 'dup' }]).committed).toBe(false);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
