/**
 * PouchDB (pouchdb-node 9, leveldown), the document store with revisions people pick for this job, and
 * `pouchdb-crypto`, the same with crypto-pouch 4 (every document body encrypted with XSalsa20-Poly1305
 * under a key derived from a password by Argon2id; `_id` and the revision tree stay in clear).
 * leveldown writes with `sync: false`: a write is not fsynced when the call returns.
 * Old revision bodies stay readable until compaction (auto_compaction is off by default), which is
 * what history+diff reads.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HISTORY_ID, docId, historyVersions, seedBatches } from '../data';
import { unifiedDiffText } from '../diff';
import type { BenchDoc, BenchDriver, DriverSession, StoreManifest } from '../types';
import { peerModule } from './peer';

const pouchdb = peerModule<PouchDB.Static>('pouchdb-node', (ns) => ns['default'] as PouchDB.Static);
const cryptoPouch = peerModule<object>('crypto-pouch', (ns) => (ns['default'] ?? ns) as object);

const DIR = 'pouch';
const BATCH = 1000;
const VIEW = 'bench/by_updated';

interface StoredDoc {
  _id: string;
  _rev?: string;
  title: string;
  type: string;
  tags: readonly string[];
  content: string;
  size: number;
  updated: number;
}

/** Monotonic "updated" stamps, so the list order is well defined. */
let clock = 0;
function stamp(): number {
  clock = Math.max(clock + 1, Date.now() * 1000);
  return clock;
}

function toStored(d: BenchDoc): StoredDoc {
  return { _id: d.id, title: d.title, type: d.type, tags: d.tags, content: d.content, size: d.content.length, updated: stamp() };
}

