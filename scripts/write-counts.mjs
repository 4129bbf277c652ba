#!/usr/bin/env node
// Deterministic write costs per operation (a profiling aid, not a benchmark): runs bench/write-counts.ts
// under strace and prints, per phase, the pwrite64 calls to the -wal file, to the main file, and the
// fdatasync/fsync calls, each divided by the operations of the phase (one WAL frame = 2 pwrites).
//
//   node scripts/write-counts.mjs [--docs 10000] [--ops 200] [--rebuilt] [--optimize] [--only docvault|raw]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    ops: { type: 'string', default: '200' },
    rebuilt: { type: 'boolean', default: false },
    optimize: { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
helpAndExitIfAsked(args, import.meta.url);

const outdir = join(root, 'out/write-counts');
const options = nodeBundleOptions({ 'write-counts': join(root, 'bench/write-counts.ts') }, outdir);
await build(options);
const dir = mkdtempSync(join(tmpdir(), 'dv-counts-'));
try {
  const ops = Number(args.ops);
  const job = { dir, docs: Number(args.docs), ops, rebuilt: args.rebuilt, optimize: args.optimize, only: args.only };
  const trace = join(dir, 'trace');
  execFileSync('strace', ['-f', '-y', '-qq', '-o', trace, '-e', 'trace=pwrite64,fdatasync,fsync,write', process.execPath, join(outdir, 'write-counts.mjs'), JSON.stringify(job)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const rows = [];
  let phase;
  const add = () => phase !== undefined && rows.push(phase);
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    const m = /@@phase ([^\\]+)\\n/.exec(line);
    if (m !== null && line.includes('markers>')) {
      add();
      const name = m[1];
      phase = name === 'end' ? undefined : { name, wal: 0, main: 0, sync: 0 };
      continue;
    }
    if (phase === undefined) continue;
    if (line.includes('pwrite64(')) {
      if (/-wal>/.test(line)) phase.wal++;
      else if (/\.(dvault|db)>/.test(line)) phase.main++;
    } else if (/\b(fdatasync|fsync)\(/.test(line)) phase.sync++;
  }
  add();
  const per = (n, name) => (n / (name.endsWith('bulk') ? 1000 : ops)).toFixed(2);
  console.log('phase              wal-pwrite/op  main-pwrite/op  syncs/op   (bulk: per document)');
  for (const r of rows) console.log(`${r.name.padEnd(18)} ${per(r.wal, r.name).padStart(13)} ${per(r.main, r.name).padStart(15)} ${per(r.sync, r.name).padStart(9)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
