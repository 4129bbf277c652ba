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
import type { BenchDoc, BenchDriver, SeedKind, StoreManifest } from '../types';
import { DOCS_SQL, DOCS_TABLE, OneTableSession, SEED_BATCH, enginePragmas, oneTableCaveats, oneTableUnsupported } from './one-table';
import { peerModule } from './peer';

type SignalDatabase = SignalModule.Database;
type SignalCtor = new (path?: string) => SignalDatabase;

const signal = peerModule<SignalCtor>('@signalapp/sqlcipher', (ns) => ns['default'] as SignalCtor);
const FILE = 'bench.db';

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

/** raw's statements, prepared by Signal's binding. */
function signalSession(db: SignalDatabase): OneTableSession {
  const get = db.prepare(DOCS_SQL.get, { pluck: true, persistent: true });
  const exists = db.prepare(DOCS_SQL.exists, { pluck: true, persistent: true });
  const insert = db.prepare(DOCS_SQL.insert, { persistent: true });
  const update = db.prepare(DOCS_SQL.update, { persistent: true });
  let pendingDocs: readonly BenchDoc[] = [];
  let pendingIds: readonly string[] = [];
  // Signal's transaction() wraps a parameterless function: pass the batch through a closure.
  const writeMany = db.transaction(() => {
    for (const d of pendingDocs) insert.run([d.id, d.content]);
  });
  const readMany = db.transaction(() => pendingIds.map((id) => get.get([id])));
  return new OneTableSession({
    get: (id) => get.get([id]),
    exists: (id) => exists.get([id]),
    insert: (id, content) => insert.run([id, content]),
    update: (content, id) => update.run([content, id]),
    insertMany: (docs) => {
      pendingDocs = docs;
      writeMany();
    },
    getMany: (ids) => {
      pendingIds = ids;
      return readMany();
    },
    close: () => db.close(),
  });
}

/** The signal driver (bench only: AGPL-3.0). */
export const signalDriver: BenchDriver = {
  name: 'signal',
  description: "@signalapp/sqlcipher 4.1 (Signal Desktop's binding, AGPL-3.0, bench only): SQLCipher 4 raw key, raw's table, statements and pragmas",
  sync: true,
  benchOnly: '@signalapp/sqlcipher is AGPL-3.0-only: a devDependency for npm run bench, never shipped in the app or its benchmark panel',
  available: () => signal.available(),
  unsupported: oneTableUnsupported,
  caveats: oneTableCaveats,
  async seed(dir, kind: SeedKind, { docs, docBytes }) {
    const t0 = performance.now();
    const keying = kind === 'docs-passphrase' ? { passphrase: `bench passphrase ${randomBytes(6).toString('hex')}` } : { rawKey: randomBytes(32).toString('hex') };
    const db = await openDb(join(dir, FILE), keying);
    try {
      db.exec(DOCS_TABLE);
      const insert = db.prepare(DOCS_SQL.insert);
      let slice: readonly BenchDoc[] = [];
      const batch = db.transaction(() => {
        for (const d of slice) insert.run([d.id, d.content]);
      });
      for (const s of seedBatches(docs, docBytes, SEED_BATCH)) {
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
    return signalSession(await openDb(join(dir, FILE), { ...(manifest.rawKey === undefined ? {} : { rawKey: manifest.rawKey }) }));
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
