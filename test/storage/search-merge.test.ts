/**
 * The search index merged at idle (engine/search-merge.ts, schema step "search merges at idle"): commits
 * never merge (FTS5's automerge is 0 in the vault), so segments pile up while the writer is busy, bounded
 * by FTS5's crisis merges; once the writer is idle its merge steps bring them down, the index stays exact,
 * and searches find what they found before. A merge step that another connection's write lock holds up
 * fails quietly and is retried.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Vault } from '../../src/main/storage';
import { IdleCheckpointer } from '../../src/main/storage/engine/checkpoint';
import { BUSY_MERGE_MS, SearchMerger } from '../../src/main/storage/engine/search-merge';
import { asWritable } from '../../src/main/storage/engine/db';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { tempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0)) c();
});

function plainVault(idleCheckpointMs: number): { vault: Vault; path: string } {
  const { dir, cleanup } = tempDir('docvault-merge-');
  const path = join(dir, 'plain.dvault');
  Vault.createSync(path, { key: { encryption: false } }).close();
  const vault = Vault.openSync(path, { key: { encryption: false }, idleCheckpointMs });
  cleanups.push(() => {
    if (vault.isOpen) vault.close();
    cleanup();
  });
  return { vault, path };
}

/** A second connection to the plain vault, closed after the test. */
function rawOf(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  cleanups.unshift(() => db.close());
  return db;
}

/** Segments of the index (FTS5 keeps one row per segment and leaf range in its `_idx` table). */
const segments = (db: Database.Database): number => db.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get() as number;

const WORDS = ['ledger', 'invoice', 'garden', 'harbour', 'violin', 'quarry', 'meadow', 'saffron'];
const doc = (i: number) => ({
  id: `d${i}`,
  title: `${WORDS[i % 8]} note ${i}`,
  content: `${WORDS[(i * 3) % 8]} ${WORDS[(i * 5) % 8]} entry ${i} ${'filler '.repeat(i % 7)}`,
  type: 'note',
});
/**
 * A write indexed at once: the writer's flush of its search queue (engine/search-queue.ts) is a commit of its
 * own with a segment of its own, as each write's commit had before the queue.
 */
function indexed(v: Vault, write: (v: Vault) => void): void {
  write(v);
  v.indexSearch();
}
const hits = (v: Vault, query: string) => v.search({ query, limit: 1000, rankAll: true }).items.map((h) => h.id).sort();

