/** Migration 3 (integrity over history), from a schema-2 vault made from the schema-1 fixture. */
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { tagAlg } from '../../src/main/storage/integrity';
import { makeSchema2, withRawConnection } from '../helpers/schema2';
import { SCHEMA1_IDS } from '../helpers/fixture';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function open(path: string, key: string): Vault {
  const v = Vault.openSync(path, { key: { rawKey: key } });
  cleanups.push(() => v.close());
  return v;
}

describe('migration 3: integrity over history', () => {
  it('upgrades a schema-2 vault in place: every tag rewritten as v2, data and Trash intact, verify clean', () => {
    const { path, key, cleanup } = makeSchema2();
    cleanups.push(cleanup);
    const before = withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      return {
        docs: db.prepare('SELECT doc, id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, trashed_at FROM documents ORDER BY doc').all(),
        versions: db.prepare('SELECT vid, version, created_at, size, checksum, comment, title, type, tags, metadata, content FROM versions ORDER BY vid').all(),
        tags: db.prepare('SELECT tag, doc FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all(),
      };
    });
    const v = open(path, key);
    expect(v.stats()).toMatchObject({ schemaVersion: SCHEMA_VERSION, documents: 11, versions: 15, trashed: 1 });
    expect(v.verify()).toMatchObject({ ok: true, problems: [], documents: 12, versions: 19 });
    expect(v.list({ limit: 100 }).items.map((d) => d.id).sort()).toEqual(SCHEMA1_IDS.filter((id) => id !== 'alpha').sort());
    expect(v.listTrash().items.map((d) => d.id)).toEqual(['alpha']);
    expect(v.count({ tag: 't1' })).toBe(3);
    expect(v.list({ tag: 'plan' }).total).toBe(1);
    // Only tags (and the new columns) changed.
    withRawConnection(path, key, (db) => {
      expect(db.prepare('SELECT doc, id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, trashed_at FROM documents ORDER BY doc').all()).toEqual(before.docs);
      expect(db.prepare('SELECT vid, version, created_at, size, checksum, comment, title, type, tags, metadata, content FROM versions ORDER BY vid').all()).toEqual(before.versions);
      expect(db.prepare('SELECT tag, doc FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all()).toEqual(before.tags); // step 5 adds updated_at
      for (const mac of db.prepare('SELECT mac FROM versions UNION ALL SELECT head_mac FROM documents UNION ALL SELECT version_mac FROM documents').pluck().all() as Buffer[])
        expect(tagAlg(mac)).toBe(2);
    });
    // The Trash and history work after.
    const alpha = v.undelete('alpha');
    expect(alpha).toMatchObject({ version: 4, content: 'First draft of the alpha plan.\nLine two.' });
    expect(v.update('alpha', { content: 'v5' }).version).toBe(5);
    expect(v.versions('alpha').map((x) => x.version)).toEqual([1, 2, 3, 4, 5]);
    expect(v.getVersion('alpha', 2).content).toBe('Second draft of the alpha plan.\nLine two, revised.');
    v.purge('beta');
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('checks the old v1 tags before rewriting them: a row altered before the upgrade stays reported, never laundered', () => {
    const { path, key, cleanup } = makeSchema2();
    cleanups.push(cleanup);
    withRawConnection(path, key, (db) => {
      db.prepare("UPDATE versions SET title = 'forged' WHERE vid = (SELECT doc FROM documents WHERE id = 'beta') * 16777216 + 2").run();
      db.prepare("UPDATE documents SET title = 'forged head' WHERE id = 'gamma'").run();
    });
    const v = open(path, key);
    expect(() => v.getVersion('beta', 2)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    expect(v.versions('beta').filter((x) => x.integrityProblem !== undefined).map((x) => x.version)).toEqual([2]);
    expect(v.getVersion('beta', 3).content).toBe('beta v3'); // the chain after it still verifies
    expect(v.get('beta').content).toBe('beta v3');
    expect(() => v.get('gamma')).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    const report = v.verify();
    expect(report.problems.map((p) => [p.kind, p.id, p.version])).toEqual([
      ['History', 'beta', 2],
      ['Head', 'gamma', 1],
      // Its row in the list by title (schema step "title rows held", made from its version) names the title it had.
      ['Vault', undefined, undefined],
    ]);
    expect(report.problems[2]?.message).toMatch(/^the title list row "" of "gamma" names another title than its document/);
  });

  it('a newly created vault is at the newest schema with a valid state', () => {
    const { path, key, cleanup } = makeSchema2();
    cleanups.push(cleanup);
    const v = open(path, key);
    v.create({ id: 'n', content: 'new' });
    v.close();
    const again = open(path, key);
    expect(again.verify()).toMatchObject({ ok: true });
    expect(again.stats().schemaVersion).toBe(SCHEMA_VERSION);
  });
});
