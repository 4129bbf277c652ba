/**
 * The step "tag rows queued" (../../src/main/storage/search-queue-schema.ts), from a vault of the step before
 * it (`vaultBeforeStep`: today's code, then this step undone) left with documents queued, as a writer of that
 * step leaves them when it stops without closing: one whose index entry is its current version (to the Trash
 * and back), one not indexed yet (a new document). The step indexes them as that step's flush did and empties
 * the queue; the tag rows, exact before, stay as they were; later writes leave the rows to the flush.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { TAG_QUEUE_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { facetsOf } from '../../src/main/storage/search-facets';
import { PENDING_COUNT_SQL } from '../../src/main/storage/search-mark-schema';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const tagRows = (db: Database.Database): unknown[] => db.prepare('SELECT * FROM document_tags WHERE tag >= char(32) ORDER BY tag, updated_at, doc').all();
const headRows = (db: Database.Database): unknown[] =>
  db.prepare('SELECT j.value AS tag, d.updated_at, d.doc FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL ORDER BY 1, 2, 3').all();
/** Documents waiting for the index (queued, or updated past the sequence mark since a later step). */
const queued = (db: Database.Database): number => db.prepare(PENDING_COUNT_SQL).pluck().get() as number;
const hits = (v: Vault, query: string): string[] => v.search({ query, limit: 50, rankAll: true }).items.map((h) => h.id).sort();

describe('migration: tag rows queued', () => {
  it('upgrades a vault of the step before with a queue: indexed as that step did, the queue empty, tag rows untouched; later writes queue them', () => {
    const f = vaultBeforeStep(TAG_QUEUE_STEP, cleanups, (v) => {
      for (let i = 0; i < 8; i++) v.create({ id: `d${i}`, content: `entry ${i % 2 === 0 ? 'quince' : 'garden'}`, type: 'note', tags: [`t${i % 2}`, 'all'] });
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(TAG_QUEUE_STEP - 1);
      // d1 queued holding its current version; d4 queued holding none (its entry taken out, as if new).
      db.exec("INSERT INTO search_queue (doc, indexed) SELECT doc, (doc << 24) + version FROM documents WHERE id = 'd1'");
      db.exec(`INSERT INTO search_index (search_index, rowid, title, content, facets)
                 SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version WHERE d.id = 'd4'`);
      db.exec("INSERT INTO search_queue (doc, indexed) SELECT doc, 0 FROM documents WHERE id = 'd4'");
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(tagRows(db)).toEqual(headRows(db));
      return tagRows(db);
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(queued(db)).toBe(0);
      expect(() => checkSearchIndex(db)).not.toThrow();
      expect(tagRows(db)).toEqual(before);
    });
    expect(hits(v, 'quince')).toEqual(['d0', 'd2', 'd4', 'd6']);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    // After the step a write leaves the rows to the flush; a list by tag flushes first.
    v.update('d1', { tags: ['t0'] });
    withRawConnection(f.path, f.key, (db) => {
      expect(queued(db)).toBe(1);
      expect(tagRows(db)).toEqual(before);
    });
    const t0 = v.list({ tag: 't0', limit: 50 }).items.map((d) => d.id);
    expect(t0[0]).toBe('d1');
    expect(t0).toEqual(
      withRawConnection(f.path, f.key, (db) =>
        db.prepare("SELECT d.id FROM documents d, json_each(d.tags) j WHERE j.value = 't0' AND d.trashed_at IS NULL ORDER BY d.updated_at DESC, d.doc DESC").pluck().all(),
      ),
    );
    expect(v.list({ tag: 'all', limit: 50 }).items.map((d) => d.id)).not.toContain('d1');
    withRawConnection(f.path, f.key, (db) => expect(tagRows(db)).toEqual(headRows(db)));
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
