/**
 * The search queue step (../../src/main/storage/search-queue-schema.ts), from a vault of the step before it
 * (`vaultBeforeStep`: today's code, then this step undone): an empty queue, rows and the index's segments
 * untouched, the index exact and finding the same documents; the writes after it queue their documents,
 * and a search indexes them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { SEARCH_QUEUE_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { PENDING_COUNT_SQL } from '../../src/main/storage/search-mark-schema';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const state = (db: Database.Database) => ({
  docs: documentRows(db),
  versions: db.prepare('SELECT vid, mac FROM versions ORDER BY vid').all(),
  segments: db.prepare('SELECT * FROM search_index_idx ORDER BY segid, term, pgno').all(),
});
const objects = (db: Database.Database): string[] =>
  db.prepare("SELECT type || ' ' || name FROM sqlite_schema WHERE name LIKE 'search%' AND type IN ('table', 'view', 'trigger') ORDER BY 1").pluck().all() as string[];

describe('migration: search queue', () => {
  it('upgrades a vault of the step before: an empty queue, rows and segments untouched, the index exact; later writes queue', () => {
    const f = vaultBeforeStep(SEARCH_QUEUE_STEP, cleanups, (v) => {
      for (let i = 0; i < 12; i++) v.create({ id: `d${i}`, title: `ledger ${i}`, content: `entry ${i % 3 === 0 ? 'invoice' : 'garden'}`, type: 'note', tags: [`t${i % 2}`] });
      v.delete('d5');
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_QUEUE_STEP - 1);
      expect(objects(db)).toContain('trigger search_versions_ai');
      expect(objects(db)).not.toContain('table search_queue');
      expect(() => checkSearchIndex(db)).not.toThrow();
      return state(db);
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(objects(db)).toEqual(
        // search_queue_ai went with step "updates wait past a sequence mark".
        expect.arrayContaining(['table search_queue', 'view search_source', 'trigger search_queue_ad', 'trigger search_queue_trash', 'trigger search_queue_undelete']),
      );
      // The index's own triggers are gone: nothing writes it inside a commit any more.
      expect(objects(db).filter((o) => o.startsWith('trigger search_versions') || o === 'trigger search_trash' || o === 'trigger search_undelete')).toEqual([]);
      expect(db.prepare('SELECT count(*) FROM search_queue').pluck().get()).toBe(0);
      expect(state(db)).toEqual(before);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(v.search({ query: 'invoice', limit: 50 }).items.map((h) => h.id).sort()).toEqual(['d0', 'd3', 'd6', 'd9']);
    expect(v.search({ query: 'ledger', limit: 50 }).items.map((h) => h.id)).not.toContain('d5');
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    // A write after the step is queued, not indexed in its commit; the next search indexes it.
    v.update('d1', { content: 'entry invoice now' });
    v.undelete('d5');
    withRawConnection(f.path, f.key, (db) => {
      // d1's update waits past the sequence mark (a later step), d5 in the queue.
      expect(db.prepare(PENDING_COUNT_SQL).pluck().get()).toBe(2);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(v.search({ query: 'invoice', limit: 50 }).items.map((h) => h.id).sort()).toEqual(['d0', 'd1', 'd3', 'd6', 'd9']);
    expect(v.search({ query: 'ledger', limit: 50 }).items.map((h) => h.id)).toContain('d5');
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
