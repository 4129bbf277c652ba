/**
 * The search trial's queries timed by kind (a profiling aid, not the benchmark: see bench/run.ts).
 *
 *   npx esbuild bench/search-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/search-probe.mjs
 *   node out/probe/search-probe.mjs --dir /tmp/search-100k [--docs 100000] [--passes 2] [--window N] [--rank-all]
 *
 * Seeds `--dir` once with the bench's documents (the docvault driver's seed, 1 KB each) and reuses it after,
 * so two builds of this probe can be compared on one vault, interleaved (A, B, A, B…). Each pass runs the
 * 1,000 queries of the trial (bench/ops.ts `searchQueries`) after one untimed warm-up pass, and prints the
 * median ms (wall and CPU) of each of the 8 kinds and of all of them, as JSON on one line. `--window` and `--rank-all`
 * reach the engine as `searchRankWindow` and `rankAll` (a build before them ignores both).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Vault, type VaultOptions } from '../src/main/storage';
import { docvaultDriver } from './drivers/docvault';
import { searchQueries } from './ops';
import type { StoreManifest } from './types';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    docs: { type: 'string', default: '100000' },
    passes: { type: 'string', default: '2' },
    window: { type: 'string' },
    'rank-all': { type: 'boolean', default: false },
  },
});
if (values.dir === undefined) throw new Error('--dir is required');
const dir = values.dir;
const docs = Number(values.docs);
const passes = Number(values.passes);
const manifestPath = join(dir, 'manifest.json');

if (!existsSync(manifestPath)) {
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const m = await docvaultDriver.seed(dir, 'docs', { docs, docBytes: 1024 });
  writeFileSync(manifestPath, JSON.stringify(m));
  process.stderr.write(`seeded ${docs} documents in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as StoreManifest;
if (manifest.rawKey === undefined) throw new Error('the manifest has no raw key');
// A build before the window ignores the option; the cast keeps this probe compiling against both.
const opts = { key: { rawKey: manifest.rawKey }, ...(values.window === undefined ? {} : { searchRankWindow: Number(values.window) }) } as VaultOptions;
const vault = Vault.openSync(join(dir, 'bench.dvault'), opts);
const { queries } = searchQueries(manifest.docs);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

// Wall time and this process's CPU time per query: on a shared machine the CPU time is the steadier
// measure of the work (the probe is one synchronous thread, so its CPU time is the query's).
const byKind: number[][] = Array.from({ length: 8 }, () => []);
const cpuByKind: number[][] = Array.from({ length: 8 }, () => []);
const all: number[] = [];
const cpuAll: number[] = [];
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let windowed = 0;
for (let pass = 0; pass <= passes; pass++) {
  for (const [query, filter, kind] of queries) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const page = vault.search({ query, limit: 20, ...filter, ...(values['rank-all'] ? { rankAll: true } : {}) });
    const ms = performance.now() - t0;
    const cpu = cpuMs() - c0;
    if (pass === 0) {
      if ((page as { ranking?: unknown }).ranking !== undefined) windowed++;
      continue;
    }
    byKind[kind]?.push(ms);
    all.push(ms);
    cpuByKind[kind]?.push(cpu);
    cpuAll.push(cpu);
  }
}
vault.close();
const round = (x: number): number => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    docs: manifest.docs,
    passes,
    windowedQueries: windowed,
    medianMs: round(median(all)),
    byKindMs: byKind.map((xs) => round(median(xs))),
    cpuMedianMs: round(median(cpuAll)),
    cpuByKindMs: cpuByKind.map((xs) => round(median(xs))),
  }),
);
