/**
 * Test fixtures that run as their own Node process (a writer to kill, a migration to interrupt): bundled
 * with esbuild into out/test under a per-process name, so parallel test files never share a bundle.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';

/**
 * Bundles `entry` (a .ts fixture) before the file's tests and removes the bundle after them; returns the
 * bundle's path. Call at the top level of a test file or inside a `describe`.
 */
export function bundledChild(entry: string, name: string): string {
  const out = join(process.cwd(), 'out', 'test', `${name}-${process.pid}.mjs`);
  beforeAll(async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    await build({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: Object.keys(pkg.dependencies),
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'warning',
    });
  });
  afterAll(() => rmSync(out, { force: true }));
  return out;
}

/**
 * Runs `script` with `args` and SIGKILLs it once `path`'s WAL holds `walBytes` (the work is under way).
 * Resolves with its output and whether it was killed (a child that finished first is not an error).
 */
export function runAndKillAtWal(script: string, args: readonly string[], path: string, walBytes: number): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Polls a condition (the WAL's size), not a timer standing in for one.
    const poll = setInterval(() => {
      const wal = `${path}-wal`;
      if (!killed && existsSync(wal) && statSync(wal).size >= walBytes) {
        killed = true;
        p.kill('SIGKILL');
      }
    }, 2);
    p.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL' || code === 0) resolve({ out, killed: signal === 'SIGKILL' });
      else reject(new Error(`child ${script} exited with ${code}: ${err}`));
    });
  });
}
