/** Migrations: each step from the version before it; newer schemas refused. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, SCHEMA_VERSION, Vault, migrate } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('step 1 builds the schema from an empty database, with working counter triggers', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['counters', 'document_tags', 'documents', 'meta', 'versions']);
    const counters = () => Object.fromEntries((db.prepare('SELECT key, n FROM counters').all() as { key: string; n: number }[]).map((r) => [r.key, r.n]));
    db.prepare(
      "INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, size, checksum, head_mac) VALUES ('a', 1, 1, 1, '', 'note', '[]', '{}', 5, 'c', x'00')",
    ).run();
    db.prepare("INSERT INTO versions (vid, version, created_at, mac, size, checksum, title, type, tags, metadata, content) VALUES (16777217, 1, 1, x'00', 5, 'c', '', 'note', '[]', '{}', 'hello')").run();
    expect(counters()).toEqual({ documents: 1, versions: 1, content_bytes: 5, history_bytes: 5, 'type:note': 1 });
    db.prepare("UPDATE documents SET type = 'memo', size = 7 WHERE id = 'a'").run();
    expect(counters()).toEqual({ documents: 1, versions: 1, content_bytes: 7, history_bytes: 5, 'type:memo': 1 });
    // A version key must carry its version number in its low 24 bits.
    expect(() =>
      db.prepare("INSERT INTO versions (vid, version, created_at, mac, size, checksum, title, type, tags, metadata, content) VALUES (16777218, 3, 1, x'00', 1, 'c', '', '', '[]', '{}', 'x')").run(),
    ).toThrow(/CHECK/);
    db.prepare('DELETE FROM versions').run();
    db.prepare('DELETE FROM documents').run();
    expect(counters()).toEqual({ documents: 0, versions: 0, content_bytes: 0, history_bytes: 0 });
    // Running again is a no-op.
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a vault written by a newer docvault', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'new.dvault');
      const key = hexKey();
      Vault.createSync(path, { key: { rawKey: key } }).close();
      const db = new Database(path);
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
      db.pragma(`key = "x'${key}'"`);
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      expect(() => Vault.openSync(path, { key: { rawKey: key } })).toThrow(expect.objectContaining({ kind: 'NotAVault' }));
    } finally {
      cleanup();
    }
  });
});
