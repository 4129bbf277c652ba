/** The tag encoding is stable: pinned against an independent field-by-field reference. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headMac, versionMac } from '../../src/main/storage/integrity';

function reference(key: Buffer, domain: string, fields: (string | number | null)[]): Buffer {
  const h = createHmac('sha256', key).update(domain);
  for (const f of fields) {
    const len = Buffer.alloc(4);
    if (f === null) {
      len.writeUInt32BE(0xffffffff);
      h.update(len);
      continue;
    }
    const bytes = Buffer.from(String(f), 'utf8');
    len.writeUInt32BE(bytes.length);
    h.update(len).update(bytes);
  }
  return h.digest();
}

describe('tag encoding', () => {
  const key = Buffer.alloc(32, 9);
  it('version tags match the reference encoding, including long, non-ASCII and null fields', () => {
    const f = { id: 'ïd 🔑', version: 3, docCreatedAt: 1, createdAt: 2, title: 't'.repeat(5000), type: 'note', tags: '["a"]', metadata: '{"k":"€"}', size: 10, checksum: 'c', comment: null };
    expect(versionMac(key, f).equals(reference(key, 'docvault/v1/version\0', [f.id, 3, 1, 2, f.title, 'note', f.tags, f.metadata, 10, 'c', null]))).toBe(true);
    expect(versionMac(key, { ...f, comment: '' }).equals(versionMac(key, f))).toBe(false);
  });
  it('numbers are encoded as String(n) gives them, whatever their size or shape', () => {
    const numbers = [0, -0, 1, 9, 10, 99, 100, 1023, 2 ** 31, 1_764_000_000_000, 2 ** 53 - 1, 2 ** 53, 1e21, -5, 1.5, 0.1, Number.MAX_VALUE];
    for (let i = 0; i < 200; i++) numbers.push(Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** (i % 54)));
    for (const n of numbers) {
      const f = { id: 'a', version: n, createdAt: n, updatedAt: 6, title: '', type: '', tags: '[]', metadata: '{}', size: n, checksum: 'x' };
      expect(headMac(key, f).equals(reference(key, 'docvault/v1/head\0', ['a', n, n, 6, '', '', '[]', '{}', n, 'x'])), String(n)).toBe(true);
    }
  });
  it('head tags match the reference encoding and move fields cannot collide', () => {
    const f = { id: 'a', version: 1, createdAt: 5, updatedAt: 6, title: 'ab', type: '', tags: '[]', metadata: '{}', size: 0, checksum: 'x' };
    expect(headMac(key, f).equals(reference(key, 'docvault/v1/head\0', ['a', 1, 5, 6, 'ab', '', '[]', '{}', 0, 'x']))).toBe(true);
    expect(headMac(key, { ...f, title: 'a', type: 'b' }).equals(headMac(key, f))).toBe(false);
  });
});
