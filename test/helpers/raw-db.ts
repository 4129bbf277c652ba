/**
 * Raw SQLCipher connections for tests: a second connection that has the page key but not docvault's
 * HMAC key — what stock SQLCipher 4, an attacker holding the raw key, or a disk fault can do.
 */
import Database from 'better-sqlite3-multiple-ciphers';

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
