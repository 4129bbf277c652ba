/**
 * The benchmark panel's controller: runs bench/'s trials in a worker thread (./bench-worker.ts) on scratch
 * stores in a fresh temp folder — never the user's vault — reports progress as push events, stops within a
 * second on Cancel (the worker is terminated), deletes the scratch folder whatever happens (done, cancel,
 * failure, app quit), and keeps past runs in app data.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TRIALS } from '../../bench/trials';
import type { Timing } from '../../bench/types';
import { BENCH_SIZES, type BenchCatalog, type BenchCell, type BenchDriverInfo, type BenchRequest, type BenchRun, type BenchSize, type BenchTrialInfo } from '../shared/bench';
import { benchMarkdown } from '../shared/bench-table';
import { LOOP_RESOLUTION_MS, loopDelayMs } from './live-stats';
import type { PushEvent } from '../shared/contract';
import { DocvaultError } from '../shared/errors';
import type { BenchJob, BenchWorkerMessage } from './bench-protocol';

/** File name of the worker bundle (scripts/build-node.mjs). */
export const BENCH_WORKER_FILE = 'bench-worker.mjs';
/** File name of the past runs, in app data. */
export const BENCH_RUNS_FILE = 'bench-runs.json';
/** Prefix of scratch folders (in the OS temp folder). */
export const SCRATCH_PREFIX = 'docvault-bench-';
/** How many past runs are kept. */
const KEEP_RUNS = 20;

/** What a size means. `quick` times like `npm run bench -- --quick`; `10k` like `npm run bench`. */
export const SIZE_PLAN: Readonly<Record<BenchSize, { readonly docs: number; readonly docBytes: number; readonly timing: Timing }>> = {
  quick: { docs: 200, docBytes: 1024, timing: { warmupMs: 20, runMs: 50, runs: 3, minOps: 2 } },
  '10k': { docs: 10_000, docBytes: 1024, timing: { warmupMs: 500, runMs: 1000, runs: 5, minOps: 50 } },
};

/** Options of {@link BenchPanel}. */
export interface BenchPanelOptions {
  readonly emit: (e: PushEvent) => void;
  /** Where past runs are kept; absent: in memory only. */
  readonly appDataDir?: string;
  /** Parent of scratch folders. Default: the OS temp folder. */
  readonly scratchRoot?: string;
  /** The worker bundle. Default: found next to this module or in out/node. */
  readonly workerPath?: string;
  readonly commit?: string;
  /** Overrides of the size plans (tests). */
  readonly plans?: Partial<typeof SIZE_PLAN>;
}

/** Finds out/node/bench-worker.mjs walking up from this module (the bundle in out/node, Electron's out/main, the source tree). */
export function resolveBenchWorker(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const p of [join(dir, BENCH_WORKER_FILE), join(dir, 'node', BENCH_WORKER_FILE), join(dir, 'out', 'node', BENCH_WORKER_FILE)]) if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) throw new DocvaultError('Internal', `The benchmark worker (${BENCH_WORKER_FILE}) was not found; build it with \`npm run build:node\``);
    dir = up;
  }
}

/** bench/'s trials as the panel lists them (pure data: no driver is loaded for this). */
export const PANEL_TRIALS: readonly BenchTrialInfo[] = TRIALS.map((t) => ({ name: t.name, what: t.what, seedFigure: t.seedFigure ?? null }));

interface Current {
  readonly run: { id: string; request: BenchRequest; docs: number; docBytes: number; startedAt: number };
  readonly worker: Worker;
  readonly scratch: string;
  readonly cells: BenchCell[];
  readonly loop: ReturnType<typeof monitorEventLoopDelay>;
  readonly ended: Promise<BenchRun>;
  finish: (outcome: BenchRun['outcome'], error?: string) => Promise<BenchRun>;
}

/** One run at a time; past runs; the catalog. */
export class BenchPanel {
  readonly #opts: BenchPanelOptions;
  #current: Current | undefined;
  #catalog: Promise<BenchCatalog> | undefined;
  #runs: BenchRun[];

  constructor(opts: BenchPanelOptions) {
    this.#opts = opts;
    this.#runs = this.#load();
  }

