/**
 * PouchDB (pouchdb-node 9, leveldown), the document store with revisions people pick for this job.
 * Unencrypted. leveldown writes with `sync: false`: a write is not fsynced when the call returns.
 * Old revision bodies stay readable until compaction (auto_compaction is off by default), which is
 * what history+diff reads.
 */
import PouchDB from 'pouchdb-node';
import { join } from 'node:path';
import { HISTORY_ID, historyVersions, seedBatches } from '../data';
import { unifiedDiffText } from '../diff';
import type { BenchDoc, BenchDriver, DriverSession, StoreManifest } from '../types';

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

function openPouch(dir: string): PouchDB.Database<StoredDoc> {
  return new PouchDB<StoredDoc>(join(dir, DIR));
}

/** The PouchDB driver. */
export const pouchdbDriver: BenchDriver = {
  name: 'pouchdb',
  description: 'pouchdb-node 9 on leveldown: revisions, no encryption, writes not fsynced (leveldown sync:false)',
  sync: false,
  unsupported(trial) {
    if (trial === 'open-passphrase') return 'no encryption: nothing to unlock';
    if (trial === 'search') return 'no full-text index (pouchdb-quick-search is a separate plugin)';
    return undefined;
  },
  caveats(trial) {
    const out: string[] = [];
    if (trial === 'save' || trial === 'update' || trial === 'save-concurrent' || trial.startsWith('bulk-save'))
      out.push('not durable at return: leveldown does not fsync each write');
    if (trial === 'update') out.push('get + put (PouchDB needs the current _rev)');
    if (trial === 'list-page') out.push('persistent map/reduce view emit(updated), built during seeding');
    if (trial === 'open-key') out.push('unencrypted: open = leveldb open + info() + close');
    return out;
  },
  async seed(dir, kind, { docs, docBytes }) {
    const t0 = performance.now();
    const db = openPouch(dir);
    try {
      for (const batch of seedBatches(docs, docBytes, BATCH)) await db.bulkDocs(batch.map(toStored));
      const versions = historyVersions();
      let rev: string | undefined;
      for (const content of versions) {
        const r = await db.put({ _id: HISTORY_ID, ...(rev === undefined ? {} : { _rev: rev }), title: 'History document', type: 'note', tags: [], content, size: content.length, updated: stamp() });
        rev = r.rev;
      }
      await db.put({
        _id: '_design/bench',
        views: { by_updated: { map: 'function (doc) { emit(doc.updated, { title: doc.title, type: doc.type, tags: doc.tags, size: doc.size }); }' } },
      } as unknown as StoredDoc);
      // Build the view now, so list-page measures queries, not the first index build.
      await db.query(VIEW, { limit: 1 });
    } finally {
      await db.close();
    }
    const manifest: StoreManifest = { driver: 'pouchdb', seed: kind, docs, docBytes, historyId: HISTORY_ID, seedMs: performance.now() - t0 };
    return manifest;
  },
  async open(dir) {
    const db = openPouch(dir);
    await db.info();
    return new PouchSession(db);
  },
  async openClose(dir) {
    const db = openPouch(dir);
    await db.info();
    await db.close();
  },
};
