/**
 * `signal`: @signalapp/sqlcipher, the SQLCipher binding Signal Desktop ships, with raw's one-table schema,
 * raw's statements and the engine's pragmas (WAL, synchronous FULL…). Its SQLCipher 4 defaults are the
 * cipher settings raw asks better-sqlite3-multiple-ciphers for (`cipher='sqlcipher'`, `legacy=4`): the
 * two bindings open each other's files (test/bench proves it), so signal ÷ raw compares the bindings alone.
 *
 * Licence: @signalapp/sqlcipher is AGPL-3.0-only. It is a devDependency for `npm run bench` only: nothing
 * under src/ imports it, and the in-app benchmark panel must not offer this driver (`benchOnly`).
 */
import type * as SignalModule from '@signalapp/sqlcipher';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { seedBatches } from '../data';
import type { BenchDoc, BenchDriver, DriverSession, SeedKind, StoreManifest } from '../types';
import { peerModule } from './peer';
import { DOCS_TABLE, enginePragmas } from './sqlite';

type SignalDatabase = SignalModule.Database;
type SignalCtor = new (path?: string) => SignalDatabase;

const signal = peerModule<SignalCtor>('@signalapp/sqlcipher', (ns) => ns['default'] as SignalCtor);
const FILE = 'bench.db';
const BATCH = 1000;

/** SQL string literal (the key pragmas take no bound parameters). */
const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

async function openDb(path: string, keying: { rawKey?: string; passphrase?: string }): Promise<SignalDatabase> {
  const Database = await signal.load();
  const db = new Database(path);
  try {
    if (keying.rawKey !== undefined) db.pragma(`key = "x'${keying.rawKey}'"`);
    // SQLCipher 4's own KDF: PBKDF2-HMAC-SHA512, 256,000 iterations (as raw's passphrase open).
    else if (keying.passphrase !== undefined) db.pragma(`key = ${quote(keying.passphrase)}`);
    else throw new Error('signal store has neither a raw key nor a passphrase in its manifest');
    for (const p of enginePragmas(true)) db.pragma(p);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

class SignalSession implements DriverSession {
  readonly #db: SignalDatabase;
  readonly #get;
  readonly #exists;
  readonly #insert;
  readonly #update;
  readonly #bulkSave: (docs: readonly BenchDoc[]) => void;
  readonly #bulkGet: (ids: readonly string[]) => unknown[];

  constructor(db: SignalDatabase) {
    this.#db = db;
    this.#get = db.prepare('SELECT content FROM docs WHERE id = ?', { pluck: true, persistent: true });
    this.#exists = db.prepare('SELECT 1 FROM docs WHERE id = ?', { pluck: true, persistent: true });
    this.#insert = db.prepare('INSERT INTO docs (id, content) VALUES (?, ?)', { persistent: true });
    this.#update = db.prepare('UPDATE docs SET content = ? WHERE id = ?', { persistent: true });
    const insert = this.#insert;
    const get = this.#get;
    let pendingDocs: readonly BenchDoc[] = [];
    let pendingIds: readonly string[] = [];
    // Signal's transaction() wraps a parameterless function: pass the batch through a closure.
    const writeMany = db.transaction(() => {
      for (const d of pendingDocs) insert.run([d.id, d.content]);
    });
    const readMany = db.transaction(() => pendingIds.map((id) => get.get([id])));
    this.#bulkSave = (docs) => {
      pendingDocs = docs;
      writeMany();
    };
    this.#bulkGet = (ids) => {
      pendingIds = ids;
      return readMany();
    };
  }
  get(id: string): unknown {
    const content = this.#get.get([id]);
    if (content === undefined) throw new Error(`no document ${id}`);
    return content;
  }
  exists(id: string): boolean {
    return this.#exists.get([id]) !== undefined;
  }
  save(doc: BenchDoc): unknown {
    return this.#insert.run([doc.id, doc.content]);
  }
  update(id: string, content: string): unknown {
    const r = this.#update.run([content, id]);
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

/** The signal driver (bench only: AGPL-3.0). */
export const signalDriver: BenchDriver = {
  name: 'signal',
  description: "@signalapp/sqlcipher 4.1 (Signal Desktop's binding, AGPL-3.0, bench only): SQLCipher 4 raw key, raw's table, statements and pragmas",
  sync: true,
  benchOnly: '@signalapp/sqlcipher is AGPL-3.0-only: a devDependency for npm run bench, never shipped in the app or its benchmark panel',
  available: () => signal.available(),
  unsupported(trial) {
    if (trial === 'history+diff') return 'no versions: one table id→content keeps only the latest content';
    if (trial === 'list-page') return 'no updated time or summary columns: one table id→content';
    if (trial === 'search') return 'no full-text index: one table id→content';
    return undefined;
  },
  caveats(trial) {
    if (trial === 'save-concurrent') return ['sync library called through an async wrapper: calls are serialized'];
    if (trial === 'open-passphrase') return ["SQLCipher 4's own KDF (PBKDF2-SHA512, 256k iterations), not Argon2id"];
    return [];
  },
  async seed(dir, kind: SeedKind, { docs, docBytes }) {
    const t0 = performance.now();
    const keying = kind === 'docs-passphrase' ? { passphrase: `bench passphrase ${randomBytes(6).toString('hex')}` } : { rawKey: randomBytes(32).toString('hex') };
    const db = await openDb(join(dir, FILE), keying);
    try {
      db.exec(DOCS_TABLE);
      const insert = db.prepare('INSERT INTO docs (id, content) VALUES (?, ?)');
      let slice: readonly BenchDoc[] = [];
      const batch = db.transaction(() => {
        for (const d of slice) insert.run([d.id, d.content]);
      });
      for (const s of seedBatches(docs, docBytes, BATCH)) {
        slice = s;
        batch();
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const manifest: StoreManifest = { driver: 'signal', seed: kind, docs, docBytes, ...keying, seedMs: performance.now() - t0 };
    return manifest;
  },
  async open(dir, manifest) {
    return new SignalSession(await openDb(join(dir, FILE), { ...(manifest.rawKey === undefined ? {} : { rawKey: manifest.rawKey }) }));
  },
  async openClose(dir, manifest, keying) {
    const db = await openDb(
      join(dir, FILE),
      keying === 'key' ? { ...(manifest.rawKey === undefined ? {} : { rawKey: manifest.rawKey }) } : { ...(manifest.passphrase === undefined ? {} : { passphrase: manifest.passphrase }) },
    );
    // Proves the key (the first read decrypts page 1), as the other drivers' open does.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.close();
  },
};
