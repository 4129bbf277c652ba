/**
 * The running totals are written once per outermost commit (engine/totals.ts, engine/vault-core.ts), not at
 * every write's savepoint: a savepoint that rolls back takes its writes' part of the pending totals with
 * it, a read of the totals inside a transaction sees its own writes, and nothing pending leaks into the
 * next transaction after a rollback. Every case ends with verify's recount of every
 * total from the heads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { PendingTotals } from '../../src/main/storage/engine/totals';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let cleanup: () => void;
beforeEach(() => ({ vault, cleanup } = makeVault()));
afterEach(() => cleanup());

/** The totals every read path serves, in one object. */
function totals(v: Vault): Record<string, unknown> {
  const s = v.stats();
  return {
    documents: s.documents,
    versions: s.versions,
    contentBytes: s.contentBytes,
    historyBytes: s.historyBytes,
    byType: s.byType,
    trashed: s.trashed,
    count: v.count(),
    notes: v.count({ type: 'note' }),
    red: v.count({ tag: 'red' }),
    listTotal: v.list({ limit: 1 }).total,
    trashTotal: v.listTrash({ limit: 1 }).total,
  };
}

function expectVerified(v: Vault): void {
  const report = v.verify();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('pending totals', () => {
  it('a rolled-back write inside a group takes its part of the totals with it', () => {
    vault.create({ id: 'keep', content: 'k', type: 'note', tags: ['red'] });
    vault.transaction(() => {
      vault.create({ id: 'a', content: 'aa', type: 'note', tags: ['red'] });
      try {
        vault.transaction(() => {
          vault.create({ id: 'gone', content: 'ggg', type: 'note', tags: ['red', 'blue'] });
          vault.update('keep', { content: 'k2', type: 'task' });
          vault.delete('a');
          throw new Error('this part rolls back');
        });
      } catch {
        // caught: only the inner savepoint rolls back
      }
      vault.create({ id: 'b', content: 'bbbb', type: 'task' });
    });
    expect(totals(vault)).toMatchObject({ documents: 3, versions: 3, contentBytes: 7, byType: { note: 2, task: 1 }, trashed: 0, count: 3, notes: 2, red: 2 });
    expect(vault.count({ tag: 'blue' })).toBe(0);
    expectVerified(vault);
  });

  it('a failing write in a group (its own savepoint) leaves the others counted', () => {
    vault.create({ id: 'x', content: 'x' });
    vault.transaction(() => {
      vault.create({ id: 'c1', content: 'one', type: 'note' });
      // Fails after its checks: nothing of it may be counted.
      expect(() => vault.create({ id: 'x', content: 'dup', type: 'note' })).toThrow(expect.objectContaining({ kind: 'AlreadyExists' }));
      expect(() => vault.update('x', { content: 'stale' }, { expectedVersion: 7 })).toThrow(expect.objectContaining({ kind: 'Conflict' }));
      // A bulk call with a failed item rolls back its own savepoint, after the items before it were counted there.
      const bulk = vault.bulkCreate([{ id: 'b1', content: 'b', type: 'note' }, { id: 'x', content: 'dup' }]);
      expect(bulk.committed).toBe(false);
      vault.create({ id: 'c2', content: 'two', type: 'note' });
    });
    expect(totals(vault)).toMatchObject({ documents: 3, versions: 3, byType: { note: 2 }, count: 3, notes: 2 });
    expectVerified(vault);
  });

  it('counts, lists and stats inside a transaction see its writes, also after a rolled-back savepoint read them', () => {
    vault.create({ id: 'old', content: 'o', type: 'note', tags: ['red'] });
    vault.transaction(() => {
      vault.create({ id: 'n1', content: 'n1', type: 'note', tags: ['red'] });
      vault.update('old', { content: 'o2' });
      expect(totals(vault)).toMatchObject({ documents: 2, versions: 3, count: 2, notes: 2, red: 2, listTotal: 2 });
      try {
        vault.transaction(() => {
          vault.create({ id: 'n2', content: 'n2', type: 'note', tags: ['red'] });
          vault.delete('n1');
          // Read (and so written) inside the savepoint that rolls back.
          expect(totals(vault)).toMatchObject({ documents: 2, count: 2, notes: 2, red: 2, trashed: 1, trashTotal: 1 });
          throw new Error('undo');
        });
      } catch {
        // caught
      }
      expect(totals(vault)).toMatchObject({ documents: 2, versions: 3, count: 2, notes: 2, red: 2, trashed: 0 });
      vault.create({ id: 'n3', content: 'n3', type: 'task' });
      expect(vault.count()).toBe(3);
    });
    expect(totals(vault)).toMatchObject({ documents: 3, versions: 4, byType: { note: 2, task: 1 }, count: 3, notes: 2, red: 2, trashed: 0 });
    expectVerified(vault);
  });

  it('an outer rollback leaves the totals as they were, and the next transaction starts from nothing pending', () => {
    vault.create({ id: 'a', content: 'a', type: 'note' });
    const before = totals(vault);
    expect(() =>
      vault.transaction(() => {
        vault.create({ id: 'b', content: 'b', type: 'note' });
        vault.update('a', { content: 'a2', type: 'task' });
        expect(vault.count({ type: 'task' })).toBe(1);
        vault.create({ id: 'c', content: 'c' });
        throw new Error('all of it goes');
      }),
    ).toThrow('all of it goes');
    expect(totals(vault)).toEqual(before);
    vault.create({ id: 'd', content: 'd', type: 'note' });
    expect(totals(vault)).toMatchObject({ documents: 2, versions: 2, byType: { note: 2 }, count: 2 });
    expectVerified(vault);
  });

  it('a closed vault refuses a transaction with Closed', () => {
    vault.close();
    expect(() => vault.transaction(() => 1)).toThrow(expect.objectContaining({ kind: 'Closed' }));
  });
});

describe('PendingTotals marks', () => {
  it('restore puts back exactly what was pending at the mark', () => {
    const p = new PendingTotals();
    const empty = p.mark();
    p.add('documents', 2);
    p.term(Buffer.alloc(32, 1));
    const m = p.mark();
    p.add('documents', 5);
    p.add('tag:red', 1);
    p.term(Buffer.alloc(32, 2));
    p.restore(m);
    expect(p.empty).toBe(false);
    // What is left after restoring the mark is exactly what was added before it.
    const q = new PendingTotals();
    q.add('documents', 2);
    q.term(Buffer.alloc(32, 1));
    expect(p.mark()).toEqual(q.mark());
    p.restore(empty);
    expect(p.empty).toBe(true);
  });
});
