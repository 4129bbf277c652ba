/**
 * The fault suites' shared harness. Each suite runs in two sizes from the same code: short inside
 * `npm test`, full under `npm run test:faults` (DOCVAULT_FAULTS=full, set by vitest.faults.config.mts).
 * Each records its figures with {@link recordFigures}; test/faults/summary.ts prints them after the run.
 *
 * Cases still to come slot in here: crash during rekey / backup / migration reuse {@link killRounds} with a
 * new fault-writer mode (test/fixtures/fault-writer.ts) and their own check; audit-log tampering adds a
 * target to tamper.test.ts.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../../bench/data';
import type { Ack } from './acks';

/** True under `npm run test:faults`. */
export const FULL = process.env['DOCVAULT_FAULTS'] === 'full';

/** `short` inside `npm test`, `full` under `npm run test:faults`; DOCVAULT_FAULTS_SCALE multiplies either. */
export function count(short: number, full: number): number {
  const scale = Number(process.env['DOCVAULT_FAULTS_SCALE'] ?? '1');
  return Math.max(1, Math.round((FULL ? full : short) * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** The seed of this run: DOCVAULT_FAULTS_SEED to replay one, else the time. Printed with every figure line. */
export const SEED = Number(process.env['DOCVAULT_FAULTS_SEED'] ?? Date.now() % 2 ** 31);

/** A PRNG for one suite, derived from {@link SEED}, so a failure can be replayed. */
export function suiteRandom(salt: number): () => number {
  return prng((SEED ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
}

/** Where suites leave their figures for test/faults/summary.ts. */
export const SUMMARY_DIR = join(process.cwd(), 'out', 'test', 'fault-summary');

/** Prints one line of figures and keeps them for the summary. */
export function recordFigures(suite: string, figures: Record<string, number | string>): void {
  const line = `faults ${suite} (${FULL ? 'full' : 'short'}, seed ${SEED}): ${Object.entries(figures)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`;
  console.log(line);
  mkdirSync(SUMMARY_DIR, { recursive: true });
  writeFileSync(join(SUMMARY_DIR, `${suite}.json`), JSON.stringify({ suite, full: FULL, seed: SEED, figures }));
}

/** The built fault-writer child (test/global-setup.ts builds it). */
export const FAULT_WRITER = join(process.cwd(), 'out', 'test', 'fault-writer.mjs');

/** The outcome of one killed child. */
export interface KilledRound {
  readonly acks: readonly Ack[];
  /** False when the child exited by itself before the kill (a failure of the round). */
  readonly killed: boolean;
  readonly stderr: string;
}

/**
 * Starts the fault-writer in `mode` and kills it with SIGKILL right after it reported `killAfter` acks
 * (0: as soon as it is ready). Resolves with every ack that reached this process before the kill; the
 * child sends an ack only after its commit, so each one names a write that must survive.
 */
export function killAfterAcks(mode: string, args: readonly string[], killAfter: number): Promise<KilledRound> {
  return new Promise((resolve, reject) => {
    const child = fork(FAULT_WRITER, [mode, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const acks: Ack[] = [];
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('message', (m: { type: string }) => {
      // An ack read after the kill was still sent after its commit: it counts like the others.
      if (m.type === 'ack') acks.push(m as Ack);
      if ((m.type === 'ready' && killAfter === 0) || acks.length >= killAfter) kill();
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ acks, killed: signal === 'SIGKILL', stderr }));
  });
}
