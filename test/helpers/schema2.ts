/**
 * A schema-2 vault made from the committed schema-1 fixture (migration 2 run on a raw connection), with
 * helpers to add schema-2 rows whose v1 tags are valid: the starting point of migration 3's tests.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { deriveMacKey } from '../../src/main/storage/keys';
import { headMac, sha256Hex, versionMac } from '../../src/main/storage/integrity';
import { migrate } from '../../src/main/storage';
import { withRawConnection } from './tamper';
import { copySchema1 } from './fixture';

/** A private schema-2 vault: the schema-1 fixture migrated to schema 2, `alpha` moved to the Trash. */
export function makeSchema2(): { path: string; key: string; cleanup: () => void } {
  const f = copySchema1();
  withRawConnection(f.path, f.key, (db) => {
    migrate(db, 2);
    // What schema 2's delete did: trashed_at set, tag rows removed (the triggers move the counters).
    db.prepare("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'alpha')").run();
    db.prepare("UPDATE documents SET trashed_at = 1767261600000 WHERE id = 'alpha'").run();
  });
  return f;
}

/** The v1 tag key of a vault (as schema 1-2 derived it). */
export function v1MacKey(db: Database.Database, hexKey: string): Buffer {
  const vaultId = db.prepare("SELECT value FROM meta WHERE key = 'vault_id'").pluck().get() as Buffer;
  return deriveMacKey(Buffer.from(hexKey, 'hex'), vaultId);
}

/** Inserts `count` documents of `versions` versions each (content `bytes` long), tagged as schema 2 tagged them. */
export function addV1Documents(db: Database.Database, hexKey: string, count: number, versions: number, bytes: number): void {
  const key = v1MacKey(db, hexKey);
  const insertDoc = db.prepare(
    'INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, head_mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) RETURNING doc',
  );
  const insertVersion = db.prepare(
    'INSERT INTO versions (vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)',
  );
  const insertTag = db.prepare('INSERT INTO document_tags (tag, doc) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `bulk2-${i}`;
      const t0 = 1_767_300_000_000 + i;
      const content = (n: number): string => `${id} v${n} `.padEnd(bytes, 'x');
      const last = content(versions);
      const common = { title: `Bulk2 ${i}`, type: 'note', tags: '["big"]', metadata: '{}' };
      const doc = insertDoc.pluck().get(
        id, t0, t0 + versions, versions, common.title, common.type, common.tags, common.metadata, bytes, sha256Hex(last),
        headMac(key, { id, version: versions, createdAt: t0, updatedAt: t0 + versions, ...common, size: bytes, checksum: sha256Hex(last) }),
      ) as number;
      for (let v = 1; v <= versions; v++) {
        const c = content(v);
        const mac = versionMac(key, { id, version: v, docCreatedAt: t0, createdAt: t0 + v, ...common, size: bytes, checksum: sha256Hex(c), comment: null });
        insertVersion.run(doc * 2 ** 24 + v, v, t0 + v, mac, bytes, sha256Hex(c), common.title, common.type, common.tags, common.metadata, c);
      }
      insertTag.run('big', doc);
    }
  })();
}

export { withRawConnection };
