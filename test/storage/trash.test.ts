/** The Trash: delete keeps, undelete brings back, purge and emptyTrash erase; trashed documents stay out of every read. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { Vault } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
let clock = 1_700_000_000_000;
beforeEach(() => {
  clock = 1_700_000_000_000;
  ({ vault, path, key, cleanup } = makeVault({ now: () => (clock += 1000) }));
});
afterEach(() => cleanup());

function errorOf(fn: () => unknown): { kind?: string; message?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    return err as { kind?: string; message?: string; details?: Record<string, unknown> };
  }
  return { kind: 'no error' };
}

function seed(): void {
  vault.create({ id: 'a', content: 'alpha', type: 'note', tags: ['t', 'u'], metadata: { author: 'Ann' } });
  vault.update('a', { content: 'alpha 2' }, { comment: 'second' });
  vault.create({ id: 'b', content: 'beta', type: 'memo', tags: ['t'] });
  vault.create({ id: 'c', content: 'gamma', type: 'note' });
}

describe('trash', () => {
  it('delete moves a document with its versions to the Trash; reads, lists, counts and stats leave it out', () => {
    seed();
    const before = vault.stats();
    vault.get('a'); // cached: the cache must forget it
    vault.delete('a');
    expect(vault.exists('a')).toBe(false);
    const e = errorOf(() => vault.get('a'));
    expect(e).toMatchObject({ kind: 'NotFound', details: { id: 'a', trashed: true } });
    expect(e.message).toMatch(/Trash/);
    for (const fn of [() => vault.versions('a'), () => vault.getVersion('a', 1), () => vault.update('a', { content: 'x' }), () => vault.restore('a', 1), () => vault.delete('a')])
      expect(errorOf(fn)).toMatchObject({ kind: 'NotFound', details: { trashed: true } });
    expect(vault.bulkGet(['a', 'b']).map((r) => r.status)).toEqual(['error', 'ok']);
    expect(vault.list().items.map((d) => d.id).sort()).toEqual(['b', 'c']);
    expect(vault.list().total).toBe(2);
    expect(vault.list({ tag: 't' }).items.map((d) => d.id)).toEqual(['b']);
    expect(vault.list({ type: 'note' }).items.map((d) => d.id)).toEqual(['c']);
    expect(vault.list({ author: 'Ann' }).items).toEqual([]);
    expect([vault.count(), vault.count({ tag: 't' }), vault.count({ tag: 'u' }), vault.count({ type: 'note' }), vault.count({ author: 'Ann' })]).toEqual([2, 1, 0, 1, 0]);
    expect(vault.stats()).toMatchObject({
      documents: before.documents - 1,
      versions: before.versions - 2,
      contentBytes: before.contentBytes - 7,
      historyBytes: before.historyBytes - 12,
      byType: { note: 1, memo: 1 },
      trashed: 1,
    });
    expect(vault.verify()).toMatchObject({ ok: true, problems: [], documents: 3, versions: 4 });
  });

  it('undelete brings it back as it was: same version, tags, history; back in lists, counts and stats', () => {
    seed();
    const doc = vault.get('a');
    const history = vault.versions('a');
    const stats = vault.stats();
    vault.delete('a');
    expect(vault.undelete('a')).toEqual(doc);
    expect(vault.get('a')).toEqual(doc);
    expect(vault.exists('a')).toBe(true);
    expect(vault.versions('a')).toEqual(history);
    expect(vault.list({ tag: 'u' }).items.map((d) => d.id)).toEqual(['a']);
    expect(vault.stats()).toMatchObject({ documents: stats.documents, versions: stats.versions, contentBytes: stats.contentBytes, historyBytes: stats.historyBytes, byType: stats.byType, trashed: 0 });
    expect(vault.listTrash()).toEqual({ items: [], total: 0 });
    // Writable again, continuing its history.
    expect(vault.update('a', { content: 'alpha 3' }).version).toBe(3);
    expect(vault.verify().ok).toBe(true);
  });

  it('undelete of a live or unknown id is NotFound', () => {
    seed();
    expect(errorOf(() => vault.undelete('a'))).toMatchObject({ kind: 'NotFound', details: { trashed: false } });
    expect(errorOf(() => vault.undelete('nope'))).toMatchObject({ kind: 'NotFound' });
    expect(errorOf(() => vault.undelete(''))).toMatchObject({ kind: 'Invalid' });
  });

  it('creating an id that is in the Trash is AlreadyExists (reason trashed) and overwrites nothing', () => {
    seed();
    vault.delete('a');
    for (const fn of [() => vault.create({ id: 'a', content: 'new' }), () => vault.put({ id: 'a', content: 'new' }), () => vault.create({ id: 'a', content: 'new' }, { expectedVersion: 2 })])
      expect(errorOf(fn)).toMatchObject({ kind: 'AlreadyExists', details: { id: 'a', reason: 'trashed' } });
    const bulk = vault.bulkCreate([{ id: 'd', content: 'd' }, { id: 'a', content: 'new' }]);
    expect(bulk.committed).toBe(false);
    expect(bulk.items[1]).toMatchObject({ status: 'error', error: { kind: 'AlreadyExists' } });
    expect(vault.undelete('a').content).toBe('alpha 2');
  });

  it('listTrash pages newest trashed first with a cursor and an exact total', () => {
    for (let i = 0; i < 5; i++) vault.create({ id: `d${i}`, content: `doc ${i}`, title: `Doc ${i}` });
    for (const id of ['d3', 'd0', 'd4', 'd1']) vault.delete(id);
    const p1 = vault.listTrash({ limit: 3 });
    expect(p1.items.map((d) => d.id)).toEqual(['d1', 'd4', 'd0']);
    expect(p1.total).toBe(4);
    expect(p1.items[0]).toMatchObject({ title: 'Doc 1', version: 1, size: 5, trashedAt: expect.any(Number) as number });
    expect(p1.items[0]!.trashedAt).toBeGreaterThan(p1.items[1]!.trashedAt);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = vault.listTrash({ limit: 3, cursor: p1.nextCursor! });
    expect(p2).toEqual({ items: [expect.objectContaining({ id: 'd3' })], total: 4 });
    expect(errorOf(() => vault.listTrash({ cursor: 'junk' }))).toMatchObject({ kind: 'Invalid' });
    expect(errorOf(() => vault.listTrash({ limit: 0 }))).toMatchObject({ kind: 'Invalid' });
  });

  it('purge erases a live or trashed document forever; NotFound after; the id is free again', () => {
    seed();
    vault.delete('a');
    vault.purge('a');
    vault.purge('b');
    for (const id of ['a', 'b']) {
      expect(errorOf(() => vault.get(id))).toMatchObject({ kind: 'NotFound', details: { id } });
      expect(errorOf(() => vault.get(id)).details?.['trashed']).toBeUndefined();
      expect(errorOf(() => vault.purge(id))).toMatchObject({ kind: 'NotFound' });
      expect(errorOf(() => vault.undelete(id))).toMatchObject({ kind: 'NotFound' });
    }
    expect(vault.stats()).toMatchObject({ documents: 1, versions: 1, trashed: 0, byType: { note: 1 } });
    expect(vault.count({ tag: 't' })).toBe(0);
    expect(vault.create({ id: 'a', content: 'again' }).version).toBe(1);
    withRawConnection(path, key, (db) => expect(db.prepare("SELECT count(*) FROM versions WHERE content LIKE 'beta%'").pluck().get()).toBe(0));
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('purge overwrites the content on disk (secure_delete), seen in a plain vault', () => {
    const plain = makeVault({ key: { encryption: false } });
    try {
      const marker = 'PURGE-ME-7f3a9c';
      plain.vault.create({ id: 'x', content: `${marker} v1` });
      plain.vault.update('x', { content: `${marker} v2` });
      plain.vault.delete('x');
      plain.vault.purge('x');
      plain.vault.close();
      for (const suffix of ['', '-wal']) {
        const file = plain.path + suffix;
        if (existsSync(file)) expect(readFileSync(file).includes(marker)).toBe(false);
      }
    } finally {
      plain.cleanup();
    }
  });

  it('emptyTrash purges every trashed document and nothing else', () => {
    seed();
    expect(vault.emptyTrash()).toBe(0);
    vault.bulkDelete(['a', 'b']);
    expect(vault.listTrash().total).toBe(2);
    expect(vault.emptyTrash()).toBe(2);
    expect(vault.listTrash()).toEqual({ items: [], total: 0 });
    expect(vault.list().items.map((d) => d.id)).toEqual(['c']);
    expect(vault.stats()).toMatchObject({ documents: 1, versions: 1, contentBytes: 5, historyBytes: 5, trashed: 0 });
    expect(errorOf(() => vault.undelete('a'))).toMatchObject({ kind: 'NotFound' });
  });

  it('bulkDelete moves to the Trash all or nothing; delete honours expectedVersion', () => {
    seed();
    const r = vault.bulkDelete(['a', 'missing']);
    expect(r.committed).toBe(false);
    expect(vault.exists('a')).toBe(true);
    expect(errorOf(() => vault.delete('a', { expectedVersion: 1 }))).toMatchObject({ kind: 'Conflict' });
    vault.delete('a', { expectedVersion: 2 });
    expect(vault.listTrash().items.map((d) => d.id)).toEqual(['a']);
  });

  it('a trashed document rolled back inside a transaction stays live, and the cache stays exact', () => {
    seed();
    vault.get('a');
    expect(() =>
      vault.transaction(() => {
        vault.delete('a');
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(vault.get('a').content).toBe('alpha 2');
    expect(vault.listTrash().total).toBe(0);
  });

  it('undelete refuses a trashed document altered outside docvault (Integrity) and leaves it in the Trash', () => {
    seed();
    vault.delete('a');
    withRawConnection(path, key, (db) => db.prepare("UPDATE documents SET title = 'forged' WHERE id = 'a'").run());
    vault.refresh();
    expect(errorOf(() => vault.undelete('a'))).toMatchObject({ kind: 'Integrity' });
    expect(vault.listTrash().items).toEqual([expect.objectContaining({ id: 'a', integrityFailed: true })]);
    expect(vault.exists('a')).toBe(false);
  });

  it('a read-only connection lists the Trash and refuses to change it', () => {
    seed();
    vault.delete('a');
    const ro = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    try {
      expect(ro.listTrash().items.map((d) => d.id)).toEqual(['a']);
      expect(ro.stats().trashed).toBe(1);
      for (const fn of [() => ro.undelete('a'), () => ro.purge('a'), () => ro.emptyTrash(), () => ro.delete('b')]) expect(errorOf(fn)).toMatchObject({ kind: 'Invalid' });
    } finally {
      ro.close();
    }
  });
});
