#!/usr/bin/env node
// Bundles the Node-side entry points (CLI, storage workers, web twin) into out/node with esbuild, and —
// with --tests — the child-process fixtures of the tests into out/test. Runs on `npm install` (prepare)
// so `npx docvault` works straight after install; vitest's global setup (test/global-setup.ts) calls it
// once before any test file runs, so no test builds anything itself.
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Product bundles: name -> source. Only those that exist are built, so the list can grow with the code. */
export const NODE_ENTRIES = {
  cli: 'src/cli/main.ts',
  'storage-worker': 'src/main/storage/worker/worker-entry.ts',
  'web-server': 'src/web/serve.ts',
  'bench-worker': 'src/app/bench-worker.ts',
};

/**
 * Test fixtures run as child processes (killed mid-write, fed faults) or as a service's worker thread (the
 * storage worker with test-only faults): name -> source, built into out/test.
 */
export const TEST_ENTRIES = {
  'crash-writer': 'test/fixtures/crash-writer.ts',
  'fault-writer': 'test/fixtures/fault-writer.ts',
  'fault-worker': 'test/fixtures/fault-worker.ts',
};

/**
 * The one esbuild configuration for Node bundles: ESM for node20, dependencies external (the native
 * module must load from node_modules), a `require` for the CommonJS ones.
 */
export function nodeBundleOptions(entryPoints, outdir) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return {
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    external: [...Object.keys(pkg.dependencies ?? {}), 'electron'],
    outExtension: { '.js': '.mjs' },
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  };
}

function existing(entries) {
  return Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(join(ROOT, src))).map(([k, v]) => [k, join(ROOT, v)]));
}

/** Builds the product bundles into out/node. */
export async function buildNodeBundles() {
  await build(nodeBundleOptions(existing(NODE_ENTRIES), join(ROOT, 'out', 'node')));
}

/** Builds the test fixtures into out/test. */
export async function buildTestFixtures() {
  await build(nodeBundleOptions(existing(TEST_ENTRIES), join(ROOT, 'out', 'test')));
}

/** Newest modification time of any file under the given repository folders (ms). */
export function newestSource(dirs = ['src', 'test/fixtures']) {
  const walk = (dir) => {
    if (!existsSync(dir)) return 0;
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? walk(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  return Math.max(statSync(join(ROOT, 'package.json')).mtimeMs, ...dirs.map((d) => walk(join(ROOT, d))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildNodeBundles();
  if (process.argv.includes('--tests')) await buildTestFixtures();
}
