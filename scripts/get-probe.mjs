#!/usr/bin/env node
// CPU µs per cold get, docvault and raw (a profiling aid; see bench/get-probe.ts).
//   node scripts/get-probe.mjs [--docs 10000] [--reads 20000] [--bundle-only NAME] [--run NAME]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './build-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { docs: { type: 'string', default: '10000' }, reads: { type: 'string', default: '20000' }, 'bundle-only': { type: 'string' }, run: { type: 'string' } },
});
const outdir = join(root, 'out/write-counts');
if (args.run === undefined) await build(nodeBundleOptions({ [args['bundle-only'] ?? 'get-probe']: join(root, 'bench/get-probe.ts') }, outdir));
if (args['bundle-only'] === undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-get-'));
  try {
    execFileSync(process.execPath, [join(outdir, `${args.run ?? 'get-probe'}.mjs`), JSON.stringify({ dir, docs: Number(args.docs), reads: Number(args.reads) })], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
