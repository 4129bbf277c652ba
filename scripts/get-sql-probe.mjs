#!/usr/bin/env node
// A cold get's SQL, part by part (a profiling aid): bundles and runs bench/get-sql-probe.ts.
//   node scripts/get-sql-probe.mjs [--docs 10000]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './build-node.mjs';
import { helpAndExitIfAsked } from './bench-common.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { docs: { type: 'string', default: '10000' }, help: { type: 'boolean', default: false } } });
helpAndExitIfAsked(args, import.meta.url);
const outdir = join(root, 'out/write-counts');
await build(nodeBundleOptions({ 'get-sql-probe': join(root, 'bench/get-sql-probe.ts') }, outdir));
const dir = mkdtempSync(join(tmpdir(), 'dv-sql-'));
try {
  execFileSync(process.execPath, [join(outdir, 'get-sql-probe.mjs'), JSON.stringify({ dir, docs: Number(args.docs) })], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
