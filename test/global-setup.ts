/**
 * vitest global setup: builds everything tests run as separate processes — the CLI, the storage worker,
 * the web twin, the app bundles `npm start` serves, and the test fixtures in out/test — once, before any
 * test file starts, and only what is older than its sources. No test builds anything itself, so no test
 * rewrites a bundle another test process is loading, and there is no lock to leave behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildNodeBundles, buildTestFixtures, newestSource, ROOT } from '../scripts/build-node.mjs';

function mtime(rel: string): number {
  const p = join(ROOT, rel);
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}

/** Builds what is stale. */
export default async function setup(): Promise<void> {
  const src = newestSource(['src']);
  if (['out/node/cli.mjs', 'out/node/storage-worker.mjs', 'out/node/web-server.mjs'].some((f) => mtime(f) < src)) await buildNodeBundles();
  if (['out/test/crash-writer.mjs', 'out/test/fault-writer.mjs', 'out/test/fault-worker.mjs'].some((f) => mtime(f) < Math.max(src, newestSource(['test/fixtures'])))) await buildTestFixtures();
  const app = Math.max(src, mtime('electron.vite.config.ts'));
  if (['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].some((f) => mtime(f) < app)) {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stderr}`);
  }
}
