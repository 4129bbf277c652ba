/**
 * The benchmark panel's controller: a quick run reports progress and results, keeps them in app data and
 * exports them; Cancel stops a run and deletes its scratch folder; a failing worker leaves nothing behind.
 * Needs out/node/bench-worker.mjs (`npm run build:node`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchPanel, BENCH_RUNS_FILE } from '../../src/app/bench-panel';
import type { BenchProgress, BenchRun } from '../../src/shared/bench';
import { SEED_NOTE } from '../../src/shared/bench-table';
import type { PushEvent } from '../../src/shared/contract';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function setup(plans?: ConstructorParameters<typeof BenchPanel>[0]['plans'], workerPath?: string) {
  const t = tempDir();
  cleanup = t.cleanup;
  const events: PushEvent[] = [];
  const scratchRoot = join(t.dir, 'tmp');
  const appDataDir = join(t.dir, 'app');
  const panel = new BenchPanel({ emit: (e) => events.push(e), scratchRoot, appDataDir, ...(plans === undefined ? {} : { plans }), ...(workerPath === undefined ? {} : { workerPath }) });
  const progress = (): BenchProgress[] => events.flatMap((e) => (e.event === 'bench.progress' ? [e.data] : []));
  return { panel, events, progress, scratchRoot, appDataDir, dir: t.dir };
}

describe('BenchPanel', () => {
  it('lists the trials and the drivers that may run in the app (never the AGPL signal driver)', async () => {
    const { panel } = setup();
    const c = await panel.catalog();
    expect(c.trials.map((t) => t.name)).toContain('get-hot');
    expect(c.trials.find((t) => t.name === 'get-hot')?.seedFigure?.value).toBe(1_990_026);
    const names = c.drivers.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['docvault', 'service', 'raw', 'plain']));
    expect(names).not.toContain('signal');
    expect(c.drivers.find((d) => d.name === 'docvault')?.unavailable).toBeUndefined();
    expect(c.sizes).toEqual(['quick', '10k']);
  });

  it('runs a quick benchmark with progress, keeps the result, exports it, and deletes the scratch folder', async () => {
    const { panel, events, progress, scratchRoot, appDataDir } = setup();
    const { runId } = panel.start({ trials: ['get-hot', 'save'], drivers: ['docvault', 'raw'], size: 'quick' });
    expect(() => panel.start({ trials: ['get-hot'], drivers: ['docvault'], size: 'quick' })).toThrow(/already running/);
    expect(readdirSync(scratchRoot)).toHaveLength(1);
    const run = (await panel.settled()) as BenchRun;
    expect(run.id).toBe(runId);
    expect(run.outcome).toBe('done');
    expect(run.cells).toHaveLength(4);
    for (const c of run.cells) expect(c.opsPerSec).toBeGreaterThan(0);
    expect(run.eventLoop.p99Ms).toBeGreaterThanOrEqual(0);
    const phases = new Set(progress().map((p) => p.phase));
    expect([...phases]).toEqual(expect.arrayContaining(['seed', 'trial', 'cleanup']));
    expect(progress().some((p) => p.phase === 'trial' && p.done > 0)).toBe(true);
    expect(events.some((e) => e.event === 'bench.done' && e.data.id === runId)).toBe(true);
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect((JSON.parse(readFileSync(join(appDataDir, BENCH_RUNS_FILE), 'utf8')) as BenchRun[])[0]?.id).toBe(runId);
    const md = panel.export(runId, 'markdown');
    expect(md).toContain('| trial | docvault | raw | docvault / raw | seed report |');
    expect(md).toMatch(/\| get-hot \| \S+ \| \S+ \| [\d.]+× \| 1\.99M \|/);
    expect(md).toContain(SEED_NOTE);
    expect(JSON.parse(panel.export(runId, 'json'))).toMatchObject({ id: runId, outcome: 'done' });
    expect(() => panel.export('nope', 'json')).toThrow(/No benchmark run/);
    // Past runs survive a restart.
    expect(new BenchPanel({ emit: () => {}, appDataDir }).runs()[0]?.id).toBe(runId);
  });

  it('cancels a run midway, deletes its scratch folder, and can start again', async () => {
    const long = { docs: 300, docBytes: 1024, timing: { warmupMs: 50, runMs: 5_000, runs: 50, minOps: 2 } };
    const { panel, progress, scratchRoot } = setup({ quick: long });
    panel.start({ trials: ['get-hot', 'save'], drivers: ['docvault'], size: 'quick' });
    await expect.poll(() => progress().some((p) => p.phase === 'trial'), { timeout: 30_000 }).toBe(true);
    expect(readdirSync(scratchRoot)).toHaveLength(1);
    const run = await panel.cancel();
    expect(run?.outcome).toBe('cancelled');
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect(panel.runningId).toBeUndefined();
    expect(panel.runs()[0]?.outcome).toBe('cancelled');
    panel.start({ trials: ['get-hot'], drivers: ['docvault'], size: 'quick' });
    await panel.cancel();
    expect(readdirSync(scratchRoot)).toEqual([]);
  });

  it('a worker that fails leaves no scratch folder and records the failure', async () => {
    const t = tempDir();
    const bad = join(t.dir, 'bad-worker.mjs');
    writeFileSync(bad, "throw new Error('broken worker');\n");
    const { panel, scratchRoot } = setup(undefined, bad);
    const prev = cleanup;
    cleanup = () => {
      prev?.();
      t.cleanup();
    };
    panel.start({ trials: ['get-hot'], drivers: ['docvault'], size: 'quick' });
    const run = await panel.settled();
    expect(run?.outcome).toBe('failed');
    expect(run?.error).toMatch(/broken worker/);
    expect(existsSync(scratchRoot) ? readdirSync(scratchRoot) : []).toEqual([]);
  });

  it('refuses unknown trials before making anything', () => {
    const { panel, scratchRoot } = setup();
    expect(() => panel.start({ trials: ['nope'], drivers: ['docvault'], size: 'quick' })).toThrow(/unknown trial/);
    expect(existsSync(scratchRoot)).toBe(false);
  });
});
