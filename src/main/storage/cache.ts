/**
 * The document cache: the one cached store in front of the engine, used by a Vault in-process and by the
 * storage service in its calling thread (the worker threads run without one). It owns
 *
 * - the LRU (lru-cache, bounded by entries and by bytes) and a smaller exists cache (id -> present/absent);
 *   cached documents are frozen, so handing them out cannot corrupt the cache;
 * - the hit/miss/fill path and its counters (hits and misses from lru-cache's `status` object, evictions
 *   from its `dispose` reason);
 * - the coherence rules. Writes update it before their caller hears of them (read-your-writes). A read
 *   fills it only if nothing may have changed its ids while it was out: a write to one of them marks it
 *   stale ({@link DocumentCache.wrote}), a drop moves the generation on. Commits by other connections or
 *   processes reach it through a pluggable {@link OutsideChanges} detector, asked on every lookup and
 *   before every fill; a change drops everything.
 */
import { LRUCache } from 'lru-cache';
import type { CacheStats, Document } from '../../shared/types';

/**
 * Where the cache learns that something other than its own writers committed: in-process, the
 * connection's `PRAGMA data_version` (engine/freshness.ts); in the service, the writer's shared flag
 * (service/outside-flag.ts).
 */
export interface OutsideChanges {
  /** Whether the vault changed from outside since the last look. Asked on every lookup and fill: must be cheap (it may be throttled). */
  changed(): boolean;
  /** The same, looked at now, unthrottled. */
  changedNow(): boolean;
}

/** A read that may fill the cache, from the moment it goes out ({@link DocumentCache.begin}) until it is answered. */
export interface CacheRead {
  /** Ids whose entries this read may fill (writes to them make it stale); undefined once ended. */
  cacheIds: readonly string[] | undefined;
  /** The cache's generation when the read went out. */
  readonly gen: number;
  /** A write to one of `cacheIds` finished while this read was out. */
  stale: boolean;
}

/** The cache's bounds, and where outside changes come from. */
export interface CacheOptions {
  /** Entry cap; 0 turns the cache off (every lookup misses, nothing is kept). */
  readonly maxEntries: number;
  /** Byte budget (see {@link documentBytes}). */
  readonly maxBytes: number;
  /** Cap of the exists cache. */
  readonly existsEntries: number;
  /** Commits from outside; none: only this cache's own writers change the vault. */
  readonly outside?: OutsideChanges;
  /** Called when the detector reported a change (before the cache is dropped). */
  readonly onOutsideChange?: () => void;
}

/** Bytes charged for a document: content as UTF-16 in memory, plus a fixed overhead for the rest. */
export function documentBytes(doc: Document): number {
  return doc.content.length * 2 + doc.title.length * 2 + 256;
}

/** Freezes a document read or written, so the object handed out may be the cached one. */
function frozen(doc: Document): Document {
  Object.freeze(doc.tags);
  Object.freeze(doc.metadata);
  return Object.freeze(doc);
}

