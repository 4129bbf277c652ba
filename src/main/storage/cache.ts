/**
 * The document cache: lru-cache bounded by entries and by bytes, plus a smaller exists cache
 * (id -> present/absent). Cached documents are frozen, so handing them out cannot corrupt the cache.
 * Hits and misses come from lru-cache's `status` object; evictions from its `dispose` reason.
 */
import { LRUCache } from 'lru-cache';
import type { CacheStats, Document } from '../../shared/types';

/** Bytes charged for a document: content as UTF-16 in memory, plus a fixed overhead for the rest. */
function documentBytes(doc: Document): number {
  return doc.content.length * 2 + doc.title.length * 2 + 256;
}

/** Document cache with counters. */
export class DocumentCache {
  readonly #docs: LRUCache<string, Document>;
  readonly #exists: LRUCache<string, boolean>;
  /** Reused status object: lru-cache writes `get: 'hit' | 'miss'` into it on every lookup. */
  readonly #status: LRUCache.Status<string, Document> = {};
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(maxEntries: number, maxBytes: number, existsEntries: number) {
    this.#docs = new LRUCache<string, Document>({
      max: Math.max(1, maxEntries),
      maxSize: Math.max(1024, maxBytes),
      // A document larger than the whole budget is simply not cached.
      maxEntrySize: Math.max(1024, maxBytes),
      sizeCalculation: documentBytes,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') this.#evictions++;
      },
    });
    this.#exists = new LRUCache<string, boolean>({ max: Math.max(1, existsEntries) });
  }

  /** The cached document, or undefined. Counts a hit or a miss. */
  get(id: string): Document | undefined {
    const status = this.#status;
    const doc = this.#docs.get(id, { status });
    if (status.get === 'hit') this.#hits++;
    else this.#misses++;
    return doc;
  }

  /** Whether `id` exists, if known without reading the vault. */
  exists(id: string): boolean | undefined {
    if (this.#docs.has(id)) return true;
    return this.#exists.get(id);
  }

  /** Records what the vault said about `id`. */
  setExists(id: string, present: boolean): void {
    this.#exists.set(id, present);
  }

  /** Caches a document (frozen) and marks it present. */
  set(doc: Document): Document {
    Object.freeze(doc.tags);
    Object.freeze(doc.metadata);
    const frozen = Object.freeze(doc);
    this.#docs.set(doc.id, frozen);
    this.#exists.set(doc.id, true);
    return frozen;
  }

  /** Forgets `id` in both caches. */
  invalidate(id: string): void {
    this.#docs.delete(id);
    this.#exists.delete(id);
  }

  /** Forgets everything (a change from outside, a rollback we cannot attribute). */
  clear(): void {
    this.#docs.clear();
    this.#exists.clear();
  }

  /** Counters for stats. */
  stats(): CacheStats {
    return {
      entries: this.#docs.size,
      bytes: this.#docs.calculatedSize,
      maxEntries: this.#docs.max,
      maxBytes: this.#docs.maxSize,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }
}
