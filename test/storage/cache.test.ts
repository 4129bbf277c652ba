/**
 * The one document cache (src/main/storage/cache.ts) on its own, with a fake outside-change detector:
 * hits and misses, bounds, read-your-writes, fills refused after a write to the same id, a drop or an
 * outside change while the read was out, and the cache turned off.
 */
import { describe, expect, it } from 'vitest';
import { DocumentCache, type CacheOptions, type OutsideChanges } from '../../src/main/storage/cache';
import type { Document } from '../../src/shared/types';

function doc(id: string, version = 1, content = `c${version}`): Document {
  return { id, version, content, title: id, type: 'note', tags: ['t'], metadata: { k: 1 }, createdAt: 1, updatedAt: 1, size: content.length, checksum: '' };
}

/** A detector the test raises by hand; counts how often it was asked. */
class FakeOutside implements OutsideChanges {
  pending = false;
  asked = 0;
  changed(): boolean {
    this.asked++;
    const was = this.pending;
    this.pending = false;
    return was;
  }
  changedNow(): boolean {
    return this.changed();
  }
}

function setup(over: Partial<CacheOptions> = {}) {
  const outside = new FakeOutside();
  let changes = 0;
  const cache = new DocumentCache({ maxEntries: 100, maxBytes: 1024 * 1024, existsEntries: 100, outside, onOutsideChange: () => changes++, ...over });
  return { cache, outside, changes: () => changes };
}

describe('DocumentCache: lookups and writes', () => {
  it('counts hits and misses, hands out frozen documents, and serves its writes at once', () => {
    const { cache } = setup();
    expect(cache.get('a')).toBeUndefined();
    const written = cache.set(doc('a'));
    expect(Object.isFrozen(written) && Object.isFrozen(written.tags) && Object.isFrozen(written.metadata)).toBe(true);
    expect(cache.get('a')).toBe(written);
    expect(cache.exists('a')).toBe(true);
    cache.set(doc('a', 2));
    expect(cache.get('a')?.version).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 2, misses: 1, evictions: 0, maxEntries: 100 });
  });

  it('forgets an invalidated id, remembers a deleted one as absent, and evicts past its bound', () => {
    const { cache } = setup({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd']) cache.set(doc(id));
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1 });
    expect(cache.get('a')).toBeUndefined();
    cache.invalidate('b');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.exists('b')).toBeUndefined();
    cache.setExists('c', false);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.exists('c')).toBe(false);
  });

  it('drops everything when the detector reports an outside change at a lookup, and tells its listener once', () => {
    const { cache, outside, changes } = setup();
    cache.set(doc('a'));
    outside.pending = true;
    expect(cache.get('a')).toBeUndefined();
    expect(changes()).toBe(1);
    cache.set(doc('a'));
    expect(cache.get('a')?.id).toBe('a');
    expect(changes()).toBe(1);
    outside.pending = true;
    expect(cache.exists('a')).toBeUndefined();
    expect(changes()).toBe(2);
  });

  it('refresh asks the detector now and says whether it dropped anything', () => {
    const { cache, outside } = setup();
    cache.set(doc('a'));
    expect(cache.refresh()).toBe(false);
    expect(cache.get('a')?.id).toBe('a');
    outside.pending = true;
    expect(cache.refresh()).toBe(true);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('DocumentCache: reads going out and their fills', () => {
  it('a fresh read fills the cache with the frozen document it returns', () => {
    const { cache } = setup();
    const read = cache.begin(['a']);
    const filled = cache.fill(read, doc('a'));
    cache.end(read);
    expect(Object.isFrozen(filled)).toBe(true);
    expect(cache.get('a')).toBe(filled);
  });

  it('refuses the fill of a read that was out while a write to the same id finished (read-your-writes wins)', () => {
    const { cache } = setup();
    const read = cache.begin(['a', 'b']);
    cache.wrote(['a']);
    const newer = cache.set(doc('a', 2));
    const old = cache.fill(read, doc('a', 1));
    expect(old.version).toBe(1);
    expect(Object.isFrozen(old)).toBe(true);
    expect(cache.get('a')).toBe(newer);
    // The whole read is stale, not only the id written: its other ids may come from the same old snapshot.
    cache.fill(read, doc('b'));
    expect(cache.get('b')).toBeUndefined();
    cache.fillExists(read, 'z', false);
    expect(cache.exists('z')).toBeUndefined();
  });

  it('a write to an id no read is out for marks nothing; an ended read is no longer marked', () => {
    const { cache } = setup();
    const read = cache.begin(['a']);
    cache.wrote(['b']);
    cache.end(read);
    cache.wrote(['a']);
    expect(read.stale).toBe(false);
    cache.end(read);
  });

  it('refuses the fill of a read that was out while the cache was dropped', () => {
    const { cache } = setup();
    const read = cache.begin(['a']);
    cache.drop();
    cache.fill(read, doc('a'));
    expect(cache.get('a')).toBeUndefined();
    const later = cache.begin(['a']);
    cache.fill(later, doc('a'));
    expect(cache.get('a')?.id).toBe('a');
  });

  it('refuses the fill of a read that was out when the detector fired, and drops what was cached before', () => {
    const { cache, outside, changes } = setup();
    cache.set(doc('old'));
    const read = cache.begin(['a']);
    // Another process commits while the read is out: the fill is the first to hear of it.
    outside.pending = true;
    const value = cache.fill(read, doc('a'));
    expect(value.id).toBe('a');
    expect(changes()).toBe(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('old')).toBeUndefined();
    // An exists answer is refused the same way.
    const read2 = cache.begin(['e']);
    outside.pending = true;
    cache.fillExists(read2, 'e', true);
    expect(cache.exists('e')).toBeUndefined();
  });

  it('a read with no ids (a synchronous in-process read) is refused only by a drop or the detector', () => {
    const { cache, outside } = setup();
    const read = cache.begin();
    cache.wrote(['a']);
    cache.fill(read, doc('a'));
    expect(cache.get('a')?.id).toBe('a');
    const second = cache.begin();
    outside.pending = true;
    cache.fill(second, doc('b'));
    expect(cache.get('b')).toBeUndefined();
  });
});

describe('DocumentCache: turned off', () => {
  it('with no entries, every lookup misses and nothing is kept, but refresh still reports outside changes', () => {
    const { cache, outside } = setup({ maxEntries: 0 });
    const w = cache.set(doc('a'));
    expect(Object.isFrozen(w)).toBe(true);
    const r = cache.begin(['b']);
    cache.fill(r, doc('b'));
    cache.fillExists(r, 'c', true);
    cache.setExists('d', false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.exists('c')).toBeUndefined();
    expect(cache.exists('d')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, maxEntries: 0, hits: 0 });
    outside.pending = true;
    expect(cache.refresh()).toBe(true);
  });
});
