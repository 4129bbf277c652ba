#!/usr/bin/env node
// `npm start`: builds what is stale, then launches the Electron app. Where Electron cannot run — no Electron binary
// (it is downloaded on first use and the download host may be unreachable) or no Electron build of the
// native SQLite module — it says so in one line and serves the web twin instead, printing its URL.
// Never `require('electron')` here: on Electron >= 42 that starts a download.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronPkg = join(root, 'node_modules', 'electron');

/** The Electron version the project depends on, or undefined when electron is not installed. */
export function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(electronPkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The Electron executable, found from path.txt + dist/ (or $ELECTRON_OVERRIDE_DIST_PATH); undefined when absent. */
export function findElectron(env = process.env) {
  const names = { linux: 'electron', win32: 'electron.exe', darwin: 'Electron.app/Contents/MacOS/Electron' };
  const pathTxt = join(electronPkg, 'path.txt');
  const rel = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : names[process.platform] ?? 'electron';
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || join(electronPkg, 'dist');
  const exe = join(dist, rel);
  return existsSync(exe) ? exe : undefined;
}

/** Where the Electron-ABI build of better-sqlite3 is kept (apart from node_modules' Node build). */
export function nativePath(version) {
  return join(root, '.native', `electron-${version}`, 'better_sqlite3.node');
}

/**
 * Builds better-sqlite3 for Electron in a temp copy (never in place: a failed in-place rebuild deletes
 * the Node build the tests use) and keeps the result under .native/. Returns an error line or undefined.
 */
export function buildNativeForElectron(version) {
  const target = nativePath(version);
  if (existsSync(target)) return undefined;
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const gyp = join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) return 'node-gyp (bundled with npm) was not found';
  const tmp = mkdtempSync(join(tmpdir(), 'docvault-native-'));
  try {
    const pkg = join(tmp, 'pkg');
    const source = join(root, 'node_modules', 'better-sqlite3-multiple-ciphers');
    // Copy the sources without the Node build output.
    cpSync(source, pkg, { recursive: true, filter: (p) => p !== join(source, 'build') });
    const env = { ...process.env };
    // This machine's npm config sets nodedir=/usr, which would silently build for Node's ABI instead.
    for (const k of Object.keys(env)) if (k.toLowerCase() === 'npm_config_nodedir') delete env[k];
    const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${version}`, '--dist-url=https://electronjs.org/headers'], {
      cwd: pkg,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 600_000,
    });
    const built = join(pkg, 'build', 'Release', 'better_sqlite3.node');
    if (r.status !== 0 || !existsSync(built)) {
      const line = (r.stderr || '').split('\n').find((l) => /gyp ERR!|error/i.test(l)) ?? `node-gyp exited with ${r.status}`;
      return `the native SQLite module could not be built for Electron ${version} (${line.trim()})`;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Newest modification time under `dir` (ms), 0 when absent. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return t;
}

function mtime(p) {
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}

/**
 * Builds what is missing or older than the sources, and nothing else: a test (or a second terminal)
 * may be running the bundles in out/ at this moment, and rewriting them under it breaks that run.
 */
function build() {
  const src = Math.max(newest(join(root, 'src')), mtime(join(root, 'package.json')), mtime(join(root, 'electron.vite.config.ts')));
  const stale = (...files) => files.some((f) => mtime(join(root, 'out', f)) < src);
  for (const [label, args, outputs] of [
    ['building the Node bundles', [join(root, 'scripts', 'build-node.mjs')], ['node/cli.mjs', 'node/storage-worker.mjs', 'node/web-server.mjs']],
    ['building the app', [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], ['main/index.js', 'preload/index.cjs', 'renderer/index.html']],
  ]) {
    if (!stale(...outputs)) continue;
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      const first = (r.stderr || '').split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`;
      throw new Error(`${label} failed: ${first.trim()}`);
    }
  }
}

async function serveInstead(reason, argv) {
  process.stdout.write(`docvault: ${reason}; serving the web twin instead.\n`);
  const { serve } = await import('./serve.mjs');
  await serve(argv);
}

async function main() {
  const argv = process.argv.slice(2);
  build();
  const version = electronVersion();
  const exe = findElectron();
  if (version === undefined || exe === undefined) return serveInstead('Electron cannot start here (no Electron binary in node_modules/electron/dist)', argv);
  const nativeError = buildNativeForElectron(version);
  if (nativeError !== undefined) return serveInstead(`Electron cannot open vaults here: ${nativeError}`, argv);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const vaultArg = argv.indexOf('--vault');
  if (vaultArg >= 0 && argv[vaultArg + 1] !== undefined) env.DOCVAULT_VAULT = argv[vaultArg + 1];
  const child = spawn(exe, [root], { stdio: 'inherit', env });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`docvault: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
