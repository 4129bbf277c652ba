/**
 * A quick probe of the StorageService against its targets (not the benchmark: see bench/run.ts for that).
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/service-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/service-probe.mjs
 *   node out/probe/service-probe.mjs [--docs 10000] [--seconds 3] [--durability full|normal] [--readers N]
 *
 * Prints one line per measurement and a JSON summary. Machines here are shared: run it more than once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { StorageService, type ServiceOptions } from '../src/main/storage';
import type { DocumentInput } from '../src/shared/types';
import { prng } from './data';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    bytes: { type: 'string', default: '1024' },
    seconds: { type: 'string', default: '3' },
    durability: { type: 'string', default: 'full' },
    readers: { type: 'string' },
    only: { type: 'string' },
    'commits-in-flight': { type: 'string' },
    'read-batch': { type: 'string' },
  },
});
const DOCS = Number(values.docs);
const BYTES = Number(values.bytes);
const SECONDS = Number(values.seconds);
const durability = values.durability === 'normal' ? 'normal' : 'full';
const only = values.only?.split(',');
const want = (name: string): boolean => only === undefined || only.includes(name);

const filler = 'lorem ipsum dolor sit amet vault document version integrity cipher page ledger record '.repeat(Math.ceil(BYTES / 80) + 1);
function doc(id: string, n: number): DocumentInput {
  return { id, title: `Document ${n}`, type: 'note', tags: ['probe'], content: (n + ' ' + filler).slice(0, BYTES) };
}

/** Runs `callers` closed loops of `op` for `seconds`; returns ops/s and the event-loop delay p99 meanwhile. */
async function closedLoop(callers: number, seconds: number, op: (caller: number, n: number) => Promise<unknown>): Promise<{ opsPerSec: number; loopP99Ms: number; loopMaxMs: number }> {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      for (let n = 0; performance.now() < deadline; n++) {
        await op(c, n);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  eld.disable();
  return { opsPerSec: Math.round(count / elapsed), loopP99Ms: eld.percentile(99) / 1e6, loopMaxMs: eld.max / 1e6 };
}

/** One caller, tight loop (how the benchmark's get-hot awaits an async driver). */
async function tightLoop(seconds: number, op: (n: number) => Promise<unknown>): Promise<number> {
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) await op(count++);
  }
  return Math.round(count / ((performance.now() - t0) / 1000));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docvault-probe-'));
  const path = join(dir, 'probe.dvault');
  const rawKey = randomBytes(32).toString('hex');
  const base: ServiceOptions = { key: { rawKey }, durability, ...(values.readers !== undefined ? { readers: Number(values.readers) } : {}),
    ...(values['commits-in-flight'] !== undefined ? { maxCommitsInFlight: Number(values['commits-in-flight']) } : {}),
    ...(values['read-batch'] !== undefined ? { maxReadBatch: Number(values['read-batch']) } : {}),
  };
  const results: Record<string, unknown> = { docs: DOCS, bytes: BYTES, seconds: SECONDS, durability };
  try {
    let s = await StorageService.create(path, base);
    const t0 = performance.now();
    for (let i = 0; i < DOCS; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, DOCS - i) }, (_, k) => doc(`d-${i + k}`, i + k));
      const r = await s.bulkCreate(batch);
      if (!r.committed) throw new Error('seed failed');
    }
    console.log(`seeded ${DOCS} × ${BYTES} B in ${((performance.now() - t0) / 1000).toFixed(1)} s; readers ${s.readers}`);

    if (want('save-concurrent')) {
      const r = await closedLoop(64, SECONDS, (c, n) => s.create(doc(`new-${c}-${n}`, n)));
      const g = (await s.stats()).service.groupCommit;
      results['save-concurrent'] = { ...r, groupCommit: { meanSize: g.meanSize, p50Size: g.p50Size, maxSize: g.maxSize, p50CommitMs: g.p50CommitMs } };
      console.log(`save-concurrent (64 callers, durability ${durability}): ${r.opsPerSec} saves/s; group p50 ${g.p50Size}, mean ${g.meanSize}, max ${g.maxSize}; commit p50 ${g.p50CommitMs} ms; loop p99 ${r.loopP99Ms.toFixed(1)} ms`);
    }

    if (want('get-hot')) {
      const ids = Array.from({ length: 1000 }, (_, i) => `d-${(i * 7919) % DOCS}`);
      for (const id of ids) await s.get(id);
      const rate = await tightLoop(Math.min(2, SECONDS), (n) => s.get(ids[n % 1000] as string));
      results['get-hot'] = { opsPerSec: rate };
      console.log(`get-hot (1 caller, 1,000-id working set, main-thread cache): ${rate} gets/s`);
    }
    await s.close();

    // get-cold: a document cache far below the data, ids uniform over every document.
    s = await StorageService.open(path, { ...base, tuning: { cacheEntries: 1000, cacheBytes: 2 * 1024 * 1024 } });
    if (want('get-cold')) {
      const rnd = prng(12345);
      const next = (): string => `d-${Math.floor(rnd() * DOCS)}`;
      for (const callers of [1, 64]) {
        const r = await closedLoop(callers, SECONDS, () => s.get(next()));
        results[`get-cold-${callers}`] = r;
        console.log(`get-cold (${callers} callers, small cache, ${s.readers} readers): ${r.opsPerSec} gets/s; loop p99 ${r.loopP99Ms.toFixed(1)} ms`);
      }
      const st = await s.stats();
      console.log(`  reader load: ${st.service.workers.filter((w) => w.role === 'reader').map((w) => `${w.name} ${w.completed} calls / ${Math.round(w.busyMs)} ms busy`).join(', ')}`);
    }

    if (want('mixed')) {
      // Full load: 64 writers and 64 cold readers at once; what the main thread's event loop feels.
      const rnd = prng(777);
      const r = await closedLoop(128, SECONDS, (c, n) => {
        if (c < 64) return s.update(`d-${(c * 131 + n) % DOCS}`, { content: `mixed ${c} ${n} ${filler}`.slice(0, BYTES) });
        return s.get(`d-${Math.floor(rnd() * DOCS)}`);
      });
      results['mixed'] = r;
      const st = await s.stats();
      console.log(
        `mixed (64 updaters + 64 cold readers): ${r.opsPerSec} ops/s; main event-loop delay p99 ${r.loopP99Ms.toFixed(1)} ms, max ${r.loopMaxMs.toFixed(1)} ms (service since open: p99 ${st.service.eventLoopDelayMs.p99} ms)`,
      );
    }
    const report = await s.verify();
    console.log(`verify: ${report.ok ? 'ok' : 'PROBLEMS'} (${report.documents} documents, ${report.versions} versions)`);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(results));
}

await main();
