/**
 * What a worker's answer does to the calling thread's document cache (../cache.ts): the service's calls
 * arrive as a method name and arguments and come back as a {@link WireResult}; these two functions turn
 * them into the cache's fills and writes. The rules themselves (stale reads, generations, outside
 * changes, admission) are the cache's; what each write does is the {@link WRITE_EFFECTS} table.
 */
import type { BulkItemResult, Document } from '../../../shared/types';
import type { CacheRead, DocumentCache } from '../cache';
import type { BatchOp, WireResult } from '../worker/protocol';
import { writeEffectOf } from './write-effects';

/**
 * A read that went out as `read` was answered: fills the cache if it is still fresh, ends the read, and
 * returns the caller's value (cached documents are the frozen cached objects).
 */
export function fillFromAnswer(cache: DocumentCache, read: CacheRead, method: string, args: readonly unknown[], r: WireResult): unknown {
  cache.end(read);
  const id = args[0];
  switch (method) {
    case 'get':
      if (!r.ok) {
        if (r.error.kind === 'NotFound' && typeof id === 'string') cache.fillExists(read, id, false);
        return undefined;
      }
      return cache.fill(read, r.result as Document);
    case 'exists':
      if (r.ok && typeof id === 'string') cache.fillExists(read, id, r.result as boolean);
      return r.ok ? r.result : undefined;
    case 'bulkGet': {
      if (!r.ok) return undefined;
      const items = r.result as BulkItemResult<Document>[];
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (it?.status === 'ok') items[i] = { id: it.id, status: 'ok', value: cache.fill(read, it.value) };
      }
      return items;
    }
    default:
      return r.ok ? r.result : undefined;
  }
}

/**
 * A write was answered (`r` undefined: its outcome is unknown). Marks reads of its ids stale, applies its
 * row of the write-effects table, and returns the caller's value.
 */
export function applyWriteAnswer(cache: DocumentCache, method: string, args: readonly unknown[], r: WireResult | undefined): unknown {
  if (method === 'batch') {
    const ops = Array.isArray(args[0]) ? (args[0] as unknown[]) : [];
    const results = r?.ok === true && Array.isArray(r.result) ? (r.result as unknown[]) : undefined;
    const out = ops.map((raw, i) => {
      const op = raw as Partial<BatchOp> | null;
      if (op === null || typeof op !== 'object' || !Array.isArray(op.args) || typeof op.op !== 'string') return results?.[i];
      return applyWriteAnswer(cache, op.op, op.args, results === undefined ? undefined : { seq: 0, ok: true, result: results[i], durationMs: 0 });
    });
    return results === undefined ? undefined : out;
  }
  const effect = writeEffectOf(method);
  if (effect === undefined) {
    // Not a write the table knows (the worker refuses it): nothing changed, but be safe.
    cache.drop();
    return r?.ok === true ? r.result : undefined;
  }
  const ids = effect.ids(args);
  cache.wrote(ids);
  if (r === undefined || !r.ok) {
    for (const id of ids) cache.invalidate(id);
    return undefined;
  }
  return effect.committed(cache, r.result, ids);
}
