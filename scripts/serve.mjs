#!/usr/bin/env node
// `npm run serve [-- --vault FILE --port N]`: builds what is missing or stale, then starts the web twin
// (src/web) on 127.0.0.1 and prints its URL (the access token is in the URL fragment).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time under `dir` (ms), 0 when absent. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

function mtime(p) {
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}

/** Runs a build step; on failure prints one line and exits. */
function step(label, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    const first = (r.stderr || '').split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`;
    process.stderr.write(`docvault: ${label} failed: ${first.trim()}\n`);
    process.exit(1);
  }
}

/** Builds the web twin and the renderer if they are missing or older than the sources. */
export function ensureBuilt() {
  const src = Math.max(newest(join(root, 'src')), mtime(join(root, 'package.json')), mtime(join(root, 'electron.vite.config.ts')));
  const server = join(root, 'out', 'node', 'web-server.mjs');
  const page = join(root, 'out', 'renderer', 'index.html');
  if (mtime(server) < src) step('building the server', process.execPath, [join(root, 'scripts', 'build-node.mjs')]);
  if (mtime(page) < src) step('building the renderer', process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  return server;
}

/** Builds if needed and starts the twin with `argv`. */
export async function serve(argv) {
  const server = ensureBuilt();
  const { main } = await import(pathToFileURL(server).href);
  return main(argv);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  serve(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`docvault: could not start the web twin: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
