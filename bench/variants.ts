/**
 * Lever experiments (a profiling aid): seeds one vault, then for each variant copies it, applies the
 * variant's SQL on a raw connection, and times update / save / bulk(1000) through the engine, with WAL
 * frames per op from the -wal file (autocheckpoint off on a side connection is not possible for the
 * engine's own connection, so frames are counted as WAL growth with few enough ops). Times are process CPU
 * time (user + system, median), steadier than wall time on a shared machine.
 *
 * A variant with `deferred` models a search index kept outside the write's commit: its triggers are dropped,
 * and after each phase the entries of the documents that phase wrote are replaced in one transaction on the
 * side connection (the old version's entry deleted, the current one's inserted), as a queue flushed in
 * batches would. The flush's CPU and frames are reported apart and amortised per op, and FTS5's
 * integrity-check must pass at the end (else the model is wrong and the line says so). A variant with
 * `queue` (`base`: as shipped since schema step "search queue", which made the seventh session's prototype
 * real) times the writer's own flush (`indexSearch`) the same way, and runs the queue through every write path
 * with FTS5's check after each.
 * argv: JSON { dir, docs, variants?: name[] (default: all), cacheKiB? }.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { facetsOf } from '../src/main/storage/search-facets';
import { SEARCH_MARK_KEY } from '../src/main/storage/search-mark-schema';
import { SEARCH_SEQ_KEY } from '../src/main/storage/search-seq-schema';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';

/**
 * The search queue's three triggers (schema step "search queue"), the search mark (step "search mark") and the
 * sequence mark (step "updates wait past a sequence mark"): without them nothing is queued or indexed (a mark
 * row removed reads as past every document, so none waits after it; the sequence mark's, as past every version).
 */
const NO_FTS = `DROP TRIGGER search_queue_ad; DROP TRIGGER search_queue_trash; DROP TRIGGER search_queue_undelete;
  DELETE FROM counters WHERE key IN ('${SEARCH_MARK_KEY}', '${SEARCH_SEQ_KEY}');`;
const fts = (option: string, value: number): string => `INSERT INTO search_index (search_index, rank) VALUES ('${option}', ${value});`;

/** The levers, each SQL run once on a copy of the seeded vault (schema as shipped: the search index has its facet column). */
const VARIANTS: Record<string, { readonly sql: string; readonly deferred?: true; readonly queue?: true }> = {
  // As shipped: writes queue their documents; the flush is the writer's own (`indexSearch`), timed per phase.
  base: { sql: '', queue: true },
  'no-fts': { sql: NO_FTS },
  'fts-deferred': { sql: NO_FTS, deferred: true },
  'fts-automerge0': { sql: fts('automerge', 0) },
  'fts-automerge2': { sql: fts('automerge', 2) },
  'fts-automerge8': { sql: fts('automerge', 8) },
  'fts-automerge16': { sql: fts('automerge', 16) + fts('crisismerge', 32) },
  'fts-pgsz8000': { sql: fts('pgsz', 8000) },
  'fts-hashsize4m': { sql: fts('hashsize', 4 * 1048576) },
  'fts-hashsize16m': { sql: fts('hashsize', 16 * 1048576) },
  'fts-optimize': { sql: "INSERT INTO search_index (search_index) VALUES ('optimize');" },
  rebuilt: { sql: "INSERT INTO search_index (search_index) VALUES ('rebuild');" },
};

const job = JSON.parse(process.argv[2] ?? '{}') as { dir: string; docs: number; variants?: string[]; cacheKiB?: number };
const KEY = '7'.repeat(64);
const base = join(job.dir, 'base.dvault');

function rawDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${KEY}'"`);
  return db;
}
{
  const v = Vault.createSync(base, { key: { rawKey: KEY } });
  for (const batch of seedBatches(job.docs, 1024)) v.bulkCreate(batch);
  v.close();
}
function frames(path: string): number {
  const wal = readFileSync(`${path}-wal`);
  if (wal.length < 32) return 0;
  const ps = wal.readUInt32BE(8);
  const salt = wal.readUInt32BE(16);
  let n = 0;
  for (let off = 32; off + 24 + ps <= wal.length; off += 24 + ps) {
    if (wal.readUInt32BE(off + 8) !== salt) break;
    n++;
  }
  return n;
}
/** The queue's flush as a phase's flush: the writer's own (the ids are the queue's). */
function queueFlusher(v: Vault): (ids: readonly string[]) => void {
  return () => v.indexSearch();
}

/**
 * The queue through the other write paths: updates twice before a flush, to the Trash, back, purged (live and
 * trashed, flushed or not), each followed by FTS5's integrity-check with the queue waiting and after a flush,
 * and a search for a word only the newest version has.
 */