  get #runsFile(): string | undefined {
    return this.#opts.appDataDir === undefined ? undefined : join(this.#opts.appDataDir, BENCH_RUNS_FILE);
  }

  #load(): BenchRun[] {
    const f = this.#runsFile;
    if (f === undefined) return [];
    try {
      const parsed = JSON.parse(readFileSync(f, 'utf8')) as unknown;
      return Array.isArray(parsed) ? (parsed as BenchRun[]) : [];
    } catch {
      return [];
    }
  }

  #save(): void {
    const f = this.#runsFile;
    if (f === undefined) return;
    mkdirSync(dirname(f), { recursive: true, mode: 0o700 });
    writeFileSync(`${f}.tmp`, JSON.stringify(this.#runs, null, 2), { mode: 0o600 });
    renameSync(`${f}.tmp`, f);
  }

  /** The id of the run going on, if any. */
  get runningId(): string | undefined {
    return this.#current?.run.id;
  }

  /** Trials, drivers (each checked in a worker, as the run would load it) and sizes. */
  catalog(): Promise<BenchCatalog> {
    this.#catalog ??= new Promise<BenchCatalog>((resolve) => {
      const w = new Worker(resolveBenchWorker(this.#opts.workerPath), { workerData: {} });
      const answer = (drivers: readonly BenchDriverInfo[]): void => {
        resolve({ trials: PANEL_TRIALS, drivers, sizes: BENCH_SIZES });
        void w.terminate();
      };
      w.on('message', (m: BenchWorkerMessage) => {
        if (m.type === 'catalog') answer(m.drivers);
      });
      w.on('error', (err) => answer([{ name: 'docvault', description: 'docvault', unavailable: `the benchmark worker failed: ${err.message}` }]));
    }).catch((err: unknown) => {
      this.#catalog = undefined;
      throw err;
    });
    return this.#catalog;
  }

  /** Starts a run; `Conflict` while one is going. Resolves once the worker is started. */
  start(request: BenchRequest): { runId: string } {
    if (this.#current !== undefined) throw new DocvaultError('Conflict', 'A benchmark is already running: wait for it or cancel it');
    const plan = { ...SIZE_PLAN, ...this.#opts.plans }[request.size];
    const known = new Set(PANEL_TRIALS.map((t) => t.name));
    const unknown = request.trials.find((t) => !known.has(t));
    if (unknown !== undefined) throw new DocvaultError('Invalid', `bench.start: unknown trial "${unknown}"`);
    const root = this.#opts.scratchRoot ?? tmpdir();
    mkdirSync(root, { recursive: true });
    const scratch = mkdtempSync(join(root, SCRATCH_PREFIX));
    const id = randomUUID();
    const job: BenchJob = { trials: request.trials, drivers: request.drivers, docs: plan.docs, docBytes: plan.docBytes, timing: plan.timing, dir: scratch, commit: this.#opts.commit ?? 'app' };
    let worker: Worker;
    try {
      worker = new Worker(resolveBenchWorker(this.#opts.workerPath), { workerData: { job } });
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    }
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const run = { id, request, docs: plan.docs, docBytes: plan.docBytes, startedAt: Date.now() };
    const cells: BenchCell[] = [];
    let resolveEnded!: (r: BenchRun) => void;
    const ended = new Promise<BenchRun>((r) => (resolveEnded = r));
    let finished = false;
    const finish = async (outcome: BenchRun['outcome'], error?: string): Promise<BenchRun> => {
      if (finished) return ended;
      finished = true;
      await worker.terminate();
      loop.disable();
      this.#opts.emit({ event: 'bench.progress', data: { runId: id, phase: 'cleanup', driver: '', step: 0, steps: 0, done: 0, total: 0 } });
      rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
      const cpu = cpus();
      const result: BenchRun = {
        ...run,
        finishedAt: Date.now(),
        outcome,
        ...(error === undefined ? {} : { error }),
        cells: [...cells],
        eventLoop: { p50Ms: loopDelayMs(loop.percentile(50)), p99Ms: loopDelayMs(loop.percentile(99)), maxMs: loopDelayMs(loop.max) },
        machine: { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, node: process.version, os: `${platform()} ${release()}` },
      };
      this.#current = undefined;
      this.#runs = [result, ...this.#runs].slice(0, KEEP_RUNS);
      try {
        this.#save();
      } catch {
        // Keeping the run in memory is better than failing the run over a full disk.
      }
      this.#opts.emit({ event: 'bench.done', data: result });
      resolveEnded(result);
      return result;
    };
    worker.on('message', (m: BenchWorkerMessage) => {
      if (m.type === 'progress') {
        const { type: _t, ...p } = m;
        this.#opts.emit({ event: 'bench.progress', data: { runId: id, ...p } });
      } else if (m.type === 'cell') cells.push(m.cell);
      else if (m.type === 'done') void finish('done');
      else if (m.type === 'error') void finish('failed', m.message);
    });
    worker.on('error', (err) => void finish('failed', err.message.split('\n')[0]));
    worker.on('exit', () => void finish('failed', 'the benchmark worker stopped'));
    this.#current = { run, worker, scratch, cells, loop, ended, finish };
    return { runId: id };
  }

  /** Stops the run going on (if any) and deletes its scratch folder; resolves with the cancelled run. */
  async cancel(): Promise<BenchRun | undefined> {
    const c = this.#current;
    return c === undefined ? undefined : c.finish('cancelled');
  }

  /** Resolves when the run going on ends (tests, app quit). */
  async settled(): Promise<BenchRun | undefined> {
    return this.#current?.ended;
  }

  /** Past runs, newest first. */
  runs(): BenchRun[] {
    return this.#runs;
  }

  /** A past run as JSON or Markdown; `NotFound` for an unknown id. */
  export(id: string, format: 'json' | 'markdown'): string {
    const r = this.#runs.find((x) => x.id === id);
    if (r === undefined) throw new DocvaultError('NotFound', `No benchmark run ${id}`);
    return format === 'json' ? JSON.stringify(r, null, 2) : benchMarkdown(r, PANEL_TRIALS);
  }
}
