#!/usr/bin/env node
// Lever experiments (a profiling aid): bundles and runs bench/variants.ts with the variants in VARIANTS.
//   node scripts/variants.mjs [--docs 10000] [--set name,name] [--cache-kib N]   (N: the engine's SQLite page cache)
// The variants (SQL, and fts-deferred's flush) are bench/variants.ts's VARIANTS; without --set, all of them run.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './build-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { docs: { type: 'string', default: '10000' }, set: { type: 'string' }, 'cache-kib': { type: 'string' } } });
const outdir = join(root, 'out/write-counts');
await build(nodeBundleOptions({ variants: join(root, 'bench/variants.ts') }, outdir));
const dir = mkdtempSync(join(tmpdir(), 'dv-var-'));
try {
  const job = { dir, docs: Number(args.docs), ...(args.set !== undefined ? { variants: args.set.split(',') } : {}), ...(args['cache-kib'] !== undefined ? { cacheKiB: Number(args['cache-kib']) } : {}) };
  execFileSync(process.execPath, [join(outdir, 'variants.mjs'), JSON.stringify(job)], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
