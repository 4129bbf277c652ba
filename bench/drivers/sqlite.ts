/**
 * The floors docvault pays its features on top of: better-sqlite3-multiple-ciphers with hand-written
 * statements over one table id → content. No cache, no versions, no tags, no integrity tags.
 * `raw` is SQLCipher 4 with a raw key; `plain` is the same with encryption off. Pragmas are the engine's
 * (WAL, synchronous FULL, secure_delete, temp_store MEMORY, the `standard` preset's cache_size, mmap only
 * when unencrypted), so the difference is what docvault adds, not how SQLite is tuned.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { seedBatches } from '../data';
import type { BenchDoc, BenchDriver, SeedKind, StoreManifest } from '../types';
import { DOCS_SQL, DOCS_TABLE, OneTableSession, SEED_BATCH, enginePragmas, oneTableCaveats, oneTableUnsupported } from './one-table';

const FILE = 'bench.db';


function openDb(path: string, encrypted: boolean, manifest: StoreManifest | { rawKey?: string; passphrase?: string }, keying: 'key' | 'passphrase', create: boolean): Database.Database {
  const db = new Database(path, { fileMustExist: !create });
  try {
    if (encrypted) {
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
      if (keying === 'key') {
        if (manifest.rawKey === undefined) throw new Error('raw store has no raw key in its manifest');
        db.pragma(`key = "x'${manifest.rawKey}'"`);
      } else {
        if (manifest.passphrase === undefined) throw new Error('raw store was not seeded with a passphrase');
        // SQLCipher 4's own KDF: PBKDF2-HMAC-SHA512, 256,000 iterations.
        db.key(Buffer.from(manifest.passphrase, 'utf8'));
      }
    }
    for (const p of enginePragmas(encrypted)) db.pragma(p);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** raw's statements, prepared by better-sqlite3. */
function sqliteSession(db: Database.Database): OneTableSession {
  const get = db.prepare<[string], string>(DOCS_SQL.get).pluck();
  const exists = db.prepare<[string], number>(DOCS_SQL.exists).pluck();
  const insert = db.prepare<[string, string]>(DOCS_SQL.insert);
  const update = db.prepare<[string, string]>(DOCS_SQL.update);
  const writeMany = db.transaction((docs: readonly BenchDoc[]) => {
    for (const d of docs) insert.run(d.id, d.content);
  });
  const readMany = db.transaction((ids: readonly string[]) => ids.map((id) => get.get(id)));
  return new OneTableSession({
    get: (id) => get.get(id),
    exists: (id) => exists.get(id),
    insert: (id, content) => insert.run(id, content),
    update: (content, id) => update.run(content, id),
    insertMany: (docs) => writeMany.immediate(docs),
    getMany: (ids) => readMany.deferred(ids),
    close: () => db.close(),
  });
}

function sqliteDriver(name: 'raw' | 'plain', encrypted: boolean): BenchDriver {
  return {
    name,
    description: encrypted
      ? 'better-sqlite3-multiple-ciphers, SQLCipher 4 raw key, same pragmas, one table id→content, no cache/versions/tags'
      : 'same as raw with encryption off (mmap on, as the engine does for plain vaults)',
    sync: true,
    unsupported(trial) {
      if (trial === 'open-passphrase' && !encrypted) return 'no encryption: nothing to unlock';
      return oneTableUnsupported(trial);
    },
    caveats: oneTableCaveats,
    async seed(dir, kind: SeedKind, { docs, docBytes }) {
      const t0 = performance.now();
      const keying =
        kind === 'docs-passphrase' ? { passphrase: `bench passphrase ${randomBytes(6).toString('hex')}` } : { rawKey: randomBytes(32).toString('hex') };
      const db = openDb(join(dir, FILE), encrypted, keying, kind === 'docs-passphrase' ? 'passphrase' : 'key', true);
      try {
        db.exec(DOCS_TABLE);
        const insert = db.prepare<[string, string]>(DOCS_SQL.insert);
        const batch = db.transaction((slice: readonly BenchDoc[]) => {
          for (const d of slice) insert.run(d.id, d.content);
        });
        for (const slice of seedBatches(docs, docBytes, SEED_BATCH)) batch.immediate(slice);
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      return { driver: name, seed: kind, docs, docBytes, ...(encrypted ? keying : {}), seedMs: performance.now() - t0 };
    },
    async open(dir, manifest) {
      return sqliteSession(openDb(join(dir, FILE), encrypted, manifest, 'key', false));
    },
    openClose(dir, manifest, keying) {
      const db = openDb(join(dir, FILE), encrypted, manifest, keying, false);
      // Proves the key (the first read decrypts page 1), as docvault's open does.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      db.close();
    },
  };
}

/** better-sqlite3-multiple-ciphers, SQLCipher 4 with a raw key. */
export const rawDriver = sqliteDriver('raw', true);
/** better-sqlite3-multiple-ciphers, unencrypted. */
export const plainDriver = sqliteDriver('plain', false);
