/**
 * The service's calls that the calling thread's document cache (../cache.ts) may answer: `get`, `exists`
 * and `bulkGet`. A hit settles at once and never crosses a thread (counted, not timed); a miss is
 * scheduled as a read whose answer may fill the cache (./cache-wire.ts).
 */
import type { BulkItemResult, Document } from '../../../shared/types';
import type { DocumentCache } from '../cache';
import type { ServiceMetrics } from './metrics';
import type { Scheduler } from './scheduler';
import type { CallOptions } from './types';

/** The cache in front of the scheduler for the cached reads. */
export class CacheFront {
  readonly #cache: DocumentCache;
  readonly #scheduler: Scheduler;
  readonly #metrics: ServiceMetrics;

  constructor(cache: DocumentCache, scheduler: Scheduler, metrics: ServiceMetrics) {
    this.#cache = cache;
    this.#scheduler = scheduler;
    this.#metrics = metrics;
  }

  /** `get` or `exists` of one id: from the cache when it knows, else from a reader. */
  one(method: 'get' | 'exists', args: readonly unknown[], co: CallOptions | undefined): Promise<unknown> {
    const id = args[0];
    if (typeof id !== 'string') return this.#scheduler.accept(method, args, co);
    const hit = method === 'get' ? this.#cache.get(id) : this.#cache.exists(id);
    if (hit !== undefined) {
      this.#metrics.hit(method);
      return Promise.resolve(hit);
    }
    return this.#scheduler.accept(method, args, co, [id]);
  }

  /** Cache hits answered here; the misses go to one reader in one call, and are merged back in order. */
  bulkGet(args: readonly unknown[], co: CallOptions | undefined): Promise<unknown> {
    const ids = args[0];
    if (!Array.isArray(ids) || ids.length === 0) return this.#scheduler.accept('bulkGet', args, co);
    const out: BulkItemResult<Document>[] = new Array<BulkItemResult<Document>>(ids.length);
    const missAt: number[] = [];
    const missIds: unknown[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      const hit = typeof id === 'string' ? this.#cache.get(id) : undefined;
      if (hit !== undefined) out[i] = { id: id as string, status: 'ok', value: hit };
      else {
        missAt.push(i);
        missIds.push(id);
      }
    }
    this.#metrics.hit('get', ids.length - missIds.length);
    if (missIds.length === 0) return Promise.resolve(out);
    const finish = (result: unknown): unknown => {
      const got = result as BulkItemResult<Document>[];
      for (let k = 0; k < missAt.length; k++) {
        const r = got[k];
        if (r !== undefined) out[missAt[k] as number] = r;
      }
      return out;
    };
    return this.#scheduler.accept(
      'bulkGet',
      [missIds],
      co,
      missIds.filter((x): x is string => typeof x === 'string'),
      finish,
    );
  }
}
