/**
 * Audit entries of one transaction (engine/audit-pending.ts): appended when its outermost level ends,
 * adjacent counted entries of one event and outcome merged into one with their sum; what a savepoint or
 * a group's failed write rolls back is taken out of the count; the chain verifies throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { PendingAudit } from '../../src/main/storage/engine/audit-pending';
import { makeVault } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function vault(): Vault {
  const made = makeVault({ auditMergeMs: 0 });
  cleanups.push(made.cleanup);
  return made.vault;
}

/** Events of the log after `vault.create`, oldest first, as `event:count`. */
function events(v: Vault): string[] {
  return v
    .auditLog({ limit: 10_000 })
    .entries.map((e) => (e.count === null ? `${e.event}${e.detail === null ? '' : `/${e.detail}`}` : `${e.event}:${e.count}`))
    .reverse()
    .slice(1);
}

function expectSound(v: Vault): void {
  expect(v.auditLog().problems).toEqual([]);
  expect(v.verify()).toMatchObject({ ok: true, problems: [] });
}

describe('audit entries of one transaction', () => {
  it('merges the creates of a transaction into one entry with their count', () => {
    const v = vault();
    v.transaction(() => {
      for (let i = 0; i < 5; i++) v.create({ id: `d${i}`, content: `text ${i}` });
    });
    expect(events(v)).toEqual(['document.create:5']);
    expectSound(v);
  });

  it('keeps the order of different events: only adjacent entries of one event merge', () => {
    const v = vault();
    v.create({ id: 'old', content: 'o' });
    v.transaction(() => {
      v.create({ id: 'a', content: 'a' });
      v.put({ id: 'b', content: 'b' });
      v.put({ id: 'b', content: 'b2' }); // an update: not an event
      v.delete('old');
      v.delete('a');
      v.create({ id: 'c', content: 'c' });
      v.bulkCreate([{ id: 'd', content: 'd' }, { id: 'e', content: 'e' }]);
    });
    expect(events(v)).toEqual(['document.create:1', 'document.create:2', 'document.delete:2', 'document.create:3']);
    expectSound(v);
  });

  it('writes outside a transaction keep an entry each', () => {
    const v = vault();
    v.create({ id: 'a', content: 'a' });
    v.create({ id: 'b', content: 'b' });
    expect(events(v)).toEqual(['document.create:1', 'document.create:1']);
  });

  it('does not merge entries with a detail or without a count', () => {
    const v = vault();
    v.transaction(() => {
      v.recordAudit({ event: 'export', outcome: 'failed', detail: 'DiskFull' });
      v.recordAudit({ event: 'export', outcome: 'failed', detail: 'DiskFull' });
      v.recordAudit({ event: 'backup', outcome: 'ok' });
      v.recordAudit({ event: 'backup', outcome: 'ok' });
      v.recordAudit({ event: 'unlock.failed', outcome: 'failed', count: 2 });
      v.recordAudit({ event: 'unlock.failed', outcome: 'failed', count: 3 });
      v.recordAudit({ event: 'unlock.failed', outcome: 'ok', count: 1 });
    });
    expect(events(v)).toEqual(['export/DiskFull', 'export/DiskFull', 'backup', 'backup', 'unlock.failed:5', 'unlock.failed:1']);
    expectSound(v);
  });

  it('takes a rolled-back savepoint out of the count, and a rolled-back transaction out of the log', () => {
    const v = vault();
    v.transaction(() => {
      v.create({ id: 'a', content: 'a' });
      expect(() =>
        v.transaction(() => {
          v.create({ id: 'b', content: 'b' });
          v.create({ id: 'c', content: 'c' });
          throw new Error('inner');
        }),
      ).toThrow('inner');
      v.create({ id: 'd', content: 'd' });
    });
    expect(events(v)).toEqual(['document.create:2']);
    expect(() =>
      v.transaction(() => {
        v.create({ id: 'e', content: 'e' });
        throw new Error('outer');
      }),
    ).toThrow('outer');
    expect(events(v)).toEqual(['document.create:2']);
    expect(v.exists('b') || v.exists('e')).toBe(false);
    expectSound(v);
  });

  it('a read inside the transaction sees its entries; a savepoint rolled back after that read still leaves them right', () => {
    const v = vault();
    v.transaction(() => {
      v.create({ id: 'a', content: 'a' });
      expect(events(v)).toEqual(['document.create:1']);
      expect(() =>
        v.transaction(() => {
          v.create({ id: 'b', content: 'b' });
          expect(events(v)).toEqual(['document.create:1', 'document.create:1']);
          throw new Error('inner');
        }),
      ).toThrow('inner');
      expect(events(v)).toEqual(['document.create:1']);
      v.create({ id: 'c', content: 'c' });
    });
    expect(events(v)).toEqual(['document.create:1', 'document.create:1']);
    expectSound(v);
  });

  it('a group commit records one entry for its creates, without the write that failed alone', () => {
    const v = vault();
    v.create({ id: 'taken', content: 't' });
    const failures: string[] = [];
    v.writeGroup(() => {
      for (const id of ['g1', 'taken', 'g2', 'g3']) {
        try {
          v.create({ id, content: id });
        } catch (err) {
          failures.push((err as { kind?: string }).kind ?? 'untyped');
        }
      }
    });
    expect(failures).toEqual(['AlreadyExists']);
    expect(events(v)).toEqual(['document.create:1', 'document.create:3']);
    expectSound(v);
  });
});

describe('PendingAudit', () => {
  it('restores a mark exactly, after merges and after a flush emptied it', () => {
    const p = new PendingAudit();
    p.add({ event: 'document.create', outcome: 'ok', count: 1 }, 10);
    const m = p.mark();
    p.add({ event: 'document.create', outcome: 'ok', count: 4 }, 11);
    p.add({ event: 'document.delete', outcome: 'ok', count: 1 }, 12);
    p.restore(m);
    p.add({ event: 'document.create', outcome: 'ok', count: 2 }, 13);
    // The merged entry keeps its first write's time; the mark is what a flush would append, in order.
    expect(p.mark()).toEqual([{ e: { event: 'document.create', outcome: 'ok', count: 3 }, at: 10 }]);
    p.clear();
    expect(p.empty).toBe(true);
  });
});
