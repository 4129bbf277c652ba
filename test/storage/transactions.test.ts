/** Nested transactions with savepoints, and a cache that stays exact across rollbacks. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let cleanup: () => void;
beforeEach(() => ({ vault, cleanup } = makeVault()));
afterEach(() => cleanup());

describe('transactions', () => {
  it('commits everything inside a transaction together', () => {
    vault.transaction(() => {
      vault.create({ id: 'a', content: '1' });
      vault.create({ id: 'b', content: '2' });
      vault.update('a', { content: '1b' });
    });
    expect(vault.get('a')).toMatchObject({ content: '1b', version: 2 });
    expect(vault.get('b').content).toBe('2');
  });

  it('rolls back everything when the function throws, and the cache forgets it', () => {
    vault.create({ id: 'a', content: 'before' });
    vault.get('a');
    expect(() =>
      vault.transaction(() => {
        vault.update('a', { content: 'inside' });
        vault.create({ id: 'b', content: 'new' });
        expect(vault.get('a').content).toBe('inside'); // reads its own writes
        expect(vault.exists('b')).toBe(true);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(vault.get('a')).toMatchObject({ content: 'before', version: 1 });
    expect(vault.exists('b')).toBe(false);
    expect(() => vault.get('b')).toThrow(expect.objectContaining({ kind: 'NotFound' }));
    expect(vault.versions('a')).toHaveLength(1);
  });

  it('a caught inner failure rolls back only the inner part', () => {
    vault.create({ id: 'a', content: 'a0' });
    vault.transaction(() => {
      vault.update('a', { content: 'a1' });
      try {
        vault.transaction(() => {
          vault.update('a', { content: 'a2-inner' });
          vault.create({ id: 'inner', content: 'x' });
          vault.get('a');
          throw new Error('inner fails');
        });
      } catch {
        // caught: only the inner savepoint is rolled back
      }
      expect(vault.get('a').content).toBe('a1');
      vault.create({ id: 'outer', content: 'y' });
    });
    expect(vault.get('a')).toMatchObject({ content: 'a1', version: 2 });
    expect(vault.exists('inner')).toBe(false);
    expect(vault.exists('outer')).toBe(true);
    expect(vault.versions('a').map((v) => v.version)).toEqual([1, 2]);
    expect(vault.verify().ok).toBe(true);
  });

  it('a typed error inside propagates unchanged and leaves nothing behind', () => {
    vault.create({ id: 'a', content: 'x' });
    expect(() =>
      vault.transaction(() => {
        vault.create({ id: 'new', content: 'y' });
        vault.create({ id: 'a', content: 'dup' });
      }),
    ).toThrow(expect.objectContaining({ kind: 'AlreadyExists' }));
    expect(vault.exists('new')).toBe(false);
    expect(vault.stats().documents).toBe(1);
  });

  it('refuses an async function', () => {
    expect(() => vault.transaction((async () => undefined) as unknown as () => void)).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    vault.create({ id: 'still-works', content: 'x' });
  });
});
