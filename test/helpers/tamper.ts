/** A second connection that has the page key but not the HMAC key: what an attacker with the raw key could do. */
import Database from 'better-sqlite3-multiple-ciphers';

/** Opens `path` with the raw key the way stock SQLCipher 4 would, runs `fn`, closes. */
export function withRawConnection<T>(path: string, hexKey: string | undefined, fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    if (hexKey !== undefined) {
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
      db.pragma(`key = "x'${hexKey}'"`);
    }
    return fn(db);
  } finally {
    db.close();
  }
}
