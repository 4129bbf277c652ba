// Shared by scripts/bench.mjs and scripts/bench-scale.mjs: bundle bench/ with esbuild into out/bench,
// rebuild the storage worker, run one child process per job, read the commit.
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeBundleOptions } from './build-node.mjs';

/** Bundles bench/index.ts and bench/child.ts to out/bench; returns the library and the child's path. */
export async function bundleBench(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const outdir = join(root, 'out/bench');
  const options = nodeBundleOptions({ index: join(root, 'bench/index.ts'), child: join(root, 'bench/child.ts') }, outdir);
  // Every package stays external: native addons load from node_modules, and peers load lazily.
  await build({ ...options, external: [...options.external, ...Object.keys(pkg.devDependencies ?? {}), 'leveldown'] });
  const lib = await import(pathToFileURL(join(outdir, 'index.mjs')).href);
  return { lib, childPath: join(outdir, 'child.mjs') };
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
