/**
 * What each engine write does to the service's cache, in one table keyed by the engine's write methods.
 *
 * Each row says once which document ids the write may change (so reads of them still in flight are not
 * cached) and what its committed result does to the cache (cache the document, mark it gone…). The table's
 * type is a mapped type over `WriteMethod` with `Parameters<Vault[K]>` / `ReturnType<Vault[K]>`: a write
 * method without a row, a row for a method that is not a write, or a row whose types do not match the
 * engine's signature is a compile error.
 */
import type { BulkResult, Document } from '../../../shared/types';
import type { Vault } from '../vault';
import type { WriteMethod } from '../worker/protocol';

/** The cache operations a write effect may use. */
export interface CacheWrites {
  /** Caches a document (frozen) and returns the cached object. */
  set(doc: Document): Document;
  /** Forgets `id`. */
  invalidate(id: string): void;
  /** Records whether `id` exists. */
  setExists(id: string, present: boolean): void;
}

/** One row of {@link WRITE_EFFECTS}. */
export interface WriteEffect<K extends WriteMethod> {
  /**
   * The ids the write may change, from its arguments. Arguments reach the service unchecked from plain
   * JavaScript callers, so this must not throw on bad ones (the engine rejects those with `Invalid`).
   */
  readonly ids: (args: Parameters<Vault[K]>) => readonly string[];
  /** After the write committed: brings the cache up to date; returns the caller's value. */
  readonly committed: (cache: CacheWrites, result: ReturnType<Vault[K]>, ids: readonly string[]) => ReturnType<Vault[K]>;
}

function idOf(input: unknown): string {
  return typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string' ? (input as { id: string }).id : '';
}

const oneInput = (args: readonly unknown[]): string[] => [idOf(args[0])];
const oneId = (args: readonly unknown[]): string[] => [String(args[0])];
const manyInputs = (args: readonly unknown[]): string[] => (Array.isArray(args[0]) ? args[0].map(idOf) : []);
const manyIds = (args: readonly unknown[]): string[] => (Array.isArray(args[0]) ? args[0].map(String) : []);

/** The write returned the new current version: cache it (the caller gets the cached, frozen object). */
const cacheDocument = (cache: CacheWrites, doc: Document): Document => cache.set(doc);

/** The documents are no longer current: forget them and remember that they are absent. */
function gone(cache: CacheWrites, ids: readonly string[]): void {
  for (const id of ids) {
    cache.invalidate(id);
    cache.setExists(id, false);
  }
}

/** A bulk write: all items or none; when committed, every written document is cached. */
function cacheBulk(cache: CacheWrites, b: BulkResult<Document>, ids: readonly string[]): BulkResult<Document> {
  if (!b.committed) {
    for (const id of ids) cache.invalidate(id);
    return b;
  }
  return { committed: true, items: b.items.map((it) => (it.status === 'ok' ? { id: it.id, status: 'ok', value: cache.set(it.value) } : it)) };
}

/** Every engine write, what it touches and what it does to the cache. */
export const WRITE_EFFECTS: { readonly [K in WriteMethod]: WriteEffect<K> } = {
  create: { ids: oneInput, committed: cacheDocument },
  update: { ids: oneId, committed: cacheDocument },
  put: { ids: oneInput, committed: cacheDocument },
  restore: { ids: oneId, committed: cacheDocument },
  delete: {
    ids: oneId,
    committed: (cache, result, ids) => {
      gone(cache, ids);
      return result;
    },
  },
  // Back from the trash as the current version: cache it.
  undelete: { ids: oneId, committed: cacheDocument },
  // A trashed document is never cached (its delete left "absent"); purging it keeps that true.
  purge: {
    ids: oneId,
    committed: (cache, result, ids) => {
      gone(cache, ids);
      return result;
    },
  },
  // Touches only trashed documents, which the cache already holds as absent: no ids, nothing to change.
  emptyTrash: { ids: () => [], committed: (_cache, purged) => purged },
  // An audit entry: no document changes.
  recordAudit: { ids: () => [], committed: (_cache, result) => result },
  // Uploads change no document until their commit, which writes the document's next version.
  beginAttachment: { ids: () => [], committed: (_cache, ticket) => ticket },
  putAttachmentChunk: { ids: () => [], committed: (_cache, received) => received },
  commitAttachment: { ids: oneId, committed: cacheDocument },
  abortAttachment: { ids: () => [], committed: (_cache, result) => result },
  detach: { ids: oneId, committed: cacheDocument },
  putWithAttachments: { ids: oneInput, committed: cacheDocument },
  bulkCreate: { ids: manyInputs, committed: cacheBulk },
  bulkPut: { ids: manyInputs, committed: cacheBulk },
  bulkDelete: {
    ids: manyIds,
    committed: (cache, b, ids) => {
      if (b.committed) gone(cache, ids);
      else for (const id of ids) cache.invalidate(id);
      return b;
    },
  },
  // Team sync: only sync tables change, but applying pulled rows changes the documents they name.
  attachRemote: { ids: () => [], committed: (_cache, result) => result },
  detachRemote: { ids: () => [], committed: (_cache, result) => result },
  markPushed: { ids: () => [], committed: (_cache, result) => result },
  markSynced: { ids: () => [], committed: (_cache, result) => result },
  applyPulled: {
    ids: (args) => (Array.isArray(args[0]) ? args[0].map((r) => (typeof r === 'object' && r !== null && 'payload' in r ? idOf(r.payload) : '')).filter((id) => id !== '') : []),
    committed: (cache, result, ids) => {
      for (const id of new Set([...ids, ...result.ids])) cache.invalidate(id);
      return result;
    },
  },
};

/** A row with the method's types erased, for calls that arrive as (name, unknown[]) from the wire. */
export interface UntypedWriteEffect {
  readonly ids: (args: readonly unknown[]) => readonly string[];
  readonly committed: (cache: CacheWrites, result: unknown, ids: readonly string[]) => unknown;
}

/** The row of `method`, or undefined if it is not an engine write. */
export function writeEffectOf(method: string): UntypedWriteEffect | undefined {
  // The rows were type-checked against their methods above; here only the name is known.
  return Object.hasOwn(WRITE_EFFECTS, method) ? (WRITE_EFFECTS[method as WriteMethod] as unknown as UntypedWriteEffect) : undefined;
}
