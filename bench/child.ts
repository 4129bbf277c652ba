/**
 * Entry point of one benchmark child process (bundled to out/bench/child.mjs by scripts/bench.mjs and
 * scripts/bench-scale.mjs). Argument: one JSON {@link Job}. Prints one line `@@bench {json}` with the
 * manifest, the record or the scale step's result, and exits.
 */
import { runTrial, seedStore } from './run';
import { scaleMeasure, scaleRawMeasure, scaleSeed, scaleService } from './scale';
import type { SeedKind, StoreManifest, Timing } from './types';

type Job =
  | { mode: 'seed'; driver: string; seed: SeedKind; docs: number; docBytes: number; dir: string }
  | { mode: 'trial'; trial: string; driver: string; docs: number; docBytes: number; dir: string; template?: string; timing?: Partial<Timing>; commit?: string }
  | { mode: 'scale-seed'; driver: 'docvault' | 'raw'; docs: number; docBytes: number; dir: string }
  | { mode: 'scale-measure' | 'scale-raw-measure' | 'scale-service'; dir: string; manifest: StoreManifest };

async function run(job: Job): Promise<unknown> {
  switch (job.mode) {
    case 'seed':
      return seedStore(job.driver, job.seed, job);
    case 'trial': {
      const { trial, driver, mode: _mode, ...opts } = job;
      return runTrial(trial, driver, opts);
    }
    case 'scale-seed':
      return scaleSeed(job.driver, job.docs, job.docBytes, job.dir);
    case 'scale-measure':
      return scaleMeasure(job.dir, job.manifest);
    case 'scale-raw-measure':
      return scaleRawMeasure(job.dir, job.manifest);
    case 'scale-service':
      return scaleService(job.dir, job.manifest);
  }
}

run(JSON.parse(process.argv[2] ?? '{}') as Job).then(
  (result) => {
    process.stdout.write(`@@bench ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
