/**
 * Schema step "updates wait past a sequence mark" (../../src/main/storage/search-seq-schema.ts): an update of a
 * document the index holds writes no queue row; the index holds its newest version at or before the mark
 * until a flush, which queues such documents first. From a vault of the step before with documents still
 * queued (a copy taken while the writer had not flushed): the queue carried over, nothing lost. Then every
 * write path that meets such a document before the flush — updates, the Trash and back, a purge, a restore —
 * keeps FTS5's own check exact (its content view reads the rule), and the flush leaves the index and the
 * tag rows exact. A purge of the table's last version rows lowers the mark (their numbers are handed out
 * again); flushes in small chunks with writes between them; the mark's row removed outside docvault.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { asWritable } from '../../src/main/storage/engine/db';
import { SearchQueue } from '../../src/main/storage/engine/search-queue';
import { SEARCH_SEQ_STEP } from '../../src/main/storage/migrations';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { SEARCH_SEQ_KEY } from '../../src/main/storage/search-seq-schema';
import { PENDING_BOUND_SQL } from '../../src/main/storage/search-mark-schema';
import { queuedVaultBeforeStep as queuedBefore } from '../helpers/before-step';
import { plainVault, queued } from '../helpers/plain-vault';
import { withRawConnection } from '../helpers/raw-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const seqMark = (db: Database.Database): number | undefined => db.prepare(`SELECT n FROM counters WHERE key = '${SEARCH_SEQ_KEY}'`).pluck().get() as number | undefined;
const lastSeq = (db: Database.Database): number => db.prepare('SELECT coalesce(max(seq), 0) FROM versions').pluck().get() as number;
const queueRows = (db: Database.Database): unknown[] => db.prepare('SELECT doc, indexed FROM search_queue ORDER BY doc').raw().all();
const tagRows = (db: Database.Database): unknown[] => db.prepare('SELECT tag, updated_at, doc FROM document_tags WHERE tag >= char(32) ORDER BY 1, 2, 3').all();
const headRows = (db: Database.Database): unknown[] =>
  db.prepare('SELECT DISTINCT j.value AS tag, d.updated_at, d.doc FROM documents d, json_each(d.tags) j WHERE d.trashed_at IS NULL ORDER BY 1, 2, 3').all();
const hits = (v: Vault, query: string): string[] => v.search({ query, limit: 1000, rankAll: true }).items.map((h) => h.id).sort();
const byTag = (v: Vault, tag: string): string[] => v.list({ tag, limit: 200 }).items.map((d) => d.id).sort();

const queuedVaultBeforeStep = (write: (v: Vault) => void): { path: string; key: string } => queuedBefore(SEARCH_SEQ_STEP, cleanups, write);

describe(`migration: updates wait past a sequence mark (from step ${SEARCH_SEQ_STEP - 1})`, () => {
  it('carries the queue over, records the last version, and the index, tag rows and verify come out exact', () => {
    const f = queuedVaultBeforeStep((v) => {
      v.create({ id: 'kept', content: 'quartz kept', tags: ['rock'] });
      v.indexSearch();
      v.update('kept', { content: 'granite kept', tags: ['stone'] });
      v.update('alpha', { content: 'alpha granite' });
      v.delete('beta');
      v.create({ id: 'late', content: 'late granite', tags: ['stone'] });
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_SEQ_STEP - 1);
      expect(seqMark(db)).toBeUndefined();
      // kept, alpha and beta queued by the step before's triggers; late after the mark.
      expect(queueRows(db)).toHaveLength(3);
      expect(() => checkSearchIndex(db)).not.toThrow();
      return queueRows(db);
    });
    const v = Vault.openSync(f.path, { key: { rawKey: f.key }, idleCheckpointMs: 600_000 });
    cleanups.push(() => v.close());
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(seqMark(db)).toBe(lastSeq(db));
      expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'search_queue_ai'").pluck().get()).toBe(0);
      expect(queueRows(db)).toEqual(before);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(hits(v, 'granite')).toEqual(['alpha', 'kept', 'late']);
    expect(hits(v, 'quartz')).toEqual([]);
    expect(byTag(v, 'stone')).toEqual(['kept', 'late']);
    expect(byTag(v, 'rock')).toEqual([]);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    // An update after the step writes no queue row and still reaches the index.
    v.update('gamma', { content: 'gamma basalt' });
    withRawConnection(f.path, f.key, (db) => {
      expect(queueRows(db)).toEqual([]);
      expect(queued(db)).toBe(1);
      expect(() => checkSearchIndex(db)).not.toThrow();
    });
    expect(hits(v, 'basalt')).toEqual(['gamma']);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });
});

describe('updates past the sequence mark', () => {
  it('every write path before the flush keeps the index check exact; the flush leaves index and tag rows exact', () => {
    const { vault, raw } = plainVault(cleanups);
    const ids = ['twice', 'trashed', 'back', 'purged', 'restored', 'emptied', 'still'];
    vault.bulkCreate(ids.map((id) => ({ id, content: `${id} walnut`, tags: ['t', id] })));
    vault.indexSearch();
    const paths: [string, () => void][] = [
      ['updated twice', () => {
        vault.update('twice', { content: 'twice pecan', tags: ['t', 'x'] });
        vault.update('twice', { content: 'twice almond' });
      }],
      ['updated, then to the Trash', () => {
        vault.update('trashed', { content: 'trashed pecan' });
        vault.delete('trashed');
      }],
      ['to the Trash and back, then updated', () => {
        vault.delete('back');
        vault.undelete('back');
        vault.update('back', { content: 'back pecan' });
      }],
      ['updated, then purged while live', () => {
        vault.update('purged', { content: 'purged pecan', tags: ['gone'] });
        vault.purge('purged');
      }],
      ['updated, then restored', () => {
        vault.update('restored', { content: 'restored pecan' });
        vault.restore('restored', 1);
      }],
      ['updated, trashed, emptied', () => {
        vault.update('emptied', { content: 'emptied pecan' });
        vault.delete('emptied');
        vault.emptyTrash();
      }],
    ];
    for (const [label, write] of paths) {
      write();
      // Updates write no queue row (the Trash, a purge do, as before the step).
      if (label === 'updated twice') expect(queueRows(raw)).toEqual([]);
      expect(() => checkSearchIndex(raw), label).not.toThrow();
    }
    expect(queued(raw)).toBeGreaterThan(0);
    expect(hits(vault, 'pecan')).toEqual(['back']);
    expect(hits(vault, 'walnut')).toEqual(['restored', 'still']);
    expect(hits(vault, 'almond')).toEqual(['twice']);
    expect(queued(raw)).toBe(0);
    expect(queueRows(raw)).toEqual([]);
    expect(seqMark(raw)).toBe(lastSeq(raw));
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(tagRows(raw)).toEqual(headRows(raw));
    expect(byTag(vault, 'x')).toEqual(['twice']);
    expect(byTag(vault, 'gone')).toEqual([]);
    expect(byTag(vault, 't')).toEqual(['back', 'restored', 'still', 'twice']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a purge of the last version rows lowers the mark: the numbers SQLite hands out again are still past it', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.bulkCreate(['a', 'b'].map((id) => ({ id, content: `${id} cedar` })));
    vault.update('b', { content: 'b cedar again' });
    vault.indexSearch();
    const mark = seqMark(raw) as number;
    expect(mark).toBe(lastSeq(raw));
    vault.purge('b');
    expect(seqMark(raw)).toBe(lastSeq(raw));
    expect(seqMark(raw)).toBeLessThan(mark);
    // a's new version takes the number b's last version had.
    vault.update('a', { content: 'a spruce' });
    expect(lastSeq(raw)).toBeLessThanOrEqual(mark);
    // a, and b's queue row (the purge took its entry out; the flush drops the row).
    expect(queued(raw)).toBe(2);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(hits(vault, 'spruce')).toEqual(['a']);
    expect(hits(vault, 'cedar')).toEqual([]);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it("the writer's O(1) bound counts updates and creates once each, and is 0 exactly when nothing waits", () => {
    const { vault, raw } = plainVault(cleanups);
    const bound = (): number => raw.prepare(PENDING_BOUND_SQL).pluck().get() as number;
    vault.bulkCreate(['a', 'b', 'c'].map((id) => ({ id, content: `${id} fir` })));
    vault.indexSearch();
    const steps: [string, () => void, number][] = [
      ['nothing yet', () => undefined, 0],
      ['two updates', () => (vault.update('a', { content: 'a pine' }), vault.update('b', { content: 'b pine' })), 2],
      ['the same document again', () => vault.update('a', { content: 'a pine again' }), 3],
      ['two creates', () => vault.bulkCreate([{ id: 'd', content: 'd pine' }, { id: 'e', content: 'e pine' }]), 5],
      ['flushed', () => vault.indexSearch(), 0],
      // After the mark, a purge leaves nothing for the index to undo.
      ['a create, purged', () => (vault.create({ id: 'f', content: 'f pine' }), vault.purge('f')), 0],
      ['an indexed document purged', () => vault.purge('e'), 1],
      ['flushed again', () => vault.indexSearch(), 0],
      ['an update after', () => vault.update('c', { content: 'c pine' }), 1],
    ];
    for (const [label, step, want] of steps) {
      step();
      expect(bound(), label).toBe(want);
      expect(queued(raw) > 0, label).toBe(want > 0);
    }
    expect(hits(vault, 'pine')).toEqual(['a', 'b', 'c', 'd']);
    expect(bound()).toBe(0);
  });

  it('flushes in chunks of one document with updates between them stay exact', () => {
    const { vault, raw } = plainVault(cleanups);
    vault.bulkCreate(Array.from({ length: 6 }, (_, i) => ({ id: `d${i}`, content: `d${i} birch`, tags: [`k${i}`] })));
    vault.indexSearch();
    for (let i = 0; i < 6; i++) vault.update(`d${i}`, { content: `d${i} maple` });
    // A second writer's flushes, one document each (the vault's own writer holds no transaction between calls).
    const queue = new SearchQueue(asWritable(raw));
    for (let round = 0; queue.flush(1); round++) {
      expect(() => checkSearchIndex(raw)).not.toThrow();
      if (round < 3) vault.update(`d${round}`, { content: `d${round} willow`, tags: [`k${round}`, 'w'] });
    }
    expect(queued(raw)).toBe(0);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(hits(vault, 'willow')).toEqual(['d0', 'd1', 'd2']);
    expect(hits(vault, 'maple')).toEqual(['d3', 'd4', 'd5']);
    expect(hits(vault, 'birch')).toEqual([]);
    expect(tagRows(raw)).toEqual(headRows(raw));
    expect(byTag(vault, 'w')).toEqual(['d0', 'd1', 'd2']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it("the mark's row removed outside docvault: updates since stay indexed as they were; verify names their rows, the deep verify the index, the rebuild puts it back", () => {
    const { vault, raw } = plainVault(cleanups);
    vault.bulkCreate(['a', 'b'].map((id) => ({ id, content: `${id} larch` })));
    vault.indexSearch();
    raw.exec(`DELETE FROM counters WHERE key = '${SEARCH_SEQ_KEY}'`);
    vault.update('a', { content: 'a hemlock' });
    expect(queued(raw)).toBe(0);
    // The view now names a's new version, which the index never got: FTS5's own check says so.
    expect(() => checkSearchIndex(raw)).toThrow(/checksum mismatch/);
    // The index still finds a by its old words (its entry is keyed by the document), and not by its new ones.
    expect(hits(vault, 'larch')).toEqual(['a', 'b']);
    expect(hits(vault, 'hemlock')).toEqual([]);
    // a's held rows (the lists by update time; its title row is the same) are still those of its indexed version, and the index is stale.
    expect(vault.verify().problems).toEqual([
      expect.objectContaining({ kind: 'Vault', message: expect.stringMatching(/update-time list row of "a" carries another update time/) }),
      expect.objectContaining({ kind: 'Vault', message: expect.stringMatching(/update-time list row of type "" of "a"/) }),
    ]);
    expect(vault.verify(undefined, { deep: true }).problems).toContainEqual(expect.objectContaining({ kind: 'Index', message: expect.stringMatching(/does not match the documents' text/) }));
    vault.rebuildSearchIndex();
    expect(seqMark(raw)).toBe(lastSeq(raw));
    expect(hits(vault, 'hemlock')).toEqual(['a']);
    expect(hits(vault, 'larch')).toEqual(['b']);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