describe('search merges at idle', () => {
  it('are off in commits, bounded by crisis merges while busy, and done once idle: the index exact, the same hits', async () => {
    // The loop below is synchronous: no timer fires inside it, so the writer is busy throughout.
    const { vault, path } = plainVault(50);
    const raw = rawOf(path);
    expect(raw.prepare("SELECT v FROM search_index_config WHERE k = 'automerge'").pluck().get()).toBe(0);
    for (let i = 0; i < 40; i++) indexed(vault, (v) => v.create(doc(i)));
    indexed(vault, (v) => v.update('d3', { content: 'saffron replaced' }));
    indexed(vault, (v) => v.delete('d4'));
    const busy = segments(raw);
    // One segment per commit, a crisis merge of level 0 at 16: more than FTS5's automerge 4 leaves (<= 3 per level), fewer than 42.
    expect(busy).toBeGreaterThan(6);
    expect(busy).toBeLessThan(16);
    const before = Object.fromEntries(WORDS.map((w) => [w, hits(vault, w)]));
    expect(before.saffron).toContain('d3');
    expect(before.ledger).not.toContain('d4');
    // Idle now: the writer's merge steps run on its timer.
    await waitFor('the idle writer merges the segments', () => segments(raw) <= 4);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    expect(Object.fromEntries(WORDS.map((w) => [w, hits(vault, w)]))).toEqual(before);
    expect(vault.verify().ok).toBe(true);
  });

  it('run at close too: a writer that opens, writes and closes within its idle time (as the CLI does) leaves a merged index', () => {
    const { vault, path } = plainVault(60_000);
    vault.close();
    const raw = rawOf(path);
    let most = 0;
    for (let i = 0; i < 40; i++) {
      const v = Vault.openSync(path, { key: { encryption: false }, idleCheckpointMs: 60_000 });
      v.create(doc(i));
      most = Math.max(most, segments(raw));
      v.close();
    }
    // A level's fourth segment is merged by the next close: never more than 4 before one, fewer after.
    expect(most).toBeLessThanOrEqual(4);
    expect(segments(raw)).toBeLessThanOrEqual(3);
    expect(() => checkSearchIndex(raw)).not.toThrow();
    const v = Vault.openSync(path, { key: { encryption: false } });
    cleanups.unshift(() => v.close());
    expect(hits(v, 'ledger')).toEqual(['d0', 'd16', 'd24', 'd32', 'd8']);
  });

  it('run at close for closeWorkMs only: 0 leaves the segments for the next writer', () => {
    const { vault, path } = plainVault(60_000);
    vault.close();
    const raw = rawOf(path);
    const v = Vault.openSync(path, { key: { encryption: false }, idleCheckpointMs: 60_000, closeWorkMs: 0 });
    for (let i = 0; i < 12; i++) indexed(v, (w) => w.create(doc(i)));
    const left = segments(raw);
    expect(left).toBeGreaterThan(4);
    v.close();
    expect(segments(raw)).toBe(left);
    // The next writer's close (default budget) merges them.
    Vault.openSync(path, { key: { encryption: false }, idleCheckpointMs: 60_000 }).close();
    expect(segments(raw)).toBeLessThanOrEqual(3);
  });

  it('step until nothing is left, then report no work; a write lock held elsewhere makes a step throw and keeps the work pending', () => {
    const { vault, path } = plainVault(60_000);
    // Texts of many distinct words: segments of several pages each.
    for (let i = 0; i < 30; i++) indexed(vault, (v) => v.create({ ...doc(i), content: Array.from({ length: 400 }, (_, j) => `w${i}x${j}`).join(' ') }));
    // Kept open (its idle time is long) so its close does not merge them first.
    const db = new Database(path, { fileMustExist: true });
    cleanups.unshift(() => db.close());
    db.pragma('busy_timeout = 0');
    const merger = new SearchMerger(asWritable(db), 2);
    const other = rawOf(path);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    expect(() => merger.step()).toThrow(/locked|busy/i);
    expect(merger.pending).toBe(true);
    other.exec('COMMIT');
    const start = segments(db);
    let steps = 0;
    while (merger.step()) steps++;
    // Two pages a step: more than one step, and fewer segments at the end.
    expect(steps).toBeGreaterThan(1);
    expect(segments(db)).toBeLessThan(start);
    expect(merger.pending).toBe(false);
    // Nothing left: a step does nothing (and no step runs until a commit says there may be work).
    const after = segments(db);
    expect(merger.step()).toBe(false);
    expect(segments(db)).toBe(after);
    merger.touched();
    expect(merger.pending).toBe(true);
    expect(merger.step()).toBe(false);
    expect(() => checkSearchIndex(db)).not.toThrow();
  });

  it('let commits merge again once the writer has been busy for BUSY_MERGE_MS between transactions, until its next idle time (fake timers)', () => {
    vi.useFakeTimers();
    const { vault, path } = plainVault(60_000);
    vault.close();
    const db = rawOf(path);
    const automerge = () => db.prepare("SELECT v FROM search_index_config WHERE k = 'automerge'").pluck().get();
    const add = db.prepare('INSERT INTO search_index (rowid, title, content, facets) VALUES (?, ?, ?, ?)');
    let clock = 0;
    const idle = new IdleCheckpointer(asWritable(db), 100, () => clock, new SearchMerger(asWritable(db)));
    cleanups.unshift(() => idle.close());
    // A commit every 50 ms: never idle for 100 ms.
    let i = 0;
    const busyFor = (ms: number) => {
      for (const end = clock + ms; clock < end; ) {
        add.run(++i, `title ${i}`, `word${i} common`, '');
        idle.touched();
        clock += 50;
        vi.advanceTimersByTime(50);
      }
    };
    busyFor(BUSY_MERGE_MS - 100);
    expect(automerge()).toBe(0);
    busyFor(200);
    expect(automerge()).toBe(4);
    // Commits merge now: the segments stay few however long it stays busy.
    busyFor(3000);
    expect(db.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get()).toBeLessThanOrEqual(8);
    // Idle: the steps run, then automerge goes back to 0.
    clock += 100;
    vi.advanceTimersByTime(100);
    for (let n = 0; n < 100 && vi.getTimerCount() > 0; n++) vi.advanceTimersToNextTimer();
    expect(automerge()).toBe(0);
    expect(db.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get()).toBeLessThanOrEqual(3);
    // A new busy time starts the count again.
    busyFor(BUSY_MERGE_MS - 100);
    expect(automerge()).toBe(0);
  });
});
