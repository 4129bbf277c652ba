/**
 * The async StorageService: the docvault engine on worker threads (a reader pool and one group-committing
 * writer), the document cache in the calling thread. Same store format as the `docvault` driver, so it
 * seeds through it. Needs the worker bundle (`npm run build:node`).
 * Register it with one line in ./index.ts: `import { serviceDriver } from './service'` and add it to DRIVERS.
 */
import { join } from 'node:path';
import { StorageService } from '../../src/main/storage';
import { unifiedDiffText } from '../diff';
import type { BenchDoc, BenchDriver, DriverSession, OpenOptions, SearchFilter, StoreManifest } from '../types';
import { SMALL_CACHE, docvaultDriver } from './docvault';

const FILE = 'bench.dvault';

function rawKeyOf(m: StoreManifest): string {
  if (m.rawKey === undefined) throw new Error('service store has no raw key in its manifest');
  return m.rawKey;
}

class ServiceSession implements DriverSession {
  readonly #s: StorageService;
  readonly #small: boolean;
  constructor(s: StorageService, small: boolean) {
    this.#s = s;
    this.#small = small;
  }
  get(id: string): Promise<unknown> {
    return this.#s.get(id);
  }
  exists(id: string): Promise<boolean> {
    return this.#s.exists(id);
  }
  save(doc: BenchDoc): Promise<unknown> {
    return this.#s.create(doc);
  }
  update(id: string, content: string): Promise<unknown> {
    return this.#s.update(id, { content });
  }
  async bulkSave(docs: readonly BenchDoc[]): Promise<unknown> {
    const r = await this.#s.bulkCreate(docs);
    if (!r.committed) throw new Error('service bulkCreate did not commit');
    return r;
  }
  bulkGet(ids: readonly string[]): Promise<unknown> {
    return this.#s.bulkGet(ids);
  }
  listPage(limit: number): Promise<unknown> {
    return this.#s.list({ sort: 'updated', limit });
  }
  async search(query: string, limit: number, filter: SearchFilter = {}): Promise<number> {
    return (await this.#s.search({ query, limit, ...filter })).items.length;
  }
  async historyDiff(id: string): Promise<{ versions: number; diffChars: number }> {
    const list = await this.#s.versions(id);
    const first = list[0];
    const last = list[list.length - 1];
    if (first === undefined || last === undefined) throw new Error(`no versions of ${id}`);
    const [a, b] = await Promise.all([this.#s.getVersion(id, first.version), this.#s.getVersion(id, last.version)]);
    return { versions: list.length, diffChars: unifiedDiffText(a.content, b.content, `v${a.version}`, `v${b.version}`).length };
  }
  #last: string[] = [];
  readonly #timer = setInterval(() => void this.#snapshot(), 500).unref();

  /** notes() is synchronous and called before close(): keep the service's counters fresh in the background. */
  async #snapshot(): Promise<void> {
    const st = await this.#s.stats().catch(() => undefined);
    if (st === undefined) return;
    const c = st.cache;
    const g = st.service.groupCommit;
    const lookups = c.hits + c.misses;
    this.#last = [
      `${st.service.readers} reader threads + 1 writer; document cache in the calling thread`,
      ...(lookups > 0 ? [`cache hit ratio ${((100 * c.hits) / lookups).toFixed(1)}%`] : []),
      ...(g.commits > 0 ? [`group commit: ${g.commits} commits, mean ${g.meanSize} writes, max ${g.maxSize}`] : []),
      `main-thread event-loop delay p99 ${st.service.eventLoopDelayMs.p99} ms (counters as of the last 0.5 s)`,
      ...(this.#small ? [`small cache for this trial: tuning ${JSON.stringify(SMALL_CACHE)}`] : []),
    ];
  }
  notes(): string[] {
    return this.#last;
  }
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#s.close();
  }
}

/** The service driver. */
export const serviceDriver: BenchDriver = {
  name: 'service',
  description: 'docvault StorageService: engine on worker threads (reader pool + group-committing writer), cache in the calling thread, durability full',
  sync: false,
  unsupported: () => undefined,
  caveats(trial) {
    if (trial === 'save-concurrent') return ['writes from concurrent callers share one fsync (group commit): one transaction per group, no savepoint per write, one audit entry per group'];
    if (trial === 'save' || trial === 'update') return ['one caller: every write is its own group commit, plus a thread round trip'];
    return [];
  },
  async seed(dir, kind, size) {
    const m = await docvaultDriver.seed(dir, kind, size);
    return { ...m, driver: 'service' };
  },
  async open(dir, manifest, opts?: OpenOptions) {
    const small = opts?.cache === 'small';
    const s = await StorageService.open(join(dir, FILE), { key: { rawKey: rawKeyOf(manifest) }, ...(small ? { tuning: SMALL_CACHE } : {}) });
    return new ServiceSession(s, small);
  },
  async openClose(dir, manifest, keying) {
    const path = join(dir, FILE);
    if (keying === 'key') {
      await (await StorageService.open(path, { key: { rawKey: rawKeyOf(manifest) } })).close();
      return;
    }
    const passphrase = manifest.passphrase;
    if (passphrase === undefined) throw new Error('service store was not seeded with a passphrase');
    await (await StorageService.open(path, { key: { passphrase } })).close();
  },
};
