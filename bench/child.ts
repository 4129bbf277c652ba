/**
 * Entry point of one benchmark child process (bundled to out/bench/child.mjs by scripts/bench.mjs).
 * Argument: one JSON object, either {mode:'seed', driver, seed, docs, docBytes, dir} or
 * {mode:'trial', trial, driver, docs, docBytes, dir, template?, timing?, commit?}. Prints one line
 * `@@bench {json}` with the manifest or the record, and exits.
 */
import { runTrial, seedStore } from './run';
import type { SeedKind, Timing } from './types';

type Job =
  | { mode: 'seed'; driver: string; seed: SeedKind; docs: number; docBytes: number; dir: string }
  | { mode: 'trial'; trial: string; driver: string; docs: number; docBytes: number; dir: string; template?: string; timing?: Partial<Timing>; commit?: string };

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  if (job.mode === 'seed') {
    const manifest = await seedStore(job.driver, job.seed, job);
    process.stdout.write(`@@bench ${JSON.stringify(manifest)}\n`);
    return;
  }
  const { trial, driver, ...opts } = job;
  const record = await runTrial(trial, driver, opts);
  process.stdout.write(`@@bench ${JSON.stringify(record)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
