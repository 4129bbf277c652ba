/** The docvault engine, in-process (synchronous API), encrypted with a raw key, default durability (`full`). */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Vault, type VaultOptions } from '../../src/main/storage';
import { HISTORY_ID, historyVersions, seedBatches } from '../data';
import { unifiedDiffText } from '../diff';
import type { BenchDoc, BenchDriver, DriverSession, OpenOptions, SearchFilter, StoreManifest } from '../types';

const FILE = 'bench.dvault';
const BATCH = 1000;

/** The document cache used by get-cold: far below any seeded size, so most reads miss it. */
export const SMALL_CACHE = { cacheEntries: 1000, cacheBytes: 2 * 1024 * 1024 } as const;

function keyOf(m: StoreManifest): VaultOptions['key'] {
  if (m.rawKey === undefined) throw new Error('docvault store has no raw key in its manifest');
  return { rawKey: m.rawKey };
}

function fillVault(vault: Vault, docs: number, docBytes: number): void {
  for (const batch of seedBatches(docs, docBytes, BATCH)) {
    const r = vault.bulkCreate(batch);
    if (!r.committed) throw new Error('docvault seed: a batch did not commit');
  }
  const versions = historyVersions();
  vault.create({ id: HISTORY_ID, title: 'History document', type: 'note', content: versions[0] ?? '' });
  for (const content of versions.slice(1)) vault.update(HISTORY_ID, { content });
}

class DocvaultSession implements DriverSession {
  readonly #vault: Vault;
  readonly #small: boolean;
  constructor(vault: Vault, small: boolean) {
    this.#vault = vault;
    this.#small = small;
  }
  get(id: string): unknown {
    return this.#vault.get(id);
  }
  exists(id: string): boolean {
    return this.#vault.exists(id);
  }
  save(doc: BenchDoc): unknown {
    return this.#vault.create(doc);
  }
  update(id: string, content: string): unknown {
    return this.#vault.update(id, { content });
  }
  bulkSave(docs: readonly BenchDoc[]): unknown {
    const r = this.#vault.bulkCreate(docs);
    if (!r.committed) throw new Error('docvault bulkCreate did not commit');
    return r;
  }
  bulkGet(ids: readonly string[]): unknown {
    return this.#vault.bulkGet(ids);
  }
  listPage(limit: number): unknown {
    return this.#vault.list({ sort: 'updated', limit });
  }
  search(query: string, limit: number, filter: SearchFilter = {}): number {
    return this.#vault.search({ query, limit, ...filter }).items.length;
  }
  historyDiff(id: string): { versions: number; diffChars: number } {
    const list = this.#vault.versions(id);
    const first = list[0];
    const last = list[list.length - 1];
    if (first === undefined || last === undefined) throw new Error(`no versions of ${id}`);
    const a = this.#vault.getVersion(id, first.version);
    const b = this.#vault.getVersion(id, last.version);
    return { versions: list.length, diffChars: unifiedDiffText(a.content, b.content, `v${a.version}`, `v${b.version}`).length };
  }
  notes(): string[] {
    const c = this.#vault.stats().cache;
    const lookups = c.hits + c.misses;
    const out = [`document cache ${c.entries} entries / ${(c.bytes / 1048576).toFixed(1)} MiB of max ${c.maxEntries} / ${(c.maxBytes / 1048576).toFixed(0)} MiB`];
    if (lookups > 0) out.push(`cache hit ratio ${((100 * c.hits) / lookups).toFixed(1)}%`);
    if (this.#small) out.push(`small cache for this trial: tuning ${JSON.stringify(SMALL_CACHE)}`);
    return out;
  }
  close(): void {
    this.#vault.close();
  }
}

/** The docvault driver. */
export const docvaultDriver: BenchDriver = {
  name: 'docvault',
  description: 'docvault engine in-process: SQLCipher 4, raw key, versions, HMAC tags, LRU cache, durability full',
  sync: true,
  unsupported: () => undefined,
  caveats(trial) {
    if (trial === 'save-concurrent') return ['sync engine called through an async wrapper: calls are serialized, each its own commit (the service column groups them)'];
    return [];
  },
  async seed(dir, kind, { docs, docBytes }) {
    const t0 = performance.now();
    const path = join(dir, FILE);
    const rawKey = randomBytes(32).toString('hex');
    let passphrase: string | undefined;
    let vault: Vault;
    // The close finishes the search index's merges (a writer would run them once idle), so every trial's copy
    // starts from the index an idle writer leaves, not from one a trial's own idle time would still merge.
    const closeWorkMs = 600_000;
    if (kind === 'docs-passphrase') {
      passphrase = `bench passphrase ${randomBytes(6).toString('hex')}`;
      vault = await Vault.create(path, { key: { passphrase }, closeWorkMs });
    } else vault = Vault.createSync(path, { key: { rawKey }, closeWorkMs });
    try {
      fillVault(vault, docs, docBytes);
    } finally {
      vault.close();
    }
    return {
      driver: 'docvault',
      seed: kind,
      docs,
      docBytes,
      ...(passphrase === undefined ? { rawKey } : { passphrase }),
      historyId: HISTORY_ID,
      seedMs: performance.now() - t0,
    };
  },
  async open(dir, manifest, opts?: OpenOptions) {
    const small = opts?.cache === 'small';
    const vault = Vault.openSync(join(dir, FILE), { key: keyOf(manifest), ...(small ? { tuning: SMALL_CACHE } : {}) });
    return new DocvaultSession(vault, small);
  },
  openClose(dir, manifest, keying) {
    const path = join(dir, FILE);
    if (keying === 'key') {
      Vault.openSync(path, { key: keyOf(manifest) }).close();
      return;
    }
    const passphrase = manifest.passphrase;
    if (passphrase === undefined) throw new Error('docvault store was not seeded with a passphrase');
    return Vault.open(path, { key: { passphrase } }).then((v) => v.close());
  },
};

