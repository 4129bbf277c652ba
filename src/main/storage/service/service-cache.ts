/**
 * The service's document cache and its coherence rules, in the calling thread.
 *
 * - A write's committed result updates the cache before its promise settles (read-your-writes); what each
 *   write does is the {@link WRITE_EFFECTS} table.
 * - A read fills the cache only if nothing may have changed its ids while it was out: a write to one of
 *   them marks it stale, a full drop moves the generation on.
 * - Commits by other processes are flagged by the writer through a SharedArrayBuffer that every cached read
 *   checks with one atomic load; a flag drops the whole cache.
 */
import type { BatchOp, WireResult } from '../worker/protocol';
import type { BulkItemResult, CacheStats, Document } from '../../../shared/types';
import { DocumentCache } from '../cache';
import type { MemoryTuning } from '../memory-modes';
import { writeEffectOf } from './write-effects';

/** A read whose result may fill the cache. */
export interface CacheRead {
  /** Ids whose cache entries this read may fill; undefined once forgotten. */
  cacheIds: readonly string[] | undefined;
  /** Cache generation when the read was accepted. */
  readonly gen: number;
  /** A write to one of `cacheIds` finished while this read was out. */
  stale: boolean;
}

/** The main thread's cache with its staleness rules. */
export class ServiceCache {
  /** Shared with the writer: slot 0 is bumped when another process changed the vault. */
  readonly signalBuffer = new SharedArrayBuffer(4);
  readonly #signal = new Int32Array(this.signalBuffer);
  readonly #cache: DocumentCache;
  readonly #readsById = new Map<string, Set<CacheRead>>();
  readonly #onOutsideChange: () => void;
  #seenSignal = 0;
  #gen = 0;

  constructor(tuning: MemoryTuning, onOutsideChange: () => void) {
    this.#cache = new DocumentCache(tuning.cacheEntries, tuning.cacheBytes, tuning.existsEntries);
    this.#onOutsideChange = onOutsideChange;
  }

  /** The generation a read accepted now records. */
  get generation(): number {
    return this.#gen;
  }

  /** One atomic load: did the writer see a commit by another process since we last looked? Drops the cache if so. */
  checkOutside(): void {
    const v = Atomics.load(this.#signal, 0);
    if (v !== this.#seenSignal) {
      this.#seenSignal = v;
      this.#onOutsideChange();
      this.drop();
    }
  }

  /** A cached document (after looking for outside changes). */
  get(id: string): Document | undefined {
    return this.#cache.get(id);
  }

  /** Whether `id` exists, if known here. */
  exists(id: string): boolean | undefined {
    return this.#cache.exists(id);
  }

  /** Registers a read so that writes to its ids can mark it stale. */
  track(read: CacheRead): void {
    if (read.cacheIds === undefined) return;
    for (const id of read.cacheIds) {
      let set = this.#readsById.get(id);
      if (set === undefined) this.#readsById.set(id, (set = new Set()));
      set.add(read);
    }
  }

  /** Unregisters a read (answered, expired or failed). */
  forget(read: CacheRead): void {
    if (read.cacheIds === undefined) return;
    for (const id of read.cacheIds) {
      const set = this.#readsById.get(id);
      if (set === undefined) continue;
      set.delete(read);
      if (set.size === 0) this.#readsById.delete(id);
    }
    read.cacheIds = undefined;
  }

  /** A tracked read answered: fill the cache if it is still fresh; returns the caller's value. */
  filled(read: CacheRead, method: string, args: readonly unknown[], r: WireResult): unknown {
    this.checkOutside();
    const fresh = !read.stale && read.gen === this.#gen;
    this.forget(read);
    const id = args[0];
    switch (method) {
      case 'get':
        if (!r.ok) {
          if (fresh && r.error.kind === 'NotFound' && typeof id === 'string') this.#cache.setExists(id, false);
          return undefined;
        }
        return fresh ? this.#cache.set(r.result as Document) : r.result;
      case 'exists':
        if (r.ok && fresh && typeof id === 'string') this.#cache.setExists(id, r.result as boolean);
        return r.ok ? r.result : undefined;
      case 'bulkGet': {
        if (!r.ok) return undefined;
        const items = r.result as BulkItemResult<Document>[];
        if (fresh)
          for (let i = 0; i < items.length; i++) {
            const it = items[i];
            if (it?.status === 'ok') items[i] = { id: it.id, status: 'ok', value: this.#cache.set(it.value) };
          }
        return items;
      }
      default:
        return r.ok ? r.result : undefined;
    }
  }

  /**
   * A write answered (`r` undefined: its outcome is unknown). Marks reads of its ids stale, applies its
   * row of the write-effects table, and returns the caller's value.
   */
  written(method: string, args: readonly unknown[], r: WireResult | undefined): unknown {
    if (method === 'batch') {
      const ops = Array.isArray(args[0]) ? (args[0] as unknown[]) : [];
      const results = r?.ok === true && Array.isArray(r.result) ? (r.result as unknown[]) : undefined;
      const out = ops.map((raw, i) => {
        const op = raw as Partial<BatchOp> | null;
        if (op === null || typeof op !== 'object' || !Array.isArray(op.args) || typeof op.op !== 'string') return results?.[i];
        return this.written(op.op, op.args, results === undefined ? undefined : { seq: 0, ok: true, result: results[i], durationMs: 0 });
      });
      return results === undefined ? undefined : out;
    }
    const effect = writeEffectOf(method);
    if (effect === undefined) {
      // Not a write the table knows (the worker refuses it): nothing changed, but be safe.
      this.drop();
      return r?.ok === true ? r.result : undefined;
    }
    const ids = effect.ids(args);
    for (const id of ids) {
      const reads = this.#readsById.get(id);
      if (reads !== undefined) for (const q of reads) q.stale = true;
    }
    if (r === undefined || !r.ok) {
      for (const id of ids) this.#cache.invalidate(id);
      return undefined;
    }
    return effect.committed(this.#cache, r.result, ids);
  }

  /** Forgets everything and moves the generation on, so reads already out do not fill it again. */
  drop(): void {
    this.#cache.clear();
    this.#gen++;
  }

  /** Counters for stats. */
  stats(): CacheStats {
    return this.#cache.stats();
  }

  /** Empties the cache for good (close). */
  clear(): void {
    this.#cache.clear();
  }
}