function queueCases(v: Vault, db: Database.Database): string {
  const flush = queueFlusher(v);
  const problems: string[] = [];
  const step = (label: string, fn: () => void): void => {
    fn();
    for (const when of ['queued', 'flushed']) {
      if (when === 'flushed') flush([]);
      const c = checked(db);
      if (c !== ' [index exact]') problems.push(`${label} (${when}):${c}`);
    }
  };
  const ids = [docId(11), docId(12), docId(13), docId(14)];
  step('updated twice', () => {
    v.update(ids[0] as string, { content: 'zyzzyva one' });
    v.update(ids[0] as string, { content: 'zyzzyva quokka two' });
  });
  const hits = (word: string): number => db.prepare('SELECT count(*) FROM search_index WHERE search_index MATCH ?').pluck().get(word) as number;
  if (hits('quokka') !== 1 || hits('zyzzyva') !== 1) problems.push(`search after flush: quokka ${hits('quokka')}, zyzzyva ${hits('zyzzyva')}`);
  step('updated, then to the Trash', () => {
    v.update(ids[1] as string, { content: 'changed' });
    v.delete(ids[1] as string);
  });
  step('to the Trash and back', () => {
    v.delete(ids[2] as string);
    v.undelete(ids[2] as string);
  });
  step('updated, then purged', () => {
    v.update(ids[3] as string, { content: 'about to go' });
    v.purge(ids[3] as string);
  });
  step('a trashed one purged', () => v.purge(ids[1] as string));
  step('a live one purged', () => v.purge(ids[2] as string));
  return problems.length === 0 ? ' [queue cases exact]' : ` [QUEUE CASES: ${problems.join('; ')}]`;
}

/** FTS5's own check of the index against its documents: the deferred model must leave it exact. */
function checked(db: Database.Database): string {
  try {
    db.exec("INSERT INTO search_index (search_index) VALUES ('integrity-check')");
    return ' [index exact]';
  } catch (err) {
    return ` [INDEX NOT EXACT: ${(err as Error).message}]`;
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
/** The deferred index's flush: the entries of `ids` (written since the last flush, each once) replaced in one transaction. */
function flusher(db: Database.Database): (ids: readonly string[]) => void {
  const ofIds = "d.id IN (SELECT value FROM json_each(?))";
  const del = db.prepare(`INSERT INTO search_index (search_index, rowid, title, content, facets)
    SELECT 'delete', v.vid, v.title, v.content, ${facetsOf('v')} FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version - 1
    WHERE ${ofIds} AND d.version > 1 AND d.trashed_at IS NULL`);
  const ins = db.prepare(`INSERT INTO search_index (rowid, title, content, facets)
    SELECT v.vid, v.title, v.content, ${facetsOf('v')} FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version
    WHERE ${ofIds} AND d.trashed_at IS NULL`);
  return db.transaction((ids: readonly string[]) => {
    const list = JSON.stringify(ids);
    del.run(list);
    ins.run(list);
  });
}

for (const name of job.variants ?? Object.keys(VARIANTS)) {
  const variant = VARIANTS[name];
  if (variant === undefined) throw new Error(`no variant "${name}": ${Object.keys(VARIANTS).join(', ')}`);
  const sql = variant.sql;
  const path = join(job.dir, `v-${name.replace(/\W/g, '_')}.dvault`);
  copyFileSync(base, path);
  if (sql !== '') {
    const db = rawDb(path);
    db.exec(sql);
    db.close();
  }
  const v = Vault.openSync(path, { key: { rawKey: KEY }, ...(job.cacheKiB !== undefined ? { tuning: { sqliteCacheKiB: job.cacheKiB } } : {}) });
  const side = rawDb(path);
  const flush = variant.deferred === true ? flusher(side) : variant.queue === true ? queueFlusher(v) : undefined;
  const out: string[] = [];
  /** Runs `n` ops of `per` documents each; `fn` returns the ids it wrote (for the deferred flush). */
  const phase = (label: string, n: number, per: number, fn: (i: number) => string[]): void => {
    side.pragma('wal_checkpoint(TRUNCATE)');
    const times: number[] = [];
    const written: string[] = [];
    for (let i = 0; i < n; i++) {
      const u0 = process.cpuUsage();
      written.push(...fn(i));
      const u = process.cpuUsage(u0);
      times.push(u.user + u.system);
    }
    const ops = n * per;
    let line = `${label} ${(frames(path) / ops).toFixed(2)} fr, ${(median(times) / per).toFixed(0)} µs cpu`;
    if (flush !== undefined) {
      const before = frames(path);
      const u0 = process.cpuUsage();
      flush(written);
      const u = process.cpuUsage(u0);
      line += ` + flush ${((frames(path) - before) / ops).toFixed(2)} fr, ${((u.user + u.system) / ops).toFixed(0)} µs`;
    }
    out.push(line);
  };
  let k = 0;
  phase('update', 30, 1, (i) => [v.update(docId((i * 7919 + 3) % job.docs), { content: contentFor(job.docs + i + 500, 1024) }).id]);
  phase('save', 30, 1, (i) => [v.create(makeDoc(job.docs + i, 1024, newDocId(i))).id]);
  const bulk = (first: number): string[] => {
    const r = v.bulkCreate(Array.from({ length: 1000 }, (_, i) => makeDoc(first + i, 1024, newDocId(first + i))));
    k += 1000;
    return r.items.map((x) => x.id);
  };
  phase('bulk', 1, 1000, () => bulk(job.docs + 10_000 + k));
  phase('bulk2', 3, 1000, () => bulk(job.docs + 20_000 + k));
  let check = flush === undefined ? '' : checked(side);
  if (variant.queue === true) check += queueCases(v, side);
  console.log(`${name.padEnd(22)} ${out.join(' | ')}  (${(statSync(path).size / 1048576).toFixed(1)} MB)${check}`);
  side.close();
  v.close();
}
