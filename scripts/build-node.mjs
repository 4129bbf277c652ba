#!/usr/bin/env node
// Bundles the Node-side entry points (CLI, storage workers) into out/node with esbuild.
// Runs on `npm install` (prepare) so `npx docvault` works straight after install.
import { build } from 'esbuild';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), 'electron'];

/** Entry points: name -> source. Only those that exist are built, so the list can grow with the code. */
const entries = {
  cli: 'src/cli/main.ts',
  'storage-worker': 'src/main/storage/worker/worker-entry.ts',
  'web-server': 'src/web/serve.ts',
  'bench-worker': 'src/app/bench-worker.ts',
};

const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, src]) => existsSync(join(root, src))).map(([k, v]) => [k, join(root, v)]),
);

await build({
  entryPoints,
  outdir: join(root, 'out/node'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external,
  outExtension: { '.js': '.mjs' },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