/** The document cache, its admission, counters and coherence rules. */
export class DocumentCache {
  // Made on first use: lru-cache allocates arrays sized by `max` up front, which cost ~11 ms per open
  // for the exists cache of the larger presets.
  #docsLru: LRUCache<string, Document> | undefined;
  #existsLru: LRUCache<string, boolean> | undefined;
  readonly #on: boolean;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #existsEntries: number;
  readonly #outside: OutsideChanges | undefined;
  readonly #onOutsideChange: (() => void) | undefined;
  /** Reads out, by the ids they may fill. */
  readonly #readsById = new Map<string, Set<CacheRead>>();
  /** Reused status object: lru-cache writes `get: 'hit' | 'miss'` into it on every lookup. */
  readonly #status: LRUCache.Status<string, Document> = {};
  #gen = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(opts: CacheOptions) {
    this.#on = opts.maxEntries > 0;
    this.#maxEntries = Math.max(this.#on ? 1 : 0, opts.maxEntries);
    this.#maxBytes = Math.max(1024, opts.maxBytes);
    this.#existsEntries = Math.max(1, opts.existsEntries);
    this.#outside = opts.outside;
    this.#onOutsideChange = opts.onOutsideChange;
  }

  get #docs(): LRUCache<string, Document> {
    return (this.#docsLru ??= new LRUCache<string, Document>({
      max: this.#maxEntries,
      maxSize: this.#maxBytes,
      // A document larger than the whole budget is simply not cached.
      maxEntrySize: this.#maxBytes,
      sizeCalculation: documentBytes,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') this.#evictions++;
      },
    }));
  }

  get #exists(): LRUCache<string, boolean> {
    // Bounded by count through maxSize (each entry weighs 1), not `max`: with `max`, lru-cache allocates
    // every slot up front, which for the 100,000 entries of the standard preset took 15–40 ms of the
    // calling thread on the first cached answer after open (measured on the 2-core bench machine).
    return (this.#existsLru ??= new LRUCache<string, boolean>({ maxSize: this.#existsEntries, sizeCalculation: () => 1 }));
  }

  // ---------------------------------------------------------------- lookups

  /** The cached document, or undefined (after looking for outside changes). Counts a hit or a miss. */
  get(id: string): Document | undefined {
    if (!this.#on) return undefined;
    this.look();
    const status = this.#status;
    const doc = this.#docs.get(id, { status });
    if (status.get === 'hit') this.#hits++;
    else this.#misses++;
    return doc;
  }

  /** Whether `id` exists, if known without reading the vault (after looking for outside changes). */
  exists(id: string): boolean | undefined {
    if (!this.#on) return undefined;
    this.look();
    if (this.#docsLru?.has(id) === true) return true;
    return this.#existsLru?.get(id);
  }

  /** Asks the detector (throttled); drops everything if the vault changed from outside. */
  look(): void {
    if (this.#outside?.changed() === true) this.#changedOutside();
  }

  /** Asks the detector now; drops everything if the vault changed from outside. Returns whether it had. */
  refresh(): boolean {
    if (this.#outside?.changedNow() !== true) return false;
    this.#changedOutside();
    return true;
  }

  #changedOutside(): void {
    this.#onOutsideChange?.();
    this.drop();
  }

  // ---------------------------------------------------------------- reads going out and their fills

  /** A read going out that may fill the entries of `ids`; a write to one of them before its fill makes it stale. */
  begin(ids?: readonly string[]): CacheRead {
    const read: CacheRead = { cacheIds: ids, gen: this.#gen, stale: false };
    if (ids !== undefined && this.#on)
      for (const id of ids) {
        let set = this.#readsById.get(id);
        if (set === undefined) this.#readsById.set(id, (set = new Set()));
        set.add(read);
      }
    return read;
  }

  /** The read was answered, failed or given up: writes no longer need to mark it. Idempotent. */
  end(read: CacheRead): void {
    const ids = read.cacheIds;
    read.cacheIds = undefined;
    if (ids === undefined) return;
    for (const id of ids) {
      const set = this.#readsById.get(id);
      if (set === undefined) continue;
      set.delete(read);
      if (set.size === 0) this.#readsById.delete(id);
    }
  }

  /** Whether `read` may still fill the cache: nothing wrote its ids or dropped the cache, nor committed outside, since it went out. */
  #fresh(read: CacheRead): boolean {
    if (!this.#on) return false;
    this.look();
    return !read.stale && read.gen === this.#gen;
  }

  /** `read` brought `doc` from disk: caches it if the read is still fresh. Returns the document frozen (the cached object when cached). */
  fill(read: CacheRead, doc: Document): Document {
    const out = frozen(doc);
    if (!this.#fresh(read)) return out;
    this.#docs.set(doc.id, out);
    this.#exists.set(doc.id, true);
    return out;
  }

  /** `read` learnt whether `id` exists: remembered if the read is still fresh. */
  fillExists(read: CacheRead, id: string, present: boolean): void {
    if (this.#fresh(read)) this.#exists.set(id, present);
  }

  // ---------------------------------------------------------------- writes (read-your-writes)

  /** Writes to `ids` finished (or may have): reads of them still out must not fill the cache. */
  wrote(ids: readonly string[]): void {
    if (this.#readsById.size === 0) return;
    for (const id of ids) {
      const reads = this.#readsById.get(id);
      if (reads !== undefined) for (const r of reads) r.stale = true;
    }
  }

  /** A committed write made `doc` the current version: caches it (frozen) and returns the cached object. */
  set(doc: Document): Document {
    const out = frozen(doc);
    if (!this.#on) return out;
    this.#docs.set(doc.id, out);
    this.#exists.set(doc.id, true);
    return out;
  }

  /** Forgets `id` (a write that may roll back, or whose outcome is unknown). */
  invalidate(id: string): void {
    this.#docsLru?.delete(id);
    this.#existsLru?.delete(id);
  }

  /** Records whether `id` exists (a committed delete: absent). */
  setExists(id: string, present: boolean): void {
    if (!this.#on) return;
    if (!present) this.#docsLru?.delete(id);
    this.#exists.set(id, present);
  }

  /** Forgets everything and moves the generation on, so reads already out do not fill it again. */
  drop(): void {
    this.#docsLru?.clear();
    this.#existsLru?.clear();
    this.#gen++;
  }

  // ---------------------------------------------------------------- figures

  /** Counters for stats. */
  stats(): CacheStats {
    return {
      entries: this.#docsLru?.size ?? 0,
      bytes: this.#docsLru?.calculatedSize ?? 0,
      maxEntries: this.#maxEntries,
      maxBytes: this.#maxBytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }
}
