/**
 * The digest verify compares an index's entries with its rows by (engine/verify-digest.ts): the same for
 * the same set of entries in any order and however they are staged, different when one value, type or
 * rowid differs, and different under another integrity key.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntryKeys, EntrySum, type Value } from '../../src/main/storage/engine/verify-digest';

const KEY = randomBytes(32);
const cols = [0, 1];

function digest(entries: readonly (readonly Value[])[], key: Uint8Array = KEY): [string, number] {
  const sum = new EntrySum(new EntryKeys(key));
  for (const e of entries) sum.add(e, cols, e[2] as Value);
  return sum.save();
}

const entries: Value[][] = Array.from({ length: 5000 }, (_, i) => [`title ${i} ${'é'.repeat(i % 3)}`, i * 1000 + 0.5 * (i % 2), i + 1]);

describe('the index entry digest', () => {
  it('depends on the set of entries, not their order or how many pages they were staged in', () => {
    const shuffled = [...entries].sort(() => Math.random() - 0.5);
    expect(digest(shuffled)).toEqual(digest(entries));
    // Resumed from a saved state halfway (as a chunk boundary does).
    const half = new EntrySum(new EntryKeys(KEY));
    for (const e of entries.slice(0, 2500)) half.add(e, cols, e[2] as Value);
    const rest = new EntrySum(new EntryKeys(KEY), half.save());
    for (const e of entries.slice(2500)) rest.add(e, cols, e[2] as Value);
    expect(rest.save()).toEqual(digest(entries));
  });

  it('changes with any value, its type, the rowid, a missing or a repeated entry, and the key', () => {
    const base = digest(entries)[0];
    const changed = (i: number, e: Value[]): string => digest(entries.map((x, j) => (j === i ? e : x)))[0];
    expect(changed(6, ['title 6 é', 6000, 7])).not.toBe(base);
    expect(changed(6, ['title 6 ', 6001, 7])).not.toBe(base);
    expect(changed(6, ['title 6 ', '6000', 7])).not.toBe(base);
    expect(changed(6, ['title 6 ', 6000, 8])).not.toBe(base);
    expect(changed(6, [Buffer.from('title 6 '), 6000, 7])).not.toBe(base);
    expect(changed(6, [null, 6000, 7])).not.toBe(base);
    // An entry replaced by a copy of another: same count, another digest.
    expect(digest([...entries.slice(0, 10), entries[0] as Value[], ...entries.slice(11)])).not.toEqual(digest(entries));
    expect(digest(entries.slice(1))[1]).toBe(entries.length - 1);
    expect(digest(entries, randomBytes(32))[0]).not.toBe(base);
  });

  it('takes an entry larger than its staging buffer', () => {
    const big: Value[] = ['x'.repeat(200_000), 1, 1];
    expect(digest([big, ...entries])).toEqual(digest([...entries, big]));
    expect(digest([big])[0]).not.toBe(digest([['x'.repeat(199_999), 1, 1]])[0]);
  });
});