class PouchSession implements DriverSession {
  readonly #db: PouchDB.Database<StoredDoc>;
  constructor(db: PouchDB.Database<StoredDoc>) {
    this.#db = db;
  }
  get(id: string): Promise<unknown> {
    return this.#db.get(id);
  }
  async exists(id: string): Promise<boolean> {
    // PouchDB has no exists: get() and a 404 measured as fast as allDocs({key}) here, and ~2× faster
    // than allDocs({keys: [id]}).
    try {
      await this.#db.get(id);
      return true;
    } catch (err) {
      if ((err as PouchDB.Error).status === 404) return false;
      throw err;
    }
  }
  save(doc: BenchDoc): Promise<unknown> {
    return this.#db.put(toStored(doc));
  }
  async update(id: string, content: string): Promise<unknown> {
    // PouchDB needs the current revision: read, then write the next one (docvault does the same inside update).
    const cur = await this.#db.get(id);
    return this.#db.put({ ...cur, content, size: content.length, updated: stamp() });
  }
  async bulkSave(docs: readonly BenchDoc[]): Promise<unknown> {
    const r = await this.#db.bulkDocs(docs.map(toStored));
    for (const item of r) if ('error' in item && item.error !== undefined && item.error !== false) throw new Error(`pouchdb bulkDocs: ${JSON.stringify(item)}`);
    return r;
  }
  bulkGet(ids: readonly string[]): Promise<unknown> {
    return this.#db.allDocs({ keys: [...ids], include_docs: true });
  }
  listPage(limit: number): Promise<unknown> {
    return this.#db.query(VIEW, { descending: true, limit });
  }
  search(): never {
    throw new Error('unsupported');
  }
  async historyDiff(id: string): Promise<{ versions: number; diffChars: number }> {
    const head = await this.#db.get(id, { revs_info: true });
    const revs = (head._revs_info ?? []).filter((r) => r.status === 'available');
    const newest = revs[0];
    const oldest = revs[revs.length - 1];
    if (newest === undefined || oldest === undefined) throw new Error(`no revisions of ${id}`);
    const [a, b] = await Promise.all([this.#db.get(id, { rev: oldest.rev }), this.#db.get(id, { rev: newest.rev })]);
    return { versions: revs.length, diffChars: unifiedDiffText(a.content, b.content, oldest.rev, newest.rev).length };
  }
  notes(): string[] {
    return [];
  }
  close(): Promise<void> {
    return this.#db.close();
  }
}

/** Opens the store; with a password, through crypto-pouch (which derives the key with Argon2id on every open). */
async function openPouch(dir: string, password: string | undefined): Promise<PouchDB.Database<StoredDoc>> {
  const PouchDB = await pouchdb.load();
  if (password === undefined) return new PouchDB<StoredDoc>(join(dir, DIR));
  const Crypto = PouchDB.plugin(await cryptoPouch.load());
  const db = new Crypto<StoredDoc>(join(dir, DIR));
  if (db.crypto === undefined) throw new Error('crypto-pouch did not add crypto() to PouchDB');
  // `_revs_info` must pass the decrypting transform untouched, or history+diff cannot list revisions.
  await db.crypto(password, { ignore: ['_revs_info'] });
  return db;
}

function passwordOf(m: StoreManifest, encrypted: boolean): string | undefined {
  if (!encrypted) return undefined;
  const p = m.passphrase ?? m.rawKey;
  if (p === undefined) throw new Error(`${m.driver} store has no password in its manifest`);
  return p;
}

function pouchDriver(name: 'pouchdb' | 'pouchdb-crypto', encrypted: boolean): BenchDriver {
  return {
    name,
    description: encrypted
      ? 'pouchdb-node 9 + crypto-pouch 4: revisions, bodies encrypted (XSalsa20-Poly1305, Argon2id-derived key; ids and revision tree in clear), writes not fsynced'
      : 'pouchdb-node 9 on leveldown: revisions, no encryption, writes not fsynced (leveldown sync:false)',
    sync: false,
    available: async () => (await pouchdb.available()) ?? (encrypted ? await cryptoPouch.available() : undefined),
    unsupported(trial) {
      if (trial === 'open-passphrase' && !encrypted) return 'no encryption: nothing to unlock';
      if (trial === 'search') return 'no full-text index (pouchdb-quick-search is a separate plugin)';
      if (trial === 'list-page' && encrypted) return 'map/reduce views see only the ciphertext payload: no index on the updated time';
      return undefined;
    },
    caveats(trial) {
      const out: string[] = [];
      if (trial === 'save' || trial === 'update' || trial === 'save-concurrent' || trial.startsWith('bulk-save'))
        out.push('not durable at return: leveldown does not fsync each write');
      if (trial === 'update') out.push('get + put (PouchDB needs the current _rev)');
      if (trial === 'list-page') out.push('persistent map/reduce view emit(updated), built during seeding');
      if (trial === 'open-key')
        out.push(encrypted ? 'crypto-pouch has no raw-key path: open = leveldb open + Argon2id (4 MiB, 100 passes) key derivation + a read' : 'unencrypted: open = leveldb open + info() + close');
      if (trial === 'open-passphrase') out.push('crypto-pouch: Argon2id 4 MiB, 100 passes (hash-wasm), the same work as open-key');
      return out;
    },
    async seed(dir, kind, { docs, docBytes }) {
      const t0 = performance.now();
      const secret = randomBytes(32).toString('hex');
      const keying = !encrypted ? {} : kind === 'docs-passphrase' ? { passphrase: `bench passphrase ${secret.slice(0, 12)}` } : { rawKey: secret };
      const db = await openPouch(dir, keying.passphrase ?? keying.rawKey);
      try {
        for (const batch of seedBatches(docs, docBytes, BATCH)) await db.bulkDocs(batch.map(toStored));
        const versions = historyVersions();
        let rev: string | undefined;
        for (const content of versions) {
          const r = await db.put({ _id: HISTORY_ID, ...(rev === undefined ? {} : { _rev: rev }), title: 'History document', type: 'note', tags: [], content, size: content.length, updated: stamp() });
          rev = r.rev;
        }
        if (!encrypted) {
          await db.put({
            _id: '_design/bench',
            views: { by_updated: { map: 'function (doc) { emit(doc.updated, { title: doc.title, type: doc.type, tags: doc.tags, size: doc.size }); }' } },
          } as unknown as StoredDoc);
          // Build the view now, so list-page measures queries, not the first index build.
          await db.query(VIEW, { limit: 1 });
        }
      } finally {
        await db.close();
      }
      const manifest: StoreManifest = { driver: name, seed: kind, docs, docBytes, ...keying, historyId: HISTORY_ID, seedMs: performance.now() - t0 };
      return manifest;
    },
    async open(dir, manifest) {
      const db = await openPouch(dir, passwordOf(manifest, encrypted));
      await db.info();
      return new PouchSession(db);
    },
    async openClose(dir, manifest) {
      const db = await openPouch(dir, passwordOf(manifest, encrypted));
      // Encrypted: decrypting one document proves the key (secretbox authenticates). Plain: info().
      if (encrypted) await db.get(docId(0));
      else await db.info();
      await db.close();
    },
  };
}

/** The PouchDB driver (unencrypted). */
export const pouchdbDriver = pouchDriver('pouchdb', false);
/** PouchDB + crypto-pouch (encrypted document bodies). */
export const pouchdbCryptoDriver = pouchDriver('pouchdb-crypto', true);
