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
import { MEMORY_PRESETS } from '../../src/main/storage';
import { seedBatches } from '../data';
import type { BenchDoc, BenchDriver, DriverSession, SeedKind, StoreManifest } from '../types';

const FILE = 'bench.db';

/** The engine's pragmas, applied after keying (shared with the `signal` driver, so the bindings compare alone). */
export function enginePragmas(encrypted: boolean): string[] {
  const t = MEMORY_PRESETS.standard;
  return [
    'journal_mode = WAL',
    'synchronous = FULL',
    'foreign_keys = ON',
    'secure_delete = ON',
    'temp_store = MEMORY',
    'busy_timeout = 5000',
    `cache_size = -${t.sqliteCacheKiB}`,
    `mmap_size = ${encrypted ? 0 : t.mmapBytes}`,
  ];
}

/** raw's one table (shared with the `signal` driver). */
export const DOCS_TABLE = 'CREATE TABLE docs (id TEXT PRIMARY KEY NOT NULL, content TEXT NOT NULL) STRICT';
const BATCH = 1000;

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

class SqliteSession implements DriverSession {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], string>;
  readonly #exists: Database.Statement<[string], number>;
  readonly #insert: Database.Statement<[string, string]>;
  readonly #update: Database.Statement<[string, string]>;
  readonly #bulkSave: (docs: readonly BenchDoc[]) => void;
  readonly #bulkGet: (ids: readonly string[]) => (string | undefined)[];

  constructor(db: Database.Database) {
    this.#db = db;
    this.#get = db.prepare<[string], string>('SELECT content FROM docs WHERE id = ?').pluck();
    this.#exists = db.prepare<[string], number>('SELECT 1 FROM docs WHERE id = ?').pluck();
    this.#insert = db.prepare<[string, string]>('INSERT INTO docs (id, content) VALUES (?, ?)');
    this.#update = db.prepare<[string, string]>('UPDATE docs SET content = ? WHERE id = ?');
    const insert = this.#insert;
    const get = this.#get;
    const writeMany = db.transaction((docs: readonly BenchDoc[]) => {
      for (const d of docs) insert.run(d.id, d.content);
    });
    this.#bulkSave = (docs) => writeMany.immediate(docs);
    const readMany = db.transaction((ids: readonly string[]) => ids.map((id) => get.get(id)));
    this.#bulkGet = (ids) => readMany.deferred(ids);
  }
  get(id: string): unknown {
    const content = this.#get.get(id);
    if (content === undefined) throw new Error(`no document ${id}`);
    return content;
  }
  exists(id: string): boolean {
    return this.#exists.get(id) !== undefined;
  }
  save(doc: BenchDoc): unknown {
    return this.#insert.run(doc.id, doc.content);
  }
  update(id: string, content: string): unknown {
    const r = this.#update.run(content, id);
    if (r.changes !== 1) throw new Error(`no document ${id}`);
    return r;
  }
  bulkSave(docs: readonly BenchDoc[]): unknown {
    this.#bulkSave(docs);
    return docs.length;
  }
  bulkGet(ids: readonly string[]): unknown {
    return this.#bulkGet(ids);
  }
  listPage(): never {
    throw new Error('unsupported');
  }
  search(): never {
    throw new Error('unsupported');
  }
  historyDiff(): never {
    throw new Error('unsupported');
  }
  notes(): string[] {
    return [];
  }
  close(): void {
    this.#db.close();
  }
}

function sqliteDriver(name: 'raw' | 'plain', encrypted: boolean): BenchDriver {
  return {
    name,
    description: encrypted
      ? 'better-sqlite3-multiple-ciphers, SQLCipher 4 raw key, same pragmas, one table id→content, no cache/versions/tags'
      : 'same as raw with encryption off (mmap on, as the engine does for plain vaults)',
    sync: true,
    unsupported(trial) {
      if (trial === 'history+diff') return 'no versions: one table id→content keeps only the latest content';
      if (trial === 'list-page') return 'no updated time or summary columns: one table id→content';
      if (trial === 'search') return 'no full-text index: one table id→content';
      if (trial === 'open-passphrase' && !encrypted) return 'no encryption: nothing to unlock';
      return undefined;
    },
    caveats(trial) {
      if (trial === 'save-concurrent') return ['sync library called through an async wrapper: calls are serialized'];
      if (trial === 'open-passphrase') return ["SQLCipher 4's own KDF (PBKDF2-SHA512, 256k iterations), not Argon2id"];
      return [];
    },
    async seed(dir, kind: SeedKind, { docs, docBytes }) {
      const t0 = performance.now();
      const keying =
        kind === 'docs-passphrase' ? { passphrase: `bench passphrase ${randomBytes(6).toString('hex')}` } : { rawKey: randomBytes(32).toString('hex') };
      const db = openDb(join(dir, FILE), encrypted, keying, kind === 'docs-passphrase' ? 'passphrase' : 'key', true);
      try {
        db.exec(DOCS_TABLE);
        const insert = db.prepare<[string, string]>('INSERT INTO docs (id, content) VALUES (?, ?)');
        const batch = db.transaction((slice: readonly BenchDoc[]) => {
          for (const d of slice) insert.run(d.id, d.content);
        });
        for (const slice of seedBatches(docs, docBytes, BATCH)) batch.immediate(slice);
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      return { driver: name, seed: kind, docs, docBytes, ...(encrypted ? keying : {}), seedMs: performance.now() - t0 };
    },
    async open(dir, manifest) {
      return new SqliteSession(openDb(join(dir, FILE), encrypted, manifest, 'key', false));
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
