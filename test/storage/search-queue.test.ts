/**
 * The search queue (schema step "search queue", engine/search-queue.ts): writes queue their documents and
 * leave the index alone; FTS5's own check passes with a queue waiting (its content view is "what the index
 * holds"); a search or verify on the writer indexes the queue first; the writer indexes it when idle, past
 * its bound and at close; a read-only connection answers as of the last flush, and its verify says why it
 * could not compare the index.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { FLUSH_STEP_DOCS, QUEUE_BOUND, SearchQueue } from '../../src/main/storage/engine/search-queue';
import { asWritable } from '../../src/main/storage/engine/db';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { QUEUE_FLUSH_SQL, QUEUE_STRAY_TAGS_SQL } from '../../src/main/storage/search-queue-schema';
import { plainVault as makePlain, queued } from '../helpers/plain-vault';
import { waitFor } from '../helpers/wait';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const plainVault = (opts: Parameters<typeof makePlain>[1] = {}): ReturnType<typeof makePlain> => makePlain(cleanups, opts);

/** Entries the index holds (one docsize row per entry, keyed by document). */
const entries = (raw: Database.Database): number => raw.prepare('SELECT count(*) FROM search_index_docsize').pluck().get() as number;
/** Ids whose entry in the index matches `word`, read on the raw connection (no flush first). */
const rawHits = (raw: Database.Database, word: string): string[] =>
  (
    raw
      .prepare('SELECT d.id FROM search_index s JOIN documents d ON d.doc = s.rowid WHERE search_index MATCH ? ORDER BY d.id')
      .pluck()
      .all(word) as string[]
  );
const hits = (v: Vault, query: string): string[] => v.search({ query, limit: 1000, rankAll: true }).items.map((h) => h.id).sort();

