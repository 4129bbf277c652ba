/**
 * The step "search mark" (../../src/main/storage/search-mark-schema.ts), from a vault of the step before it
 * (`vaultBeforeStep`: today's code, then this step undone) left with documents queued, as a writer of that
 * step leaves them when it stops without closing: one holding none (a new one) and one holding its current version. The step
 * puts the mark at the last document and moves nothing: the queue stays, the index and tag rows as they
 * were, FTS5's check exact; the writer's flush then indexes the queue, and later creates wait after the mark.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { SEARCH_MARK_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { SEARCH_MARK_KEY } from '../../src/main/storage/search-mark-schema';
import { facetsOf } from '../../src/main/storage/search-facets';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const queueRows = (db: Database.Database): unknown[] => db.prepare('SELECT doc, indexed FROM search_queue ORDER BY doc').all();
const tagRows = (db: Database.Database): unknown[] => db.prepare('SELECT * FROM document_tags WHERE tag >= char(32) ORDER BY tag, updated_at, doc').all();
const headRows = (db: Database.Database): unknown[] =>
  db.prepare('SELECT DISTINCT j.value AS tag, d.updated_at, d.doc FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL ORDER BY 1, 2, 3').all();
const hits = (v: Vault, query: string): string[] => v.search({ query, limit: 50, rankAll: true }).items.map((h) => h.id).sort();

describe('migration: search mark', () => {
  it('upgrades a vault of the step before with a queue: the mark at the last document, nothing moved; the flush and later creates work from it', () => {
    const f = vaultBeforeStep(SEARCH_MARK_STEP, cleanups, (v) => {
      for (let i = 0; i < 6; i++) v.create({ id: `d${i}`, content: `entry ${i % 2 === 0 ? 'quince' : 'garden'}`, tags: [`t${i % 2}`] });
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_MARK_STEP - 1);
      expect(queueRows(db)).toEqual([]);
      // Queued by a writer of the step before that stopped without a flush: d1 holding its current version,
      // d4 holding none (its entry taken out, as if new).
      db.exec("INSERT INTO search_queue (doc, indexed) SELECT doc, (doc << 24) + version FROM documents WHERE id = 'd1'");
      db.exec(`INSERT INTO search_index (search_index, rowid, title, content, facets)
                 SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version WHERE d.id = 'd4'`);
      db.exec("INSERT INTO search_queue (doc, indexed) SELECT doc, 0 FROM documents WHERE id = 'd4'");
      expect(queueRows(db)).toHaveLength(2);
      expect(() => checkSearchIndex(db)).not.toThrow();
      return { queue: queueRows(db), tags: tagRows(db), last: db.prepare('SELECT max(doc) FROM documents').pluck().get() as number };
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.isOpen && v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare(`SELECT n FROM counters WHERE key = '${SEARCH_MARK_KEY}'`).pluck().get()).toBe(before.last);
      expect(queueRows(db)).toEqual(before.queue);
      expect(tagRows(db)).toEqual(before.tags);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(hits(v, 'quince')).toEqual(['d0', 'd2', 'd4']);
    v.create({ id: 'after', content: 'a quince after the step', tags: ['t0'] });
    withRawConnection(f.path, f.key, (db) => {
      expect(queueRows(db)).toEqual([]);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(hits(v, 'quince')).toEqual(['after', 'd0', 'd2', 'd4']);
    withRawConnection(f.path, f.key, (db) => {
      expect(db.prepare(`SELECT n FROM counters WHERE key = '${SEARCH_MARK_KEY}'`).pluck().get()).toBe(before.last + 1);
      expect(tagRows(db)).toEqual(headRows(db));
    });
  });
});
