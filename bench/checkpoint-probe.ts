/**
 * Checkpoints on another thread: does moving the WAL checkpoint off the writer pay? (a profiling aid, issue 12)
 *
 * SQLite3 Multiple Ciphers encrypts at its VFS: a checkpoint reads each WAL frame through it (decrypting
 * it: HMAC-SHA512 check and AES) and writes the page into the vault file through it (encrypting it again),
 * so every page a commit writes costs its crypto three times. `perf` put the checkpoint at 17 % of an update
 * loop's samples and 24 % of a bulk seed's (docs/bench.md, fifteenth session). This probe runs loops of
 * updates, single creates or bulk creates of 1,000 on copies of one seeded 10k realistic vault, each twice:
 * - `inline`: the engine as shipped (the commit that takes the WAL past 4,000 pages checkpoints it);
 * - `thread`: the same, plus a worker thread with its own connection that polls the WAL's size every
 *   `--every` ms and runs `wal_checkpoint(PASSIVE)` when it holds `--from` frames or more, so the writer's own
 *   checkpoint at 4,000 pages finds most frames copied already.
 * A PASSIVE checkpoint never blocks the writer; its fsync of the vault file does share the disk with the
 * writer's. Prints wall µs per document, CPU of all threads per document, and each call's median, p99 and max.
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/checkpoint-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/checkpoint-probe.mjs
 *   node out/probe/checkpoint-probe.mjs [--rounds 2] [--from 2500] [--every 5] [--ops 2000] [--kinds update,save,bulk]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Vault } from '../src/main/storage';
import { freshCopy } from './raw-copy';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    from: { type: 'string', default: '2500' },
    every: { type: 'string', default: '5' },
    ops: { type: 'string', default: '2000' },
    kinds: { type: 'string', default: 'update,save,bulk' },
  },
});
const DOCS = 10_000;
const FRAME = 4096 + 24;
const KEY = randomBytes(32).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'dv-ckpt-'));
const base = join(dir, 'base.dvault');
const copy = join(dir, 'copy.dvault');

/** The checkpointing thread: a stock SQLCipher 4 connection to the copy, polling the WAL's size. */
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.binding);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("cipher = 'sqlcipher'");
db.pragma('legacy = 4');
db.pragma('key = "x\\'' + workerData.key + '\\'"');
db.pragma('cache_size = -256');
let stop = false, runs = 0, seen = -1;
parentPort.on('message', () => { stop = true; });
(function poll() {
  if (stop) { db.close(); parentPort.postMessage(runs); return; }
  const st = statSync(workerData.path + '-wal', { throwIfNoEntry: false });
  const frames = st === undefined ? 0 : Math.floor((st.size - 32) / workerData.frame);
  if (frames >= workerData.from && frames !== seen) {
    try { db.pragma('wal_checkpoint(PASSIVE)'); runs++; } catch {}
    seen = frames;
  }
  setTimeout(poll, workerData.every);
})();
`;

let nextNew = 9_000_000;
let nextUpdate = 0;

function op(v: Vault, kind: string): number {
  if (kind === 'update') {
    const i = (nextUpdate++ * 7919 + 3) % DOCS;
    v.update(docId(i), { content: contentFor(i + nextUpdate * DOCS, 1024) });
    return 1;
  }
  if (kind === 'save') {
    const n = nextNew++;
    v.create(makeDoc(n, 1024, newDocId(n)));
    return 1;
  }
  const bulk = Array.from({ length: 1000 }, () => {
    const n = nextNew++;
    return makeDoc(n, 1024, newDocId(n));
  });
  if (!v.bulkCreate(bulk).committed) throw new Error('a bulk did not commit');
  return bulk.length;
}

async function run(kind: string, threaded: boolean): Promise<string> {
  freshCopy(base, copy);
  const v = Vault.openSync(copy, { key: { rawKey: KEY } });
  const worker = threaded
    ? new Worker(THREAD, {
        eval: true,
        workerData: { binding: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'), path: copy, key: KEY, frame: FRAME, from: Number(values.from), every: Number(values.every) },
      })
    : undefined;
  const calls = kind === 'bulk' ? 8 : Number(values.ops);
  const latencies: number[] = [];
  let docs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const a = performance.now();
    docs += op(v, kind);
    latencies.push(performance.now() - a);
    // The writer's idle checkpoint (250 ms) never fires in this loop; the thread's timer needs no turn of this one.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const walFrames = Math.floor(((statSync(`${copy}-wal`, { throwIfNoEntry: false })?.size ?? 32) - 32) / FRAME);
  let runs = '';
  if (worker !== undefined) {
    const done = new Promise<number>((resolve) => worker.once('message', resolve));
    worker.postMessage('stop');
    runs = `, ${await done} checkpoints on the thread`;
    await worker.terminate();
  }
  v.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] as number).toFixed(2);
  return `${kind.padEnd(6)} ${threaded ? 'thread' : 'inline'}: ${((wall * 1000) / docs).toFixed(0)} µs wall per document, ${((cpu.user + cpu.system) / docs).toFixed(0)} µs CPU (all threads); per call median ${at(0.5)} ms, p99 ${at(0.99)}, max ${at(1)}; WAL at the end ${walFrames} frames${runs}`;
}

async function main(): Promise<void> {
  const seed = Vault.createSync(base, { key: { rawKey: KEY } });
  for (const batch of seedBatches(DOCS, 1024)) seed.bulkCreate(batch);
  seed.close();
  for (let round = 1; round <= Number(values.rounds); round++) {
    console.log(`round ${round}`);
    for (const kind of values.kinds.split(',')) for (const threaded of [false, true]) console.log(`  ${await run(kind, threaded)}`);
  }
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
