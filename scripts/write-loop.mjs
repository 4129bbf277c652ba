#!/usr/bin/env node
// A loop of one kind of write for a native profiler (a profiling aid): bundles and runs bench/write-loop.ts.
//   node scripts/write-loop.mjs [--docs 10000] [--kind save|update|tx64|group64|bulk64|bulk1000] [--ops 3000] [--perf]
//     [--wal-pages N] [--fts automerge=8,crisismerge=32] [--search] [--idle-merge [--merge-pages N]]
// --wal-pages sets the engine's walCheckpointPages; --fts writes FTS5 settings into the copy's search index; --search
// times the bench's 1,000 search queries after the loop; --idle-merge times the search index's idle merge steps after the loop
// (the writer's own idle work held off during it). --perf runs it under `perf record -F 2000` and prints `perf report` by symbol (Linux perf must be installed).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './build-node.mjs';
import { helpAndExitIfAsked } from './bench-common.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    kind: { type: 'string', default: 'save' },
    ops: { type: 'string', default: '3000' },
    perf: { type: 'boolean', default: false },
    'wal-pages': { type: 'string' },
    fts: { type: 'string' },
    search: { type: 'boolean', default: false },
    'idle-merge': { type: 'boolean', default: false },
    'merge-pages': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
helpAndExitIfAsked(args, import.meta.url);
const outdir = join(root, 'out/write-counts');
await build(nodeBundleOptions({ 'write-loop': join(root, 'bench/write-loop.ts') }, outdir));
// The seeded vault is kept here between runs (a seed is most of a short run's time).
const dir = join(tmpdir(), 'dv-write-loop');
mkdirSync(dir, { recursive: true });
const fts = args.fts === undefined ? undefined : Object.fromEntries(args.fts.split(',').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
const job = JSON.stringify({
  dir,
  docs: Number(args.docs),
  kind: args.kind,
  ops: Number(args.ops),
  ...(args['wal-pages'] === undefined ? {} : { walPages: Number(args['wal-pages']) }),
  ...(fts === undefined ? {} : { fts }),
  ...(args.search ? { search: true } : {}),
  ...(args['idle-merge'] ? { idleMerge: true } : {}),
  ...(args['merge-pages'] === undefined ? {} : { mergePages: Number(args['merge-pages']) }),
});
const script = join(outdir, 'write-loop.mjs');
if (!args.perf) execFileSync(process.execPath, [script, job], { stdio: 'inherit' });
else {
  // Seed outside the profile first (a run of one write), then profile the loop.
  execFileSync(process.execPath, [script, JSON.stringify({ ...JSON.parse(job), ops: 1 })], { stdio: 'ignore' });
  const data = join(dir, 'perf.data');
  execFileSync('perf', ['record', '-q', '-o', data, '-F', '2000', process.execPath, script, job], { stdio: 'inherit' });
  const report = execFileSync('perf', ['report', '-i', data, '--no-children', '--sort', 'dso,sym', '--stdio'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  process.stdout.write(`${report.split('\n').filter((l) => l !== '' && !l.startsWith('#')).slice(0, 40).join('\n')}\n`);
}
