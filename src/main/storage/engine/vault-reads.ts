/**
 * The bodies of the Vault's reads. Those that go through the cache (`get`, `exists`, `bulkGet`; the cache
 * and its rules are ../cache.ts) keep the hit path cheap (no timing, no transaction), and reads inside a
 * transaction neither look in the cache nor fill it, so it is exact after a rollback. The others (one
 * version, the history, lists, counts, the Trash, search) are timed operations on the read context.
 */

import { isDocvaultError } from '../../../shared/errors';
import type { SearchPage, SearchQuery } from '../../../shared/search';
import type { BulkItemResult, Document, ListPage, ListQuery, TrashPage, TrashQuery, VersionInfo } from '../../../shared/types';
import { validateBulk, validateId, validateVersion } from '../../../shared/validation';
import { countDocuments, listDocuments, listTrash as listTrashRows, readsHeldRows } from './query';
import { isLive, readCurrent, readHistory, readVersion } from './reads';
import { searchDocuments } from './search';
import type { VaultCore } from './vault-core';
import { PENDING_BOUND_SQL } from '../search-mark-schema';

/** `Vault.get`: the current version of `id`, from the cache when it is there. */
export function getDocument(core: VaultCore, id: string): Document {
  core.live();
  if (core.txDepth === 0) {
    const hit = core.cache.get(id);
    if (hit !== undefined) {
      core.cachedGets++;
      return hit;
    }
  }
  return core.op('get', () => {
    validateId(id);
    if (core.txDepth > 0) return readCurrent(core.read, id);
    const read = core.cache.begin();
    core.readInRun();
    return core.cache.fill(read, readCurrent(core.read, id));
  }, id, true);
}

/** `Vault.exists`: whether a live document with `id` exists, from the cache when it knows. */
export function documentExists(core: VaultCore, id: string): boolean {
  core.live();
  if (core.txDepth === 0) {
    const known = core.cache.exists(id);
    if (known !== undefined) {
      core.cachedExists++;
      return known;
    }
  }
  return core.op('exists', () => {
    validateId(id);
    if (core.txDepth > 0) return isLive(core.read, id);
    const read = core.cache.begin();
    core.readInRun();
    const present = isLive(core.read, id);
    core.cache.fillExists(read, id, present);
    return present;
  }, undefined, true);
}

/** `Vault.bulkGet`: many documents, the cache's hits first, the misses from one read transaction. */
export function bulkGet(core: VaultCore, ids: readonly string[]): BulkItemResult<Document>[] {
  const db = core.conn();
  validateBulk(ids, 'ids');
  const out: BulkItemResult<Document>[] = new Array<BulkItemResult<Document>>(ids.length);
  const missing: number[] = [];
  const inTx = core.txDepth > 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    const hit = inTx ? undefined : core.cache.get(id);
    if (hit !== undefined) out[i] = { id, status: 'ok', value: hit };
    else missing.push(i);
  }
  core.cachedGets += ids.length - missing.length;
  if (missing.length === 0) return out;
  return core.op('bulkGet', () => {
    const read = core.cache.begin();
    // One read transaction: the misses come from one consistent snapshot.
    db.transaction(
      core.counted(() => {
        for (const i of missing) {
          const id = ids[i] as string;
          try {
            out[i] = { id, status: 'ok', value: readCurrent(core.read, validateId(id)) };
          } catch (err) {
            if (!isDocvaultError(err)) throw err;
            out[i] = { id: String(id), status: 'error', error: { kind: err.kind, message: err.message } };
          }
        }
      }),
    ).deferred();
    if (!inTx)
      for (const i of missing) {
        const r = out[i];
        if (r?.status === 'ok') out[i] = { id: r.id, status: 'ok', value: core.cache.fill(read, r.value) };
      }
    return out;
  });
}

/** `Vault.getVersion`: version `version` of `id`, verified. */
export function getVersion(core: VaultCore, id: string, version: number): Document {
  return core.op('getVersion', () => readVersion(core.read, validateId(id), validateVersion(version)), id);
}

/** `Vault.versions`: the history of `id`, oldest first, each version's tag checked. */
export function versions(core: VaultCore, id: string): VersionInfo[] {
  return core.op('versions', () => readHistory(core.read, validateId(id)), id);
}

/** `Vault.list`: one page of summaries (a transaction's pending totals written first). */
export function list(core: VaultCore, query: ListQuery): ListPage {
  return core.op('list', () => {
    // Tag rows and the rows lists by update time walk move with the search queue's flush: a writer flushes before it walks them.
    if (readsHeldRows(query)) core.flushSearch();
    return listDocuments(core.settled(), query);
  });
}

/** `Vault.count`: documents matching the filters. */
export function count(core: VaultCore, query: Pick<ListQuery, 'type' | 'tag' | 'author'>): number {
  return core.op('count', () => {
    if (readsHeldRows(query, true)) core.flushSearch();
    return countDocuments(core.settled(), query);
  });
}

/** `Vault.listTrash`: one page of the Trash. */
export function listTrash(core: VaultCore, query: TrashQuery): TrashPage {
  return core.op('listTrash', () => listTrashRows(core.settled(), query));
}

/** `Vault.search`: one page of full-text matches, ranked within the vault's `searchRankWindow`. */
export function search(core: VaultCore, query: SearchQuery): SearchPage {
  return core.op('search', () => {
    // Every committed write is indexed first (the search queue: engine/search-queue.ts).
    core.flushSearch();
    return searchDocuments(core.read, query, core.rankWindow);
  });
}

/** `Vault.searchPending`: whether documents wait for the search queue's flush in this connection's view (O(1)). */
export function searchPending(core: VaultCore): boolean {
  return core.op('searchPending', () => (core.read.sql.get(PENDING_BOUND_SQL).pluck().get() as number) > 0);
}
