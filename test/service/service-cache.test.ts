/**
 * The service's side of the document cache, without threads: what each worker answer does to it
 * (service/cache-wire.ts and the write-effects table), reads made stale by a write or an outside change
 * flagged by the writer, and a failed write that forgets what it may have touched.
 */
import { describe, expect, it } from 'vitest';
import { DocumentCache, type CacheRead } from '../../src/main/storage/cache';
import { tuningFor } from '../../src/main/storage/memory-modes';
import { applyWriteAnswer, fillFromAnswer } from '../../src/main/storage/service/cache-wire';
import { OutsideFlag } from '../../src/main/storage/service/outside-flag';
import { WRITE_EFFECTS } from '../../src/main/storage/service/write-effects';
import { WRITE_METHODS, type WireResult } from '../../src/main/storage/worker/protocol';
import type { Document } from '../../src/shared/types';

function doc(id: string, version = 1, content = `c${version}`): Document {
  return { id, version, content, title: id, type: 'note', tags: [], metadata: {}, createdAt: 1, updatedAt: 1, size: content.length, checksum: '' };
}
const ok = (result: unknown): WireResult => ({ seq: 1, ok: true, result, durationMs: 0 });
const failed = (kind: string): WireResult => ({ seq: 1, ok: false, error: { kind: kind as 'Conflict', message: kind }, durationMs: 0 });

function setup() {
  let outside = 0;
  const flag = new OutsideFlag();
  const t = tuningFor('standard');
  const store = new DocumentCache({ maxEntries: t.cacheEntries, maxBytes: t.cacheBytes, existsEntries: t.existsEntries, outside: flag, onOutsideChange: () => outside++ });
  const cache = {
    get: (id: string) => store.get(id),
    exists: (id: string) => store.exists(id),
    drop: () => store.drop(),
    written: (method: string, args: readonly unknown[], r: WireResult | undefined) => applyWriteAnswer(store, method, args, r),
    filled: (read: CacheRead, method: string, args: readonly unknown[], r: WireResult) => fillFromAnswer(store, read, method, args, r),
  };
  const read = (ids: string[]): CacheRead => store.begin(ids);
  return { cache, read, flag, outside: () => outside };
}

describe('the document cache fed by worker answers, and the write-effects table', () => {
  it('has a row for every engine write method, and no other', () => {
    expect(Object.keys(WRITE_EFFECTS).sort()).toEqual([...WRITE_METHODS].sort());
  });

  it('a committed write caches its document; delete and purge leave it absent; undelete brings it back', () => {
    const { cache } = setup();
    const created = cache.written('create', [{ id: 'a', content: 'c1' }], ok(doc('a'))) as Document;
    expect(Object.isFrozen(created)).toBe(true);
    expect(cache.get('a')).toBe(created);
    cache.written('update', ['a', { content: 'c2' }], ok(doc('a', 2)));
    expect(cache.get('a')?.version).toBe(2);
    cache.written('delete', ['a'], ok(undefined));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.exists('a')).toBe(false);
    cache.written('undelete', ['a'], ok(doc('a', 2)));
    expect(cache.get('a')?.version).toBe(2);
    cache.written('purge', ['a'], ok(undefined));
    expect(cache.exists('a')).toBe(false);
    expect(cache.written('emptyTrash', [], ok(3))).toBe(3);
  });

  it('a bulk write caches its items only when it committed', () => {
    const { cache } = setup();
    cache.written('put', [{ id: 'x', content: 'old' }], ok(doc('x')));
    const notCommitted = { committed: false, items: [{ id: 'x', status: 'error', error: { kind: 'Invalid', message: '' } }] };
    cache.written('bulkPut', [[{ id: 'x', content: 'new' }]], ok(notCommitted));
    expect(cache.get('x')).toBeUndefined();
    cache.written('bulkCreate', [[{ id: 'y', content: 'c1' }]], ok({ committed: true, items: [{ id: 'y', status: 'ok', value: doc('y') }] }));
    expect(cache.get('y')?.id).toBe('y');
    cache.written('bulkDelete', [['y']], ok({ committed: true, items: [{ id: 'y', status: 'ok', value: null }] }));
    expect(cache.exists('y')).toBe(false);
  });

  it('a failed write, or one whose outcome is unknown, forgets what it may have touched', () => {
    const { cache } = setup();
    cache.written('create', [{ id: 'a', content: 'c1' }], ok(doc('a')));
    cache.written('create', [{ id: 'b', content: 'c1' }], ok(doc('b')));
    cache.written('update', ['a', { content: 'c2' }], failed('Conflict'));
    expect(cache.get('a')).toBeUndefined();
    cache.written('batch', [[{ op: 'update', args: ['b', { content: 'c2' }] }]], undefined);
    expect(cache.get('b')).toBeUndefined();
  });

  it('a read that was out while a write to its id finished does not fill the cache', () => {
    const { cache, read } = setup();
    const r = read(['a']);
    cache.written('update', ['a', { content: 'c2' }], ok(doc('a', 2)));
    expect(r.stale).toBe(true);
    const value = cache.filled(r, 'get', ['a'], ok(doc('a', 1))) as Document;
    expect(value.version).toBe(1);
    expect(cache.get('a')?.version).toBe(2);
    // A fresh read fills it.
    cache.drop();
    const fresh = read(['b']);
    cache.filled(fresh, 'get', ['b'], ok(doc('b')));
    expect(cache.get('b')?.id).toBe('b');
  });

  it('a write inside a batch marks reads of its ids stale too', () => {
    const { cache, read } = setup();
    const r = read(['c']);
    cache.written('batch', [[{ op: 'create', args: [{ id: 'c', content: 'c1' }] }]], ok([doc('c')]));
    expect(r.stale).toBe(true);
    expect(cache.get('c')?.id).toBe('c');
  });

  it('a read accepted before the cache was dropped does not fill it', () => {
    const { cache, read } = setup();
    const r = read(['d']);
    cache.drop();
    cache.filled(r, 'get', ['d'], ok(doc('d')));
    expect(cache.get('d')).toBeUndefined();
    const n = read(['e']);
    cache.filled(n, 'get', ['e'], failed('NotFound'));
    expect(cache.exists('e')).toBe(false);
  });

  it('an outside change flagged by the writer drops the cache at the next lookup, once', () => {
    const { cache, flag, outside } = setup();
    cache.written('create', [{ id: 'a', content: 'c1' }], ok(doc('a')));
    expect(cache.get('a')?.id).toBe('a');
    Atomics.add(new Int32Array(flag.buffer), 0, 1);
    expect(cache.get('a')).toBeUndefined();
    expect(outside()).toBe(1);
    cache.written('create', [{ id: 'b', content: 'c1' }], ok(doc('b')));
    expect(cache.get('b')?.id).toBe('b');
    expect(outside()).toBe(1);
  });

  it('a read out while the writer flags an outside change does not fill the cache', () => {
    const { cache, read, flag } = setup();
    const r = read(['f']);
    Atomics.add(new Int32Array(flag.buffer), 0, 1);
    const value = cache.filled(r, 'get', ['f'], ok(doc('f'))) as Document;
    expect(value.id).toBe('f');
    expect(Object.isFrozen(value)).toBe(true);
    expect(cache.get('f')).toBeUndefined();
  });
});
