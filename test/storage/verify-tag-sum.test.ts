/** The keyed sum verify compares the tag rows with: order-free, sensitive to every field of a row and to the key. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TagRowKeys, TagRowSum } from '../../src/main/storage/engine/verify-checks';

type Row = [string, number, number | null];

function sumOf(key: Uint8Array, rows: readonly Row[]): string {
  const s = new TagRowSum(new TagRowKeys(key), Buffer.alloc(32));
  for (const [tag, doc, at] of rows) s.add(tag, doc, at);
  s.flush();
  return s.sum.toString('hex');
}

describe('the tag-row sum', () => {
  const key = randomBytes(32);
  // More rows than one staged batch (1,024), so a flush in the middle is covered too.
  const rows: Row[] = Array.from({ length: 2500 }, (_, i) => [`t${i % 7}`, i, 1_700_000_000_000 + i]);

  it('is the same in any order and in any split (the parts of a verify combine by XOR)', () => {
    const whole = sumOf(key, rows);
    expect(sumOf(key, [...rows].reverse())).toBe(whole);
    const a = Buffer.from(sumOf(key, rows.slice(0, 1000)), 'hex');
    const b = Buffer.from(sumOf(key, rows.slice(1000)), 'hex');
    for (let i = 0; i < 32; i++) a[i] = (a[i] as number) ^ (b[i] as number);
    expect(a.toString('hex')).toBe(whole);
  });

  it('changes with a row removed, added, or any of its fields changed, and with the key', () => {
    const whole = sumOf(key, rows);
    const sums = [
      sumOf(key, rows.slice(1)),
      sumOf(key, [...rows, ['t0', 99_999, 1]]),
      sumOf(key, [['t1', 0, 1_700_000_000_000], ...rows.slice(1)]),
      sumOf(key, [['t0', 1, 1_700_000_000_000], ...rows.slice(1)]),
      sumOf(key, [['t0', 0, 1_700_000_000_001], ...rows.slice(1)]),
      sumOf(key, [['t0', 0, null], ...rows.slice(1)]),
      sumOf(randomBytes(32), rows),
    ];
    expect(new Set([whole, ...sums]).size).toBe(sums.length + 1);
  });

  it("G(tag) is the HMAC of the tag under the integrity key, however long the tag, whether kept or not (a title row's key is not)", () => {
    const keys = new TagRowKeys(key);
    const want = (tag: string): string => createHmac('sha256', key).update('docvault/v2/verify/tag\0').update(tag, 'utf8').digest().subarray(0, 16).toString('hex');
    for (const tag of ['t0', '\u0001', '\u0002note', '\u0003A title', '\u0003Ünïcode 😀', `\u0003${'é'.repeat(3000)}`, 'x'.repeat(5000)]) {
      expect(keys.tagDigest(tag).toString('hex')).toBe(want(tag));
      expect(keys.tagDigest(tag).toString('hex')).toBe(want(tag));
    }
  });
});
