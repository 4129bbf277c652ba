/**
 * A loop of one kind of write, for a native profiler (a profiling aid): seeds `docs` realistic documents
 * into `dir/base.dvault` once (kept for later runs), copies it, then runs `ops` writes of `kind` on the copy
 * and prints wall and process CPU µs per document, then the time to index the documents the loop left in
 * the search queue (what the writer would do once idle, or before a search). Run it under `perf record` (scripts/write-loop.mjs
 * --perf) to see SQLite's and SQLCipher's share, which a V8 profile shows only as one native call.
 * argv: JSON { dir, docs, kind: 'save'|'update'|'tx64'|'group64'|'bulk64'|'bulk1000', ops, walPages?, fts?, search?, idleMerge?, mergePages? }:
 * `walPages` the engine's `walCheckpointPages`; `fts` FTS5 settings (`{ automerge: 8 }`…) written into the
 * copy's search index before it is opened; `search` times the bench's 1,000 search queries after the loop
 * (one warm-up pass, two timed) and prints their median and p90; `idleMerge` holds the writer's idle work off during
 * the loop, then runs and times the search index's merge steps the writer would run once idle (before the search), of
 * `mergePages` pages each (default the engine's). Each call's time is printed as median, p99 and max.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { Vault } from '../src/main/storage';
import { asWritable } from '../src/main/storage/engine/db';
import { MERGE_STEP_PAGES, SearchMerger } from '../src/main/storage/engine/search-merge';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';
import { searchQueries } from './ops';

const job = JSON.parse(process.argv[2] ?? '{}') as {
  dir: string;
  docs: number;
  kind: string;
  ops: number;
  walPages?: number;
  fts?: Record<string, number>;
  search?: boolean;
  idleMerge?: boolean;
  mergePages?: number;
};
/** FTS5 settings `fts` may set (https://sqlite.org/fts5.html#fts5_configuration_options_config_table_). */
const FTS_SETTINGS = new Set(['automerge', 'crisismerge', 'usermerge', 'pgsz', 'hashsize', 'deletemerge']);
const KEY = '7'.repeat(64);
const base = join(job.dir, `base-${job.docs}.dvault`);
const path = join(job.dir, 'loop.dvault');
if (!existsSync(base)) {
  const v = Vault.createSync(base, { key: { rawKey: KEY } });
  for (const batch of seedBatches(job.docs, 1024)) v.bulkCreate(batch);
  v.close();
}
for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
copyFileSync(base, path);
/** A raw connection to the copy (SQLCipher 4 with the test key). */
function openRaw(): Database.Database {
  const raw = new Database(path, { fileMustExist: true });
  raw.pragma("cipher = 'sqlcipher'");
  raw.pragma('legacy = 4');
  raw.pragma(`key = "x'${KEY}'"`);
  return raw;
}
if (job.fts !== undefined) {
  // Opened once first, so a schema step due on the copy (step 15 sets automerge) runs before the settings.
  Vault.openSync(path, { key: { rawKey: KEY } }).close();
  const raw = openRaw();
  for (const [name, value] of Object.entries(job.fts)) {
    if (!FTS_SETTINGS.has(name) || !Number.isSafeInteger(value)) throw new Error(`fts: ${name}=${value} is not an FTS5 setting with a whole number`);
    // FTS5 takes its commands as literals (a bound name fails with "SQL logic error").
    raw.exec(`INSERT INTO search_index (search_index, rank) VALUES ('${name}', ${value})`);
  }
  raw.close();
}
// With idleMerge the writer's own idle work is held off (the loop's merges are timed below instead).
const v = Vault.openSync(path, {
  key: { rawKey: KEY },
  ...(job.walPages === undefined ? {} : { walCheckpointPages: job.walPages }),
  ...(job.idleMerge === true ? { idleCheckpointMs: 3_600_000 } : {}),
});
const fresh = (i: number) => makeDoc(job.docs + i, 1024, newDocId(i));
const per = job.kind === 'tx64' || job.kind === 'group64' || job.kind === 'bulk64' ? 64 : job.kind === 'bulk1000' ? 1000 : 1;
const write: Record<string, (i: number) => void> = {
  save: (i) => void v.create(fresh(i)),
  update: (i) => void v.update(docId((i * 7919 + 3) % job.docs), { content: contentFor(job.docs + i + 500, 1024) }),
  tx64: (i) => v.transaction(() => Array.from({ length: 64 }, (_, j) => v.create(fresh(i * 64 + j)))),
  // The service writer's group commit of 64 creates (no savepoint per write).
  group64: (i) => v.writeGroup(() => Array.from({ length: 64 }, (_, j) => v.create(fresh(i * 64 + j)))),
  bulk64: (i) => void v.bulkCreate(Array.from({ length: 64 }, (_, j) => fresh(i * 64 + j))),
  bulk1000: (i) => void v.bulkCreate(Array.from({ length: 1000 }, (_, j) => fresh(i * 1000 + j))),
};
const run = write[job.kind];
if (run === undefined) throw new Error(`kind: one of ${Object.keys(write).join(', ')}`);
const t0 = performance.now();
const c0 = process.cpuUsage();
const opMs: number[] = [];
for (let i = 0; i < job.ops; i++) {
  const t = performance.now();
  run(i);
  opMs.push(performance.now() - t);
}
const c = process.cpuUsage(c0);
const loopMs = performance.now() - t0;
const n = job.ops * per;
console.log(`${job.kind}: ${((loopMs * 1000) / n).toFixed(0)} µs wall, ${(c.user / n).toFixed(0)} user + ${(c.system / n).toFixed(0)} system µs CPU per document (${n} documents)`);
{
  // The search queue's documents still waiting (engine/search-queue.ts): indexed now, timed, so the work the
  // loop moved out of its commits is counted too.
  const t = performance.now();
  const cq = process.cpuUsage();
  v.indexSearch();
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cq);
  console.log(
    `search queue indexed after the loop: ${ms.toFixed(0)} ms (${((cpu.user + cpu.system) / n).toFixed(0)} µs CPU per document); loop + indexing: ${(((loopMs + ms) * 1000) / n).toFixed(0)} µs wall per document`,
  );
}
opMs.sort((a, b) => a - b);
const opAt = (q: number): string => (opMs[Math.min(opMs.length - 1, Math.floor(opMs.length * q))] ?? 0).toFixed(1);
// The longest calls show a merge or checkpoint paid inside one commit.
console.log(`per call: median ${opAt(0.5)} ms, p99 ${opAt(0.99)} ms, max ${opAt(1)} ms`);
if (job.idleMerge === true) {
  // What the writer does once idle after the loop: merge steps until none is left, timed one by one.
  const raw = openRaw();
  const segments = raw.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck();
  const before = segments.get() as number;
  const pages = job.mergePages ?? MERGE_STEP_PAGES;
  const merger = new SearchMerger(asWritable(raw), pages);
  const steps: number[] = [];
  for (let more = true; more; ) {
    const t = performance.now();
    more = merger.step();
    steps.push(performance.now() - t);
  }
  const total = steps.reduce((a, b) => a + b, 0);
  steps.sort((a, b) => a - b);
  const stepAt = (q: number): string => (steps[Math.min(steps.length - 1, Math.floor(steps.length * q))] ?? 0).toFixed(1);
  console.log(`idle merge: ${steps.length} steps of ${pages} pages in ${(total / 1000).toFixed(2)} s (step median ${stepAt(0.5)} ms, max ${stepAt(1)} ms), segments ${before} → ${segments.get() as number}`);
  raw.close();
}
if (job.search === true) {
  const { queries } = searchQueries(job.docs + (job.kind === 'update' ? 0 : n));
  const times: number[] = [];
  for (let pass = 0; pass < 3; pass++)
    for (const [query, filter] of queries) {
      const t = performance.now();
      v.search({ query, limit: 20, ...filter });
      if (pass > 0) times.push(performance.now() - t);
    }
  times.sort((a, b) => a - b);
  const at = (q: number): string => (times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0).toFixed(2);
  console.log(`search after the loop: median ${at(0.5)} ms, p90 ${at(0.9)} ms (${times.length} queries)`);
}
v.close();