describe('search queue', () => {
  it('writes queue their documents and leave the index alone; a search on the writer indexes them first', () => {
    const { vault, raw } = plainVault();
    vault.bulkCreate([1, 2, 3].map((i) => ({ id: `b${i}`, content: `bulk quince ${i}` })));
    vault.create({ id: 'one', content: 'single quince' });
    expect(queued(raw)).toBe(4);
    expect(entries(raw)).toBe(0);
    expect(rawHits(raw, 'quince')).toEqual([]);
    // FTS5's own check reads the content view, which says what the index holds: nothing yet.
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(hits(vault, 'quince')).toEqual(['b1', 'b2', 'b3', 'one']);
    expect(queued(raw)).toBe(0);
    expect(entries(raw)).toBe(4);
    expect(() => checkSearchIndex(raw)).not.toThrow();
  });

  it('every write path, with the queue waiting and after a flush: FTS5 check exact, searches right', () => {
    const { vault, raw } = plainVault();
    vault.bulkCreate(Array.from({ length: 8 }, (_, i) => ({ id: `d${i}`, content: `first text ${i}` })));
    vault.indexSearch();
    const step = (label: string, write: () => void, want: Record<string, string[]>): void => {
      write();
      expect(queued(raw), label).toBeGreaterThan(0);
      expect(() => checkSearchIndex(raw), `${label}, queued`).not.toThrow();
      for (const [word, ids] of Object.entries(want)) expect(hits(vault, word), `${label}: ${word}`).toEqual(ids);
      expect(queued(raw), label).toBe(0);
      expect(() => checkSearchIndex(raw), `${label}, flushed`).not.toThrow();
    };
    step('updated twice', () => {
      vault.update('d0', { content: 'zyzzyva one' });
      vault.update('d0', { content: 'zyzzyva quokka two' });
    }, { quokka: ['d0'], zyzzyva: ['d0'], one: [] });
    step('updated, then to the Trash', () => {
      vault.update('d1', { content: 'changed walrus' });
      vault.delete('d1');
    }, { walrus: [], first: ['d2', 'd3', 'd4', 'd5', 'd6', 'd7'] });
    step('to the Trash and back', () => {
      vault.delete('d2');
      vault.undelete('d2');
    }, { first: ['d2', 'd3', 'd4', 'd5', 'd6', 'd7'] });
    step('back from the Trash after an index flush', () => {
      vault.delete('d3');
      vault.indexSearch();
      vault.undelete('d3');
    }, { first: ['d2', 'd3', 'd4', 'd5', 'd6', 'd7'] });
    step('restored to an old version', () => {
      vault.restore('d0', 1);
    }, { zyzzyva: [], first: ['d0', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'] });
    // Purges: the purged version's entry leaves the index in the purge's own commit, queued or not.
    step('a queued live document purged', () => {
      vault.update('d4', { content: 'narwhal' });
      vault.purge('d4');
    }, { narwhal: [], first: ['d0', 'd2', 'd3', 'd5', 'd6', 'd7'] });
    step('a trashed document purged, its move to the Trash not yet indexed', () => {
      vault.delete('d5');
      vault.purge('d5');
    }, { first: ['d0', 'd2', 'd3', 'd6', 'd7'] });
    step('bulk put and bulk delete', () => {
      vault.bulkPut([{ id: 'd6', content: 'pelican' }, { id: 'n1', content: 'pelican new' }]);
      vault.bulkDelete(['d7']);
    }, { pelican: ['d6', 'n1'], first: ['d0', 'd2', 'd3'] });
    // A purge whose entry is the indexed one, after a flush, is out of the index at once.
    vault.indexSearch();
    vault.purge('d1');
    vault.purge('n1');
    expect(rawHits(raw, 'pelican')).toEqual(['d6']);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('inside a transaction a search sees its own writes; a rollback puts the queue back with them', () => {
    const { vault, raw } = plainVault();
    vault.create({ id: 'keep', content: 'stable' });
    vault.indexSearch();
    expect(() =>
      vault.transaction(() => {
        vault.update('keep', { content: 'transient' });
        expect(hits(vault, 'transient')).toEqual(['keep']);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(queued(raw)).toBe(0);
    expect(rawHits(raw, 'stable')).toEqual(['keep']);
    expect(rawHits(raw, 'transient')).toEqual([]);
    expect(() => checkSearchIndex(raw)).not.toThrow();
  });

  it('the writer indexes the queue once idle, in steps, then merges and checkpoints', async () => {
    const { vault, raw } = plainVault({ idleCheckpointMs: 20 });
    const n = FLUSH_STEP_DOCS * 2 + 10;
    vault.bulkCreate(Array.from({ length: n }, (_, i) => ({ id: `d${i}`, content: `idle words ${i}` })));
    expect(queued(raw)).toBe(n);
    await waitFor('the idle writer indexes the queue', () => queued(raw) === 0);
    expect(entries(raw)).toBe(n);
    expect(rawHits(raw, 'idle')).toHaveLength(n);
    expect(() => checkSearchIndex(raw)).not.toThrow();
  });

  it('past its bound a commit is followed by a flush down below it; the rest waits', () => {
    const { vault, raw } = plainVault();
    const docs = Array.from({ length: QUEUE_BOUND + 10 }, (_, i) => ({ id: `d${i}`, content: `bound ${i}` }));
    vault.bulkCreate(docs.slice(0, QUEUE_BOUND - 1));
    expect(queued(raw)).toBe(QUEUE_BOUND - 1);
    vault.bulkCreate(docs.slice(QUEUE_BOUND - 1));
    expect(queued(raw)).toBe(QUEUE_BOUND - FLUSH_STEP_DOCS * 4);
    expect(entries(raw)).toBe(docs.length - queued(raw));
    expect(() => checkSearchIndex(raw)).not.toThrow();
  });

  it('close indexes everything queued, whatever its budget for merges', () => {
    const { vault, raw } = plainVault({ closeWorkMs: 0 });
    vault.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ id: `d${i}`, content: `closing ${i}` })));
    expect(queued(raw)).toBe(50);
    vault.close();
    expect(queued(raw)).toBe(0);
    expect(rawHits(raw, 'closing')).toHaveLength(50);
  });

  it('a read-only connection answers as of the last flush, and its verify says what it left', () => {
    const { vault, path, raw } = plainVault();
    vault.create({ id: 'old', content: 'heron' });
    vault.indexSearch();
    vault.update('old', { content: 'egret' });
    vault.create({ id: 'new', content: 'egret too' });
    const reader = Vault.openSync(path, { key: { encryption: false }, readonly: true });
    cleanups.unshift(() => reader.close());
    // The index still holds old's first version, and nothing of new.
    expect(hits(reader, 'heron')).toEqual(['old']);
    expect(hits(reader, 'egret')).toEqual([]);
    const r = reader.verify();
    expect(r).toMatchObject({ ok: true, problems: [] });
    expect(r.skipped).toMatch(/search index against the documents: 2 document\(s\) were waiting to be indexed/);
    vault.indexSearch();
    reader.refresh();
    expect(hits(reader, 'heron')).toEqual([]);
    expect(hits(reader, 'egret')).toEqual(['new', 'old']);
    const after = reader.verify();
    expect(after).toMatchObject({ ok: true, problems: [] });
    expect(after.skipped ?? '').not.toMatch(/waiting to be indexed/);
    expect(queued(raw)).toBe(0);
  });

  it('a verify on the writer indexes the queue first and compares the index', () => {
    const { vault, raw } = plainVault();
    vault.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, content: `verified ${i}` })));
    expect(queued(raw)).toBe(20);
    const r = vault.verify();
    expect(r).toMatchObject({ ok: true, problems: [] });
    expect(r.skipped ?? '').not.toMatch(/waiting to be indexed/);
    expect(queued(raw)).toBe(0);
    // An entry taken out behind its back is found (the comparison ran).
    raw.prepare("INSERT INTO search_index (search_index, rowid, title, content, facets) SELECT 'delete', doc, title, content, facets FROM search_source WHERE doc = (SELECT doc FROM documents WHERE id = 'd3')").run();
    vault.refresh();
    const problems = vault.verify().problems;
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'Index', index: 'search_index', message: expect.stringMatching(/1 live document\(s\) not indexed/) }));
    expect(problems.every((p) => p.kind === 'Index')).toBe(true);
  });

  it('a flush the write lock holds up throws and changes nothing: the queue waits, and the next flush indexes it', () => {
    const { vault, raw } = plainVault();
    vault.create({ id: 'a', content: 'osprey' });
    vault.indexSearch();
    vault.update('a', { content: 'kestrel' });
    const db = new Database(raw.name, { fileMustExist: true });
    cleanups.unshift(() => db.close());
    db.pragma('busy_timeout = 0');
    const queue = new SearchQueue(asWritable(db));
    raw.exec('BEGIN IMMEDIATE');
    expect(() => queue.flush(FLUSH_STEP_DOCS)).toThrow(/locked|busy/i);
    raw.exec('COMMIT');
    expect(queued(raw)).toBe(1);
    expect(rawHits(raw, 'osprey')).toEqual(['a']);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(queue.flush(FLUSH_STEP_DOCS)).toBe(false);
    expect(rawHits(raw, 'kestrel')).toEqual(['a']);
    expect(rawHits(raw, 'osprey')).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('a flush reads only the queued documents: the queue drives every join, no document or version is walked by a range', () => {
    // A version is looked up by its key: the rowid before schema step "versions in append order", its key index since.
    const { vault, raw } = plainVault();
    vault.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ id: `d${i}`, content: `${i}`, tags: ['k'] })));
    vault.indexSearch();
    for (const sql of [...QUEUE_FLUSH_SQL, QUEUE_STRAY_TAGS_SQL]) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(50) as { detail: string }[]).map((r) => r.detail);
      for (const line of plan) expect([sql, line]).not.toEqual([sql, expect.stringMatching(/^(SCAN|SEARCH) (d|v|documents|versions)\b(?!.*(rowid=\?|USING INDEX versions_vid \(vid=\?\)))/)]);
      if (sql.includes('search_queue q')) expect([sql, plan.find((l) => /^(SCAN|SEARCH) (q|d|v)\b/.test(l))]).toEqual([sql, expect.stringMatching(/^SEARCH q /)]);
    }
  });
});
