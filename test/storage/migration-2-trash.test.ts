/** Migration 2 (the Trash), from the committed schema-1 vault: data intact, verify clean, the Trash works after. */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault, migrate } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { SCHEMA1_IDS, copySchema1 } from '../helpers/fixture';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function fixture(): { path: string; key: string } {
  const f = copySchema1();
  cleanups.push(f.cleanup);
  return f;
}

/** Everything a reader can see of the vault, for comparing before and after. */
function snapshot(v: Vault) {
  const ids = v.list({ limit: 1000, sort: 'created', order: 'asc' }).items.map((d) => d.id);
  return {
    ids,
    docs: ids.map((id) => v.get(id)),
    history: ids.map((id) => v.versions(id).map((info) => ({ info, doc: v.getVersion(id, info.version) }))),
    byTag: ['work', 'plan', 'ünïcödé', 't0', 't1', 't2', 'empty'].map((tag) => v.list({ tag }).items.map((d) => d.id)),
    byType: ['note', 'memo', 'letter'].map((type) => [v.count({ type }), v.list({ type }).items.map((d) => d.id)]),
    byAuthor: ['Ada Lovelace', 'Zoë Ω', 'Bulk Bot'].map((author) => v.list({ author }).items.map((d) => d.id)),
  };
}

describe('migration 2: trash', () => {
  it('the fixture is a schema-1 vault', () => {
    const { path, key } = fixture();
    withRawConnection(path, key, (db) => expect(db.pragma('user_version', { simple: true })).toBe(1));
  });

  it('upgrades the schema-1 fixture in place with every document, version, tag and counter intact', () => {
    const { path, key } = fixture();
    // What schema 1 holds, read straight from the tables before migrating.
    const before = withRawConnection(path, key, (db) => ({
      docs: db.prepare('SELECT * FROM documents ORDER BY doc').all(),
      versions: db.prepare('SELECT * FROM versions ORDER BY vid').all(),
      tags: db.prepare('SELECT * FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all(),
      counters: db.prepare('SELECT * FROM counters ORDER BY key').all(),
    }));
    // Step 2 alone, on a raw connection: it adds a column, an index, a counter and triggers; no row changes.
    withRawConnection(path, key, (db) => {
      expect(migrate(db, 2)).toBe(2);
      const docs = db.prepare('SELECT * FROM documents ORDER BY doc').all() as Record<string, unknown>[];
      expect(docs.map(({ trashed_at, ...rest }) => (expect(trashed_at).toBeNull(), rest))).toEqual(before.docs);
      expect(db.prepare('SELECT * FROM versions ORDER BY vid').all()).toEqual(before.versions);
      expect(db.prepare('SELECT * FROM document_tags WHERE tag >= char(32) ORDER BY tag, doc').all()).toEqual(before.tags);
      expect(db.prepare("SELECT * FROM counters WHERE key <> 'trash_documents' ORDER BY key").all()).toEqual(before.counters);
    });
    // Then the engine opens it (and takes it on to the newest schema) with everything readable.
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    const s = v.stats();
    expect(s).toMatchObject({ schemaVersion: SCHEMA_VERSION, documents: 12, versions: 19, trashed: 0 });
    expect(v.verify()).toMatchObject({ ok: true, problems: [], documents: 12, versions: 19 });
    const snap = snapshot(v);
    expect(snap.ids).toEqual(SCHEMA1_IDS);
    expect(snap.docs.find((d) => d.id === 'alpha')).toMatchObject({ version: 4, content: 'First draft of the alpha plan.\nLine two.', tags: ['work', 'plan'] });
    expect(snap.docs.find((d) => d.id === 'unicode-ü')).toMatchObject({ title: 'Grüße — 日本語 ✓', metadata: { author: 'Zoë Ω', clé: 'välue' } });
    expect(v.versions('alpha').map((x) => x.comment)).toEqual([null, 'tighter wording', null, 'restored from version 1']);
    expect(snap.byAuthor.map((ids) => ids.length)).toEqual([1, 1, 8]);
    expect(v.exists('deleted-doc')).toBe(false);
  });

  it('after the upgrade, delete moves to the Trash, undelete brings back, purge erases; counters stay exact', () => {
    const { path, key } = fixture();
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    const alpha = v.get('alpha');
    const history = v.versions('alpha');
    v.delete('alpha');
    expect(v.stats()).toMatchObject({ documents: 11, versions: 15, trashed: 1 });
    expect(v.list({ tag: 'work' }).items.map((d) => d.id)).toEqual([]);
    expect(v.count({ author: 'Ada Lovelace' })).toBe(0);
    expect(v.listTrash().items).toEqual([expect.objectContaining({ id: 'alpha', version: 4, trashedAt: expect.any(Number) as number })]);
    expect(v.undelete('alpha')).toEqual(alpha);
    expect(v.versions('alpha')).toEqual(history);
    expect(v.list({ tag: 'work' }).items.map((d) => d.id)).toEqual(['alpha']);
    v.delete('beta');
    expect(v.emptyTrash()).toBe(1);
    expect(v.stats()).toMatchObject({ documents: 11, versions: 16, trashed: 0 });
    // The counters kept by triggers agree with a recount.
    withRawConnection(path, key, (db) => {
      const n = (sql: string): number => db.prepare(sql).pluck().get() as number;
      expect(n("SELECT n FROM counters WHERE key = 'versions'")).toBe(n('SELECT count(*) FROM versions'));
      expect(n("SELECT n FROM counters WHERE key = 'history_bytes'")).toBe(n('SELECT sum(size) FROM versions'));
      expect(n("SELECT n FROM counters WHERE key = 'content_bytes'")).toBe(n('SELECT sum(size) FROM documents'));
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('runs in one transaction: a failure inside the step leaves schema 1 as it was', () => {
    const { path, key } = fixture();
    withRawConnection(path, key, (db: Database.Database) => {
      // Make the step fail after its first statement has run.
      db.exec('CREATE INDEX documents_trashed ON documents (doc)');
      expect(() => migrate(db, 2)).toThrow(/already exists/);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      const cols = (db.prepare('PRAGMA table_info(documents)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).not.toContain('trashed_at');
    });
  });
});
