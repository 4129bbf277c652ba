// Shared by scripts/bench.mjs and scripts/bench-scale.mjs: --help from the script's header, bundle bench/
// with esbuild into out/bench, rebuild the storage worker, a temp work folder and a progress log, run one
// child process per job, read the commit, write the JSON + Markdown results.
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nodeBundleOptions } from './build-node.mjs';

/** With `--help`: prints the `//` comment lines of the script at `scriptUrl` (its usage) and exits. */
export function helpAndExitIfAsked(args, scriptUrl) {
  if (!args.help) return;
  const head = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n').filter((l) => l.startsWith('//'));
  console.log(head.map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

/** Progress lines on stderr, each stamped with the seconds since this call. */
export function progressLog() {
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)}s`;
  const log = (s) => process.stderr.write(`${s}\n`);
  return { log, elapsed };
}

/** A temp folder for the stores; `cleanup` removes it (unless `keep`: then it prints where it is), as Ctrl-C does. */
export function workFolder(prefix, keep, log) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const cleanup = () => {
    if (keep) log(`kept the stores in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  return { work, cleanup };
}

/**
 * Writes the records as JSON and the Markdown table: to `--json` / `--md` when given (the Markdown beside
 * the JSON when only `--json` is), else to bench/results/<name>.json / .md. Returns both paths.
 */
export function writeResults(root, name, { json, md }, records, markdown) {
  const resultsDir = join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = resolve(json ?? join(resultsDir, `${name}.json`));
  const mdPath = resolve(md ?? (json !== undefined ? jsonPath.replace(/\.json$/, '') + '.md' : join(resultsDir, `${name}.md`)));
  writeFileSync(jsonPath, JSON.stringify(records, null, 2) + '\n');
  writeFileSync(mdPath, markdown);
  return { jsonPath, mdPath };
}

/**
 * Bundles bench/index.ts, bench/child.ts and the app's import (src/app/transfer/import.ts and import-target.ts, which the
 * `import` trial times: bench/ itself may not import the app layer) to out/bench, sharing one copy of
 * the engine between them (code splitting, so an error thrown by the engine is a DocvaultError to the
 * import too). Returns the library, the import module and the child's path.
 */
export async function bundleBench(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const outdir = join(root, 'out/bench');
  const entries = { index: join(root, 'bench/index.ts'), child: join(root, 'bench/child.ts'), 'transfer-import': join(root, 'src/app/transfer/import.ts'), 'transfer-target': join(root, 'src/app/transfer/import-target.ts') };
  const options = nodeBundleOptions(entries, outdir);
  // Every package stays external: native addons load from node_modules, and peers load lazily.
  await build({ ...options, splitting: true, chunkNames: 'chunks/[name]-[hash]', external: [...options.external, ...Object.keys(pkg.devDependencies ?? {}), 'leveldown'] });
  const lib = await import(pathToFileURL(join(outdir, 'index.mjs')).href);
  // importPath and vaultImportTarget (the CLI's target) live in two modules of the transfer folder.
  const transfer = {
    ...(await import(pathToFileURL(join(outdir, 'transfer-import.mjs')).href)),
    ...(await import(pathToFileURL(join(outdir, 'transfer-target.mjs')).href)),
  };
  return { lib, transfer, childPath: join(outdir, 'child.mjs') };
}

/** The service runs the engine from out/node/storage-worker.mjs: rebuild it from src/ so it is not stale. */
export function buildWorkerBundle(root) {
  execFileSync(process.execPath, [join(root, 'scripts/build-node.mjs')], { cwd: root, stdio: 'inherit' });
}

/** Runs `job` in a fresh node process; resolves to the JSON it printed on its `@@bench` line. */
export function runChild(childPath, job, label, nodeArgs = []) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, childPath, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@bench '));
      if (code === 0 && line !== undefined) resolvePromise(JSON.parse(line.slice('@@bench '.length)));
      else reject(new Error(`${label}: child exited with ${code}\n${err.trim()}`));
    });
  });
}

/** Short commit of `root`, with `+dirty` when src/ or bench/ has uncommitted changes. */
export function gitCommit(root) {
  try {
    let commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: root, encoding: 'utf8' }).trim();
    if (dirty !== '') commit += '+dirty';
    return commit;
  } catch {
    return 'unknown';
  }
}
