/**
 * Helpers for service tests. Each test file bundles the storage worker from the current sources into its
 * own directory under out/node (so a stale or half-written shared bundle can never be what is tested), and
 * opens services on temp vaults.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { isDocvaultError, type ErrorKind } from '../../src/shared/errors';
import { StorageService, type ServiceOptions } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';

const root = fileURLToPath(new URL('../..', import.meta.url));

let workerPath: string | undefined;

/** Registers hooks that build the worker bundle for this file and remove it afterwards. Returns its path getter. */
export function useWorkerBundle(): () => string {
  const outdir = join(root, 'out', 'node', `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  beforeAll(async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: { 'storage-worker': join(root, 'src/main/storage/worker/worker-entry.ts') },
      outdir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: [...Object.keys(pkg.dependencies ?? {}), 'electron'],
      outExtension: { '.js': '.mjs' },
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'warning',
    });
    workerPath = join(outdir, 'storage-worker.mjs');
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  return () => {
    if (workerPath === undefined) throw new Error('worker bundle not built yet');
    return workerPath;
  };
}

/** A service on a fresh encrypted vault in a temp dir. */
export async function makeService(worker: () => string, opts: Partial<ServiceOptions> = {}) {
  const { dir, cleanup } = tempDir('docvault-svc-');
  const key = hexKey();
  const path = join(dir, 'svc.dvault');
  const service = await StorageService.create(path, { key: { rawKey: key }, workerPath: worker(), ...opts });
  return {
    service,
    path,
    key,
    dir,
    cleanup: async () => {
      await service.close();
      cleanup();
    },
  };
}

/** The kind of a rejected promise's DocvaultError, or 'resolved' / 'not-docvault'. */
export async function kindOf(p: Promise<unknown>): Promise<ErrorKind | 'resolved' | 'not-docvault'> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isDocvaultError(err) ? err.kind : 'not-docvault';
  }
}

/**
 * Polls `cond` (every few ms) until it holds. Not a timed assertion: the limit only turns a condition that
 * never comes into a failure that names it, instead of a hung test.
 */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`waitFor: still not true after ${limitMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
