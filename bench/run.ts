/**
 * runTrial: one trial on one driver at one size, in the calling process. The runner script calls it in
 * a fresh child process per trial × driver × size; the in-app benchmark panel and the tests call it
 * directly. Nothing here spawns a process or imports electron.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { driverByName } from './drivers';
import { DEFAULT_TIMING, measure, median, spreadPercent, throwIfAborted } from './measure';
import { makeOp } from './ops';
import { trialByName, type OpKind } from './trials';
import type { BenchRecord, MachineInfo, SeedKind, StoreManifest, Timing, TrialProgress } from './types';

const MANIFEST = 'bench-store.json';

/** Operations that only read: a driver with `syncReads` runs them in the sync loop. */
const READ_OPS: ReadonlySet<OpKind> = new Set<OpKind>(['get', 'exists', 'bulk-get', 'list-page', 'history-diff']);

/** Options of {@link runTrial}. */
export interface RunTrialOptions {
  readonly docs: number;
  readonly docBytes: number;
  /** Working directory for this trial's store (created if absent; the caller removes it). */
  readonly dir: string;
  /** A store seeded earlier by {@link seedStore} with the same driver, seed kind and size: copied into `dir` instead of seeding. */
  readonly template?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrialProgress) => void;
  readonly timing?: Partial<Timing>;
  /** Git commit the engine was built from (the runner passes it; the app may pass its version). */
  readonly commit?: string;
}

/** The machine, as recorded with every result. */
export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function peakRssMb(): number {
  // maxRSS is in KiB on every platform Node supports.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Seeds `dir` for `driver` with `docs` documents of `docBytes` bytes and writes its manifest there. */
export async function seedStore(driverName: string, seed: SeedKind, opts: { docs: number; docBytes: number; dir: string }): Promise<StoreManifest> {
  const driver = driverByName(driverName);
  mkdirSync(opts.dir, { recursive: true });
  if (existsSync(join(opts.dir, MANIFEST))) throw new Error(`${opts.dir} already holds a seeded store`);
  const manifest = await driver.seed(opts.dir, seed, { docs: opts.docs, docBytes: opts.docBytes });
  writeFileSync(join(opts.dir, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  return manifest;
}

/** Runs trial `trialName` on driver `driverName`; resolves to one result record (a skipped one if the driver cannot). */
export async function runTrial(trialName: string, driverName: string, opts: RunTrialOptions): Promise<BenchRecord> {
  const trial = trialByName(trialName);
  const driver = driverByName(driverName);
  const timing: Timing = { ...DEFAULT_TIMING, ...opts.timing };
  const { docs, docBytes, signal } = opts;
  const base = { trial: trial.name, driver: driver.name, docs, docBytes, unit: trial.batch === undefined ? ('ops' as const) : ('docs' as const) };
  const progress = (phase: TrialProgress['phase'], done = 0): void => opts.onProgress?.({ trial: trial.name, driver: driver.name, phase, done, total: timing.runs });
  const finish = (r: Omit<BenchRecord, 'machine' | 'date' | 'commit' | 'peakRssMb'>): BenchRecord => ({
    ...r,
    peakRssMb: peakRssMb(),
    machine: machineInfo(),
    date: new Date().toISOString(),
    commit: opts.commit ?? 'unknown',
  });

  const unavailable = await driver.available?.();
  const skipped = unavailable === undefined ? driver.unsupported(trial.name) : `unavailable: ${unavailable}`;
  if (skipped !== undefined) return finish({ ...base, opsPerSec: null, spread: null, runs: [], measuredUnits: 0, skipped, notes: [] });

  throwIfAborted(signal);
  mkdirSync(opts.dir, { recursive: true });
  let manifest: StoreManifest;
  if (opts.template !== undefined) {
    manifest = JSON.parse(readFileSync(join(opts.template, MANIFEST), 'utf8')) as StoreManifest;
    if (manifest.driver !== driver.name || manifest.seed !== trial.seed || manifest.docs !== docs || manifest.docBytes !== docBytes)
      throw new Error(`template ${opts.template} holds ${manifest.driver}/${manifest.seed} ${manifest.docs}×${manifest.docBytes}, not what ${trial.name} needs`);
    cpSync(opts.template, opts.dir, { recursive: true });
  } else {
    progress('seed');
    manifest = await seedStore(driver.name, trial.seed, { docs, docBytes, dir: opts.dir });
  }
  throwIfAborted(signal);

  progress('open');
  const session = trial.open === false ? undefined : await driver.open(opts.dir, manifest, trial.open);
  try {
    const op = makeOp({ trial, driver, session, manifest, dir: opts.dir });
    await op.prepare?.();
    const m = await measure(op, {
      sync: driver.sync || (driver.syncReads === true && READ_OPS.has(trial.op)),
      concurrency: trial.concurrency ?? 1,
      timing,
      ...(signal === undefined ? {} : { signal }),
      onRun: (done, phase) => progress(phase, done),
    });
    const notes = [...driver.caveats(trial.name), ...(session?.notes() ?? [])];
    progress('done', timing.runs);
    return finish({ ...base, opsPerSec: median(m.runs), spread: spreadPercent(m.runs), runs: m.runs, measuredUnits: m.units, notes });
  } finally {
    await session?.close();
  }
}
