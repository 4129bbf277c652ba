/** Versions: every version kept (version 1 included), read back, listed, restored. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let cleanup: () => void;
beforeEach(() => ({ vault, cleanup } = makeVault()));
afterEach(() => cleanup());

describe('versions', () => {
  it('keeps the full content of every version, version 1 included', () => {
    vault.create({ id: 'd', content: 'v1 text', title: 'one', tags: ['a'] }, { comment: 'first draft' });
    for (let i = 2; i <= 20; i++) vault.update('d', { content: `v${i} text`, title: i === 10 ? 'ten' : undefined });
    const list = vault.versions('d');
    expect(list.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(list[0]).toMatchObject({ version: 1, title: 'one', tags: ['a'], comment: 'first draft', size: 7 });
    expect(list[9]?.title).toBe('ten');
    for (let i = 1; i <= 20; i++) expect(vault.getVersion('d', i).content).toBe(`v${i} text`);
    expect(vault.getVersion('d', 1)).toMatchObject({ title: 'one', version: 1 });
    expect(vault.stats()).toMatchObject({ documents: 1, versions: 20 });
  });

  it('says NotFound for a version that does not exist', () => {
    vault.create({ id: 'd', content: 'x' });
    expect(() => vault.getVersion('d', 2)).toThrow(expect.objectContaining({ kind: 'NotFound', details: { id: 'd', version: 2 } }));
    expect(() => vault.getVersion('nope', 1)).toThrow(expect.objectContaining({ kind: 'NotFound' }));
  });

  it('restores version n as a new version equal to n, commented', () => {
    vault.create({ id: 'd', content: 'original', title: 'Orig', type: 'note', tags: ['t1'], metadata: { k: 'v' } });
    vault.update('d', { content: 'changed', title: 'Changed', tags: ['t2'], metadata: { k: 'w' } });
    vault.update('d', { content: 'changed again' });
    const r = vault.restore('d', 1);
    expect(r).toMatchObject({ version: 4, content: 'original', title: 'Orig', type: 'note', tags: ['t1'], metadata: { k: 'v' } });
    const hist = vault.versions('d');
    expect(hist).toHaveLength(4);
    expect(hist[3]?.comment).toBe('restored from version 1');
    expect(vault.getVersion('d', 2).content).toBe('changed');
    expect(vault.count({ tag: 't1' })).toBe(1);
    expect(vault.count({ tag: 't2' })).toBe(0);
    expect(() => vault.restore('d', 9)).toThrow(expect.objectContaining({ kind: 'NotFound' }));
    expect(() => vault.restore('d', 1, { expectedVersion: 3 })).toThrow(expect.objectContaining({ kind: 'Conflict' }));
    expect(vault.versions('d')).toHaveLength(4);
  });

  it('keeps the restore note before a comment and refuses a comment that leaves it no room', () => {
    vault.create({ id: 'd', content: 'one' });
    vault.update('d', { content: 'two' });
    vault.restore('d', 1, { comment: 'the edit was wrong', expectedVersion: 2 });
    vault.restore('d', 2, { comment: '' });
    expect(vault.versions('d').map((v) => v.comment)).toEqual([null, null, 'restored from version 1: the edit was wrong', 'restored from version 2']);
    expect(() => vault.restore('d', 1, { comment: 'x'.repeat(1010) })).toThrow(expect.objectContaining({ kind: 'Invalid', message: expect.stringMatching(/^comment: at most 999 characters/) }));
    expect(() => vault.restore('d', 1, { comment: 'x'.repeat(2000) })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(vault.versions('d')).toHaveLength(4);
  });
});
