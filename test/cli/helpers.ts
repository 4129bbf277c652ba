/**
 * Runs the real `docvault` command (node bin/docvault.mjs) in a child process, from the bundle
 * test/global-setup.ts built. Every run checks that no registered secret appears in its output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { tempDir } from '../helpers/tmp';

/** Repository root. */
export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'docvault.mjs');
const BUNDLE = join(ROOT, 'out', 'node', 'cli.mjs');
/**
 * Checks that the bundle is there. test/global-setup.ts builds it once before any test file runs; a test
 * never builds it (another test process may be loading it at that moment).
 */
export function ensureBuilt(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run the tests through vitest (its global setup builds it) or npm run build:node`);
}

/** Outcome of one run. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Buffer;
  readonly cwd?: string;
}

const secrets = new Set<string>();

/** Registers a secret that must never appear in any output of the CLI. */
export function secret(value: string): string {
  secrets.add(value);
  if (/^[0-9a-f]+$/i.test(value)) {
    secrets.add(value.toLowerCase());
    secrets.add(value.toUpperCase());
  }
  return value;
}

function cleanEnv(opts: RunOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DOCVAULT_') && k !== 'NO_COLOR') env[k] = v;
  return Object.assign(env, opts.env);
}

function checked(args: readonly string[], code: number | null, stdout: Buffer, stderr: Buffer): RunResult {
  const result = { code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), stdoutBytes: stdout };
  for (const s of secrets) {
    expect(result.stdout, `secret leaked to stdout of: docvault ${args.join(' ')}`).not.toContain(s);
    expect(result.stderr, `secret leaked to stderr of: docvault ${args.join(' ')}`).not.toContain(s);
  }
  return result;
}

/** Runs `docvault args...` with a clean environment (no DOCVAULT_* from the caller). */
export function run(args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts),
    input: opts.input ?? '',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined) throw r.error;
  return checked(args, r.status, r.stdout, r.stderr);
}

/** {@link run} without blocking this process, so several runs (and this process's own connections) proceed at once. */
export function runAsync(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts), timeout: 60_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(checked(args, code, Buffer.concat(out), Buffer.concat(err)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs and expects success; returns stdout. */
export function ok(args: readonly string[], opts: RunOptions = {}): string {
  const r = run(args, opts);
  expect(r.code, `exit status of docvault ${args.join(' ')} (stderr: ${r.stderr})`).toBe(0);
  return r.stdout;
}

/** Runs and expects failure with `kind` and exit `code`: one stderr line starting with `Kind:`. */
export function fails(args: readonly string[], kind: string, code: number, opts: RunOptions = {}): RunResult {
  const r = run(args, opts);
  expect(r.code, `exit status of docvault ${args.join(' ')} (stderr: ${r.stderr})`).toBe(code);
  const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${kind}: \\S`));
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r;
}

/** A fresh temp directory for one test file, removed by the returned function (test/helpers/tmp.ts). */
export function scratch(): { dir: string; cleanup: () => void } {
  return tempDir('docvault-cli-');
}

/**
 * The test file's scratch folder: made before its tests (after checking the CLI bundle is built) and
 * removed after them. Returns a getter, since the folder exists only once the tests start.
 */
export function useScratch(): () => string {
  let made: { dir: string; cleanup: () => void } | undefined;
  beforeAll(() => {
    ensureBuilt();
    made = scratch();
  });
  afterAll(() => made?.cleanup());
  return () => {
    if (made === undefined) throw new Error('useScratch(): the folder exists only while the tests run');
    return made.dir;
  };
}

/** A vault made by `docvault init` with a raw key file, and the arguments that name both. */
export interface CliVault {
  readonly vault: string;
  readonly key: string;
  /** The raw key (registered as a secret: no output may contain it). */
  readonly hex: string;
  /** `a` followed by `--vault VAULT --key-file KEY`. */
  readonly args: (...a: string[]) => string[];
}

/** Runs `docvault init` for `dir/NAME.dvault` with its key in `dir/NAME.key`. */
export function initVault(dir: string, name: string): CliVault {
  const vault = join(dir, `${name}.dvault`);
  const key = join(dir, `${name}.key`);
  ok(['init', '--vault', vault, '--key-file', key]);
  const hex = secret(readFileSync(key, 'utf8').trim());
  return { vault, key, hex, args: (...a) => [...a, '--vault', vault, '--key-file', key] };
}
