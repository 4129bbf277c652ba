/**
 * The benchmark panel's worker thread (bundled to out/node/bench-worker.mjs): runs bench/'s own trials and
 * drivers off the app's main thread, in the scratch folder the controller made, and reports by message.
 * It never sees the user's vault: it is given only the scratch folder. Stopping is the controller's job
 * (`worker.terminate()` stops even a synchronous measuring loop at once).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { DRIVERS, driverAvailability, runTrial, seedStore, trialByName } from '../../bench';
import type { BenchCell } from '../shared/bench';
import type { BenchJob, BenchWorkerMessage } from './bench-protocol';

const port = parentPort;
if (port === null) throw new Error('bench-worker must run in a worker thread');
const send = (m: BenchWorkerMessage): void => port.postMessage(m);

/** Drivers the app may offer: everything bench/ has except those for `npm run bench` only (licence). */
const APP_DRIVERS = DRIVERS.filter((d) => d.benchOnly === undefined);

/** Drivers built on better-sqlite3 (docvault's own engine among them). */
const SQLITE_DRIVERS: ReadonlySet<string> = new Set(['docvault', 'service', 'raw', 'plain']);

/**
 * Why better-sqlite3 cannot open a database in this process, or undefined when it can. Under Electron the
 * node_modules build has Node's ABI, not Electron's: the drivers built on it are then unavailable, with this
 * reason, instead of failing one trial after another.
 */
async function sqliteProblem(): Promise<string | undefined> {
  try {
    const name = 'better-sqlite3-multiple-ciphers';
    const mod = (await import(/* @vite-ignore */ name)) as { default: new (path: string) => { close(): void } };
    new mod.default(':memory:').close();
    return undefined;
  } catch (err) {
    return `better-sqlite3 does not load in this process: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`;
  }
}

async function catalog(): Promise<void> {
  const [drivers, sqlite] = await Promise.all([driverAvailability(APP_DRIVERS), sqliteProblem()]);
  send({
    type: 'catalog',
    drivers: drivers.map((d) => {
      const unavailable = d.unavailable ?? (SQLITE_DRIVERS.has(d.name) ? sqlite : undefined);
      return { name: d.name, description: d.description, ...(unavailable === undefined ? {} : { unavailable }) };
    }),
  });
}

async function run(job: BenchJob): Promise<void> {
  const drivers = job.drivers.filter((name) => APP_DRIVERS.some((d) => d.name === name));
  const trials = job.trials.map(trialByName);
  const seeds = new Map<string, string>(); // driver/seedKind -> template dir
  const needed = [...new Set(drivers.flatMap((d) => trials.map((t) => `${d}/${t.seed}`)))];
  const steps = needed.length + trials.length * drivers.length;
  let step = 0;
  for (const key of needed) {
    const [driver = '', seed = 'docs'] = key.split('/');
    send({ type: 'progress', phase: 'seed', driver, step, steps, done: 0, total: 1 });
    const dir = join(job.dir, `seed-${driver}-${seed}`);
    try {
      await seedStore(driver, seed as 'docs' | 'docs-passphrase', { docs: job.docs, docBytes: job.docBytes, dir });
      seeds.set(key, dir);
    } catch {
      // A driver that cannot seed (unavailable library) is reported per trial by runTrial, which skips it.
      rmSync(dir, { recursive: true, force: true });
    }
    step++;
  }
  for (const t of trials)
    for (const driver of drivers) {
      const dir = join(job.dir, `run-${step}`);
      send({ type: 'progress', phase: 'trial', trial: t.name, driver, step, steps, done: 0, total: job.timing.runs });
      const template = seeds.get(`${driver}/${t.seed}`);
      let cell: BenchCell;
      try {
        const r = await runTrial(t.name, driver, {
          docs: job.docs,
          docBytes: job.docBytes,
          dir,
          ...(template === undefined ? {} : { template }),
          timing: job.timing,
          commit: job.commit,
          onProgress: (p) => send({ type: 'progress', phase: 'trial', trial: t.name, driver, step, steps, done: p.done, total: p.total }),
        });
        cell = { trial: r.trial, driver: r.driver, opsPerSec: r.opsPerSec, unit: r.unit, spread: r.spread, ...(r.skipped === undefined ? {} : { skipped: r.skipped }), notes: r.notes };
      } catch (err) {
        // A driver that cannot load in this process (e.g. a native module built for another runtime) is a
        // skipped cell with the reason, never the end of the run.
        const why = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed';
        cell = { trial: t.name, driver, opsPerSec: null, unit: t.batch === undefined ? 'ops' : 'docs', spread: null, skipped: `failed: ${why}`, notes: [] };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      send({ type: 'cell', cell });
      step++;
    }
  send({ type: 'done' });
}

const data = workerData as { job?: BenchJob };
(data.job === undefined ? catalog() : run(data.job)).catch((err: unknown) => {
  send({ type: 'error', message: (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed' });
});
