/**
 * The step that turns FTS5's automerge off (the writer merges at idle, engine/search-merge.ts), from a vault
 * of the step before it (`vaultBeforeStep`: today's code, then this step undone): the setting is 0, nothing
 * else changes (rows, the index's segments), the index stays exact and finds the same documents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { SEARCH_IDLE_MERGE_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const automerge = (db: Database.Database): unknown => db.prepare("SELECT v FROM search_index_config WHERE k = 'automerge'").pluck().get();
const state = (db: Database.Database) => ({
  docs: documentRows(db),
  versions: db.prepare('SELECT vid, mac FROM versions ORDER BY vid').all(),
  segments: db.prepare('SELECT * FROM search_index_idx ORDER BY segid, term, pgno').all(),
});

describe('migration: search merges at idle', () => {
  it('upgrades a vault of the step before: automerge 0, rows and segments untouched, the index exact', () => {
    const f = vaultBeforeStep(SEARCH_IDLE_MERGE_STEP, cleanups, (v) => {
      for (let i = 0; i < 12; i++) v.create({ id: `d${i}`, title: `ledger ${i}`, content: `entry ${i % 3 === 0 ? 'invoice' : 'garden'}`, type: 'note' });
      v.delete('d5');
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_IDLE_MERGE_STEP - 1);
      // FTS5's default (4), as a vault of that step has it (no row, or the undo's row of 4).
      expect(automerge(db) ?? 4).toBe(4);
      return state(db);
    });
    // A long idle time: the writer's merges must not run before the check below.
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(automerge(db)).toBe(0);
      expect(state(db)).toEqual(before);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(v.search({ query: 'invoice', limit: 50 }).items.map((h) => h.id).sort()).toEqual(['d0', 'd3', 'd6', 'd9']);
    expect(v.search({ query: 'ledger', limit: 50 }).items.map((h) => h.id)).not.toContain('d5');
    expect(v.verify().ok).toBe(true);
  });
});
