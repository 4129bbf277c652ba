#!/usr/bin/env node
// WAL frames per operation by table/index (a profiling aid): bundles and runs bench/wal-pages.ts.
//   node scripts/wal-pages.mjs [--docs 10000] [--ops 50] [--kind update|save|bulk|bulk64] [--rebuilt]
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
const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    ops: { type: 'string', default: '50' },
    kind: { type: 'string', default: 'update' },
    rebuilt: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
helpAndExitIfAsked(args, import.meta.url);
const outdir = join(root, 'out/write-counts');
await build(nodeBundleOptions({ 'wal-pages': join(root, 'bench/wal-pages.ts') }, outdir));
const dir = mkdtempSync(join(tmpdir(), 'dv-pages-'));
try {
  const job = { dir, docs: Number(args.docs), ops: Number(args.ops), kind: args.kind, rebuilt: args.rebuilt };
  execFileSync(process.execPath, [join(outdir, 'wal-pages.mjs'), JSON.stringify(job)], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
