/** Bulk calls: one transaction each, all or nothing, a result per item. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { LIMITS } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let cleanup: () => void;
beforeEach(() => ({ vault, cleanup } = makeVault()));
afterEach(() => cleanup());

describe('bulk', () => {
  it('creates 10,000 documents in one call and reads them back', () => {
    const inputs = Array.from({ length: 10_000 }, (_, i) => ({ id: `bulk-${i}`, content: `body ${i} `.repeat(10), tags: i % 2 ? ['odd'] : [] }));
    const r = vault.bulkCreate(inputs);
    expect(r.committed).toBe(true);
    expect(r.items).toHaveLength(10_000);
    expect(r.items.every((i) => i.status === 'ok')).toBe(true);
    expect(vault.stats()).toMatchObject({ documents: 10_000, versions: 10_000 });
    expect(vault.count({ tag: 'odd' })).toBe(5_000);
    const got = vault.bulkGet(inputs.map((i) => i.id));
    expect(got.every((g, i) => g.status === 'ok' && g.value.content === inputs[i]?.content)).toBe(true);
    const put = vault.bulkPut(inputs.slice(0, 100).map((i) => ({ ...i, content: 'updated' })));
    expect(put.committed).toBe(true);
    expect(vault.get('bulk-5')).toMatchObject({ content: 'updated', version: 2 });
    const del = vault.bulkDelete(inputs.slice(0, 5_000).map((i) => i.id));
    expect(del.committed).toBe(true);
    expect(vault.count()).toBe(5_000);
  });

  it('commits nothing when one item fails, and says which and why', () => {
    vault.create({ id: 'taken', content: 'x' });
    vault.get('taken');
    const r = vault.bulkCreate([
      { id: 'n1', content: 'a' },
      { id: 'taken', content: 'b' },
      { id: 'n2', content: 'c' },
      { id: '', content: 'd' },
    ]);
    expect(r.committed).toBe(false);
    expect(r.items.map((i) => i.status)).toEqual(['rolledBack', 'error', 'rolledBack', 'error']);
    expect(r.items[1]?.status === 'error' && r.items[1].error.kind).toBe('AlreadyExists');
    expect(r.items[3]?.status === 'error' && r.items[3].error.kind).toBe('Invalid');
    expect(vault.exists('n1')).toBe(false);
    expect(vault.exists('n2')).toBe(false);
    expect(vault.get('taken').content).toBe('x');
    expect(vault.stats().documents).toBe(1);

    const d = vault.bulkDelete(['taken', 'missing']);
    expect(d.committed).toBe(false);
    expect(vault.exists('taken')).toBe(true);

    const p = vault.bulkPut([{ id: 'taken', content: 'new' }, { id: 'x', content: 'y'.repeat(LIMITS.defaultMaxContentBytes + 1) }]);
    expect(p.committed).toBe(false);
    expect(p.items[1]?.status === 'error' && p.items[1].error.kind).toBe('TooLarge');
    expect(vault.get('taken')).toMatchObject({ content: 'x', version: 1 });
  });

  it('rejects a bulk call over the item limit or not an array', () => {
    expect(() => vault.bulkGet('x' as unknown as string[])).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(() => vault.bulkCreate(new Array(LIMITS.bulkMaxItems + 1).fill({ id: 'a', content: '' }))).toThrow(
      expect.objectContaining({ kind: 'Invalid', details: { field: 'items', limit: LIMITS.bulkMaxItems } }),
    );
  });

  it('bulk calls nest inside a transaction and roll back with it', () => {
    expect(() =>
      vault.transaction(() => {
        expect(vault.bulkCreate([{ id: 'a', content: '1' }, { id: 'b', content: '2' }]).committed).toBe(true);
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(vault.count()).toBe(0);
    expect(vault.exists('a')).toBe(false);
  });
});
