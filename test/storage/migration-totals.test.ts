/**
 * The step "totals kept by the write path" (engine/totals.ts), from a vault of the step before it: the
 * schema-1 fixture opened (every step runs), then this step and those after it taken out
 * (test/helpers/later-steps.ts puts the counter triggers back). Opening it with today's code drops the
 * nine counter triggers and changes no total; every write path then keeps the totals exact (verify
 * recomputes them from the heads); a step that fails midway leaves the vault at the step before with
 * its triggers; and an operation rolled back alone (a savepoint, a bulk call) leaves no total behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { TOTALS_STEP } from '../../src/main/storage/migrations';
import { withRawConnection } from '../helpers/raw-db';
import { vaultBeforeStep } from '../helpers/before-step';
import { TOTALS_TRIGGERS } from '../helpers/later-steps';
import { makeVault } from '../helpers/tmp';
import { AUDIT_HEAD_KEY } from '../../src/main/storage/engine/audit-schema';
import { SEARCH_MARK_KEY } from '../../src/main/storage/search-mark-schema';
import { SEARCH_SEQ_DOCS_KEY, SEARCH_SEQ_KEY } from '../../src/main/storage/search-seq-schema';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function beforeStep(): { path: string; key: string } {
  return vaultBeforeStep(TOTALS_STEP, cleanups, (v) => v.update('alpha', { content: 'alpha, edited before the step', tags: ['x', 'y'] }));
}

const triggers = (db: Database.Database): string[] =>
  db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").pluck().all() as string[];
const totals = (db: Database.Database): unknown[] => db.prepare("SELECT key, n FROM counters WHERE key <> 'state' ORDER BY key").all();

/** Asserts verify's recount of every total from the heads agrees with the stored totals. */
function exact(v: Vault): void {
  expect(v.verify()).toMatchObject({ ok: true, problems: [] });
}

describe('migration: totals kept by the write path', () => {
  it('is a numbered step after the ones before it', () => {
    expect(MIGRATIONS[TOTALS_STEP - 1]?.version).toBe(TOTALS_STEP);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(TOTALS_STEP);
  });

  it('upgrades a vault of the step before: the nine triggers go, no total changes, writes keep them exact', () => {
    const { path, key } = beforeStep();
    const before = withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TOTALS_STEP - 1);
      expect(triggers(db)).toEqual(expect.arrayContaining([...TOTALS_TRIGGERS]));
      return totals(db);
    });
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      for (const t of TOTALS_TRIGGERS) expect(triggers(db)).not.toContain(t);
      // The attachment totals, the audit head and the search mark are rows later steps add (ATTACHMENT_TOTALS_STEP,
      // AUDIT_HEAD_STEP, SEARCH_MARK_STEP, SEARCH_SEQ_STEP); every total there before is unchanged.
      const later = (key: string): boolean => key.startsWith('attachment_') || key === AUDIT_HEAD_KEY || key === SEARCH_MARK_KEY || key === SEARCH_SEQ_KEY || key === SEARCH_SEQ_DOCS_KEY;
      expect((totals(db) as { key: string }[]).filter((r) => !later(r.key))).toEqual(before);
    });
    exact(v);
    const memo = v.count({ type: 'memo' });
    const letter = v.count({ type: 'letter' });
    // Every write path, each followed by verify's recount.
    v.create({ id: 'n1', title: 'one', content: 'first', type: 'memo', tags: ['a', 'b'] });
    exact(v);
    v.update('n1', { content: 'longer content now', type: 'letter', tags: ['b', 'c'] });
    exact(v);
    v.put({ id: 'n2', title: 'two', content: 'put', type: 'letter', tags: ['c'] });
    exact(v);
    v.delete('n1');
    exact(v);
    v.undelete('n1');
    exact(v);
    v.restore('n1', 1);
    exact(v);
    v.delete('n2');
    v.purge('n2');
    exact(v);
    v.purge('n1');
    exact(v);
    v.bulkCreate([1, 2, 3].map((i) => ({ id: `b${i}`, title: `b${i}`, content: `c${i}`, type: 'memo', tags: ['bulk', `only-b${i}`] })));
    exact(v);
    v.bulkDelete(['b1', 'b2']);
    v.emptyTrash();
    exact(v);
    expect(v.count({ type: 'memo' })).toBe(memo + 1);
    expect(v.count({ type: 'letter' })).toBe(letter);
    expect(v.count({ tag: 'bulk' })).toBe(1);
    expect(v.count({ tag: 'only-b1' })).toBe(0);
    expect(v.count({ tag: 'only-b3' })).toBe(1);
  });

  it('fails whole: a step that cannot finish leaves the vault at the step before, with its triggers', () => {
    const { path, key } = beforeStep();
    // One trigger missing makes the step's last DROP fail after the others ran.
    withRawConnection(path, key, (db) => db.exec('DROP TRIGGER document_tags_ad'));
    expect(() => Vault.openSync(path, { key: { rawKey: key } })).toThrow();
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TOTALS_STEP - 1);
      expect(triggers(db)).toEqual(expect.arrayContaining(TOTALS_TRIGGERS.filter((t) => t !== 'document_tags_ad')));
    });
  });
});

describe('totals kept by the write path', () => {
  it('an operation rolled back alone inside a transaction leaves none of its totals behind', () => {
    const t = makeVault();
    cleanups.push(t.cleanup);
    // A version insert that fails after the head row (and its totals) were written.
    withRawConnection(t.path, t.key, (db) =>
      db.exec("CREATE TRIGGER test_fail BEFORE INSERT ON versions WHEN new.title = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END"),
    );
    t.vault.refresh();
    t.vault.transaction(() => {
      t.vault.create({ id: 'kept', title: 'fine', content: 'x', type: 'memo', tags: ['t'] });
      expect(() => t.vault.create({ id: 'lost', title: 'boom', content: 'yy', type: 'other', tags: ['u'] })).toThrow();
      t.vault.update('kept', { content: 'x2' });
    });
    expect(t.vault.exists('lost')).toBe(false);
    expect(t.vault.stats()).toMatchObject({ documents: 1, versions: 2, byType: { memo: 1 } });
    expect(t.vault.count({ tag: 'u' })).toBe(0);
    withRawConnection(t.path, t.key, (db) => db.exec('DROP TRIGGER test_fail'));
    exact(t.vault);
  });

  it('a bulk call with a failed item commits nothing and no total', () => {
    const t = makeVault();
    cleanups.push(t.cleanup);
    t.vault.create({ id: 'dup', title: 'd', content: 'd', type: 'memo' });
    const r = t.vault.bulkCreate([
      { id: 'ok', title: 'o', content: 'o', type: 'memo', tags: ['z'] },
      { id: 'dup', title: 'd', content: 'd', type: 'memo' },
    ]);
    expect(r.committed).toBe(false);
    expect(t.vault.stats()).toMatchObject({ documents: 1, versions: 1, byType: { memo: 1 } });
    expect(t.vault.count({ tag: 'z' })).toBe(0);
    exact(t.vault);
  });
});
