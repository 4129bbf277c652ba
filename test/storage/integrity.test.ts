/**
 * Integrity: rows changed by a connection that has the page key but not the HMAC key are caught on
 * read (even when cached before the change) and by verify(); other documents stay readable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import type { Progress } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';
import { RECOUNT_TOTALS_SQL, withRawConnection } from '../helpers/raw-db';
import { errorOf } from '../helpers/errors';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function setup(opts: Parameters<typeof makeVault>[0] = {}) {
  const made = makeVault(opts);
  cleanups.push(made.cleanup);
  for (let i = 0; i < 5; i++) made.vault.create({ id: `d${i}`, content: `content ${i}`, title: `t${i}` });
  made.vault.update('d1', { content: 'content 1 v2' });
  return made;
}

describe('integrity', () => {
  it('catches content rewritten by another connection, even when the document was cached before', async () => {
    const { vault, path, key } = setup();
    expect(vault.get('d2').content).toBe('content 2'); // now cached
    withRawConnection(path, key, (db) =>
      db.prepare("UPDATE versions SET content = 'forged' WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'd2')").run(),
    );
    // The next event-loop turn (here: after a bare await, no timer) looks for outside changes.
    await Promise.resolve();
    const err = errorOf(() => vault.get('d2'));
    expect(err.kind).toBe('Integrity');
    expect(err.details).toEqual({ id: 'd2', version: 1 });
    // Every other document stays readable.
    expect(vault.get('d0').content).toBe('content 0');
    expect(vault.get('d1').content).toBe('content 1 v2');
  });

  it('catches it immediately after refresh() and in bulkGet per item', () => {
    const { vault, path, key } = setup();
    vault.get('d3');
    withRawConnection(path, key, (db) => db.prepare("UPDATE documents SET title = 'forged title' WHERE id = 'd3'").run());
    vault.refresh();
    expect(errorOf(() => vault.get('d3')).kind).toBe('Integrity');
    const results = vault.bulkGet(['d0', 'd3', 'nope']);
    expect(results.map((r) => r.status)).toEqual(['ok', 'error', 'error']);
    expect(results[1]?.status === 'error' && results[1].error.kind).toBe('Integrity');
    expect(results[2]?.status === 'error' && results[2].error.kind).toBe('NotFound');
    // The list still shows every document, the altered one flagged; the others are clean.
    const listed = vault.list().items;
    expect(listed).toHaveLength(5);
    expect(listed.filter((d) => d.integrityFailed === true).map((d) => d.id)).toEqual(['d3']);
  });

  it('catches a head rolled back to an older version and a version moved to another document', () => {
    const { vault, path, key } = setup();
    withRawConnection(path, key, (db) => {
      db.prepare("UPDATE documents SET version = 1 WHERE id = 'd1'").run();
      db.pragma('foreign_keys = OFF');
      db.prepare("DELETE FROM versions WHERE vid = (SELECT doc FROM documents WHERE id = 'd4') * 16777216 + 1").run();
      db.prepare(
        "UPDATE versions SET vid = (SELECT doc FROM documents WHERE id = 'd4') * 16777216 + 1 WHERE vid = (SELECT doc FROM documents WHERE id = 'd0') * 16777216 + 1",
      ).run();
    });
    vault.refresh();
    expect(errorOf(() => vault.get('d1')).kind).toBe('Integrity');
    expect(errorOf(() => vault.getVersion('d4', 1))).toMatchObject({ kind: 'Integrity', details: { id: 'd4', version: 1 } });
    // The history still lists the moved version, flagged with the reason, and it cannot be restored.
    const history = vault.versions('d4');
    expect(history.map((v) => [v.version, v.integrityProblem !== undefined])).toEqual([[1, true]]);
    expect(history[0]?.integrityProblem).toMatch(/version 1 failed its integrity check \(version tag mismatch/);
    expect(errorOf(() => vault.restore('d4', 1)).kind).toBe('Integrity');
    expect(errorOf(() => vault.get('d0')).kind).toBe('Integrity');
  });

  it('refuses to build a new version on tampered content', () => {
    const { vault, path, key } = setup();
    withRawConnection(path, key, (db) =>
      db.prepare("UPDATE versions SET content = 'forged' WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'd2')").run(),
    );
    vault.refresh();
    expect(errorOf(() => vault.update('d2', { title: 'new title' })).kind).toBe('Integrity');
    expect(errorOf(() => vault.restore('d2', 1)).kind).toBe('Integrity');
  });

  it('verify() reports every bad version and head, with progress', () => {
    const { vault, path, key } = setup();
    expect(vault.verify()).toMatchObject({ ok: true, documents: 5, versions: 6, problems: [] });
    withRawConnection(path, key, (db) => {
      db.prepare("UPDATE versions SET content = 'x' WHERE version = 1 AND vid >> 24 = (SELECT doc FROM documents WHERE id = 'd1')").run();
      db.prepare("UPDATE versions SET comment = 'sneaky' WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'd3')").run();
      db.prepare("UPDATE documents SET type = 'evil' WHERE id = 'd4'").run();
      // A tamperer holding the page key can set the totals to match (the type totals moved with the edit).
      db.exec(RECOUNT_TOTALS_SQL);
    });
    const progress: Progress[] = [];
    const report = vault.verify((p) => progress.push(p));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'Checksum', id: 'd1', version: 1 }),
        expect.objectContaining({ kind: 'Integrity', id: 'd3', version: 1 }),
        expect.objectContaining({ kind: 'Head', id: 'd4' }),
        // Its row in the list of its type (schema step "time rows held") still names the old one.
        expect.objectContaining({ kind: 'Vault', message: expect.stringMatching(/^the update-time list row of type "" of "d4" names another type/) }),
      ]),
    );
    expect(report.problems).toHaveLength(4);
    // 5 heads, 6 versions and 15 held rows (each live document's two rows of the update-time lists and one of the list by title; no tags).
    expect(progress.at(-1)).toMatchObject({ done: 26, total: 26, phase: 'done' });
  });

  it('a document whose stored tag list was altered can still be purged, and verify() finds orphan tag rows', () => {
    const { vault, path, key } = setup();
    vault.update('d2', { tags: ['keep', 'me'] });
    withRawConnection(path, key, (db) => {
      db.prepare("UPDATE documents SET tags = 'not json' WHERE id = 'd2'").run();
      db.prepare("INSERT INTO document_tags (tag, doc, updated_at) VALUES ('stray', 999999, 0)").run();
    });
    vault.refresh();
    vault.purge('d2');
    expect(vault.exists('d2')).toBe(false);
    expect(vault.count({ tag: 'keep' })).toBe(0);
    const report = vault.verify();
    // The stray row is named; the purge took the tags of the head whose list did not parse out of the totals.
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'Sqlite', message: expect.stringContaining('"stray" belongs to no live document') })]);
    expect(vault.count({ tag: 'me' })).toBe(0);
  });

  it('in an unencrypted vault the tags still catch corruption', async () => {
    const { vault, path } = setup({ key: { encryption: false } });
    vault.get('d0');
    withRawConnection(path, undefined, (db) =>
      db.prepare("UPDATE versions SET content = 'bit rot' WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'd0')").run(),
    );
    // A read looks for outside commits once per event-loop turn; the turn ends with the microtask the
    // first read queued, so one await (no timer) is enough for the next read to look again.
    await Promise.resolve();
    expect(errorOf(() => vault.get('d0')).kind).toBe('Integrity');
    expect(vault.verify().ok).toBe(false);
  });

  it('tags are keyed by the vault key: a vault copied and rekeyed by an attacker fails verification', () => {
    const { vault, path, key } = setup();
    vault.close();
    const other = '11'.repeat(32);
    withRawConnection(path, key, (db) => {
      db.pragma('journal_mode = DELETE');
      db.rekey(Buffer.from(`x'${other}'`));
    });
    const reopened = Vault.openSync(path, { key: { rawKey: other } });
    try {
      expect(errorOf(() => reopened.get('d0')).kind).toBe('Integrity');
    } finally {
      reopened.close();
    }
  });
});
