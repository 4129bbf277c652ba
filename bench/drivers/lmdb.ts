/**
 * lmdb (lmdb-js 3.5) with its `encryptionKey` option: the fastest encrypted embedded key-value store in
 * Node. One database id → {title, type, tags, content, updated} in msgpack (lmdb-js's default encoding),
 * no cache (lmdb-js's object cache is off by default), no versions, no integrity tags beyond what the
 * cipher gives. Reads are synchronous; writes are lmdb-js's batched async transactions, and every write
 * trial waits for `db.flushed` (the commit fsynced) before it returns: durable at return, like docvault.
 * The default `overlappingSync` is kept: it is how lmdb-js is meant to be durable on Linux.
 */
import type * as LmdbModule from 'lmdb';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { seedBatches } from '../data';
import type { BenchDoc, BenchDriver, DriverSession, StoreManifest } from '../types';
import { peerModule } from './peer';

type Lmdb = typeof LmdbModule;
type Db = ReturnType<Lmdb['open']>;

const lmdb = peerModule<Lmdb>('lmdb', (ns) => ns as unknown as Lmdb);
const DIR = 'lmdb';
const BATCH = 1000;

interface Stored {
  title: string;
  type: string;
  tags: readonly string[];
  content: string;
  updated: number;
}

function toStored(d: BenchDoc): Stored {
  return { title: d.title, type: d.type, tags: d.tags, content: d.content, updated: Date.now() };
}

/**
 * lmdb-js's `encryptionKey` must be 32 characters, and its native side aborts the process on a Buffer
 * (lmdb 3.5.6: a fatal napi_throw): the key goes in as 32 base64 characters of the raw key's first
 * 24 bytes (192 bits). The cipher's speed does not depend on the key.
 */
function keyOf(m: { rawKey?: string }): string {
  if (m.rawKey === undefined) throw new Error('lmdb store has no raw key in its manifest');
  return Buffer.from(m.rawKey, 'hex').subarray(0, 24).toString('base64');
}

async function openDb(dir: string, key: string): Promise<Db> {
  const { open } = await lmdb.load();
  // encryptionKey: ChaCha8 over every page. No noSync, no noMetaSync: commits are fsynced.
  return open({ path: join(dir, DIR), encryptionKey: key });
}

class LmdbSession implements DriverSession {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  get(id: string): unknown {
    const v = this.#db.get(id) as Stored | undefined;
    if (v === undefined) throw new Error(`no document ${id}`);
    return v;
  }
  exists(id: string): boolean {
    return this.#db.doesExist(id);
  }
  async save(doc: BenchDoc): Promise<unknown> {
    await this.#db.put(doc.id, toStored(doc));
    return this.#db.flushed;
  }
  async update(id: string, content: string): Promise<unknown> {
    const cur = this.#db.get(id) as Stored | undefined;
    if (cur === undefined) throw new Error(`no document ${id}`);
    await this.#db.put(id, { ...cur, content, updated: Date.now() });
    return this.#db.flushed;
  }
  async bulkSave(docs: readonly BenchDoc[]): Promise<unknown> {
    const db = this.#db;
    await db.transaction(() => {
      for (const d of docs) void db.put(d.id, toStored(d));
    });
    return db.flushed;
  }
  bulkGet(ids: readonly string[]): unknown {
    return ids.map((id) => this.#db.get(id) as unknown);
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
  async close(): Promise<void> {
    await this.#db.close();
  }
}

/** The lmdb driver. */
export const lmdbDriver: BenchDriver = {
  name: 'lmdb',
  description: 'lmdb-js 3.5, encryptionKey (ChaCha8 pages), msgpack values id → document, no cache/versions/tags; writes awaited to db.flushed (fsynced)',
  sync: false,
  syncReads: true,
  available: () => lmdb.available(),
  unsupported(trial) {
    if (trial === 'history+diff') return 'no versions: a key keeps only its latest value';
    if (trial === 'list-page') return 'no secondary index on the updated time: a key-value store (raw skips it too)';
    if (trial === 'open-passphrase') return 'no passphrase keying: encryptionKey takes a 32-byte key';
    if (trial === 'search') return 'no full-text index: a key-value store';
    return undefined;
  },
  caveats(trial) {
    const out: string[] = [];
    if (trial === 'save' || trial === 'update' || trial === 'save-concurrent' || trial.startsWith('bulk-save'))
      out.push('async put/transaction, then await db.flushed (durable); concurrent callers share lmdb-js batched commits');
    if (trial === 'save' || trial === 'save-concurrent' || trial.startsWith('bulk-save')) out.push('put overwrites: no check that the id is new');
    if (trial === 'update') out.push('get + put of the whole document');
    return out;
  },
  async seed(dir, kind, { docs, docBytes }) {
    const t0 = performance.now();
    const rawKey = randomBytes(32).toString('hex');
    const db = await openDb(dir, keyOf({ rawKey }));
    try {
      for (const batch of seedBatches(docs, docBytes, BATCH))
        await db.transaction(() => {
          for (const d of batch) void db.put(d.id, toStored(d));
        });
      await db.flushed;
    } finally {
      await db.close();
    }
    const manifest: StoreManifest = { driver: 'lmdb', seed: kind, docs, docBytes, rawKey, seedMs: performance.now() - t0 };
    return manifest;
  },
  async open(dir, manifest) {
    return new LmdbSession(await openDb(dir, keyOf(manifest)));
  },
  async openClose(dir, manifest) {
    const db = await openDb(dir, keyOf(manifest));
    // The first read decrypts a page: proves the key, as the other drivers' open does.
    if ([...db.getKeys({ limit: 1 })].length !== 1) throw new Error('lmdb store is empty');
    await db.close();
  },
};
