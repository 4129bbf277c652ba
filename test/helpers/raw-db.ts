/**
 * Raw SQLCipher connections for tests: a second connection that has the page key but not docvault's
 * HMAC key — what stock SQLCipher 4, an attacker holding the raw key, or a disk fault can do.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { AUDIT_HEAD_KEY } from '../../src/main/storage/engine/audit-schema';
import { SEARCH_MARK_KEY } from '../../src/main/storage/search-mark-schema';

/** Opens `path` the way stock SQLCipher 4 would (`PRAGMA key` with the raw key); plain when `hexKey` is undefined. */
export function openRaw(path: string, hexKey: string | undefined, opts: Database.Options = {}): Database.Database {
  const db = new Database(path, opts);
  try {
    if (hexKey !== undefined) {
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
      db.pragma(`key = "x'${hexKey}'"`);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens `path` with {@link openRaw}, runs `fn`, closes. */
export function withRawConnection<T>(path: string, hexKey: string | undefined, fn: (db: Database.Database) => T): T {
  const db = openRaw(path, hexKey);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * SQL that sets every total in `counters` to what the rows say, as a tamperer holding the page key can
 * (until schema step "totals kept by the write path", triggers did it for them): tests of what verify
 * detects beyond the totals run it after their edits. The rows that are not totals (the vault state, the
 * audit head, the search mark) are left as they are.
 */
export const RECOUNT_TOTALS_SQL = `
  DELETE FROM counters WHERE key NOT IN ('state', '${AUDIT_HEAD_KEY}', '${SEARCH_MARK_KEY}');
  INSERT INTO counters (key, n) VALUES
    ('documents', (SELECT count(*) FROM documents WHERE trashed_at IS NULL)),
    ('trash_documents', (SELECT count(*) FROM documents WHERE trashed_at IS NOT NULL)),
    ('content_bytes', (SELECT coalesce(sum(size), 0) FROM documents WHERE trashed_at IS NULL)),
    ('versions', (SELECT count(*) FROM versions v JOIN documents d ON d.doc = v.vid >> 24 WHERE d.trashed_at IS NULL)),
    ('history_bytes', (SELECT coalesce(sum(v.size), 0) FROM versions v JOIN documents d ON d.doc = v.vid >> 24 WHERE d.trashed_at IS NULL));
  INSERT INTO counters (key, n) SELECT 'type:' || type, count(*) FROM documents WHERE trashed_at IS NULL GROUP BY type;
  INSERT INTO counters (key, n) SELECT 'tag:' || tag, count(*) FROM document_tags WHERE tag >= char(32) GROUP BY tag;
`;
