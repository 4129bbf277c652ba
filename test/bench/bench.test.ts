/**
 * The benchmark runs (no timing is asserted: benchmarks are not tests). Each driver runs one tiny trial
 * in-process through runTrial, the same function the runner's child processes and the in-app panel use.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DRIVERS, TRIALS, median, renderMarkdown, runTrial, seedStore, spreadPercent, type BenchRecord, type TrialProgress } from '../../bench';
import { tempDir } from '../helpers/tmp';
import { workerBundleMissing } from '../helpers/worker-bundle';

const tmp = tempDir('docvault-bench-test-');
afterAll(() => tmp.cleanup());

const tiny = { docs: 50, docBytes: 256, timing: { warmupMs: 5, runMs: 15, runs: 2, minOps: 1 } };
let n = 0;

const dir = (): string => `${tmp.dir}/t${n++}`;

function expectRecordShape(r: BenchRecord, trial: string, driver: string): void {
  expect(r).toMatchObject({ trial, driver, docs: tiny.docs, docBytes: tiny.docBytes, commit: 'test' });
  expect(['ops', 'docs']).toContain(r.unit);
  expect(typeof r.peakRssMb).toBe('number');
  expect(r.peakRssMb).toBeGreaterThan(0);
  expect(typeof r.machine.cpu).toBe('string');
  expect(r.machine.cores).toBeGreaterThan(0);
  expect(r.machine.ramGb).toBeGreaterThan(0);
  expect(typeof r.machine.os).toBe('string');
  expect(Number.isNaN(Date.parse(r.date))).toBe(false);
  expect(Array.isArray(r.notes)).toBe(true);
}

describe('runTrial', () => {
  for (const driver of DRIVERS.map((d) => d.name)) {
    const missing = driver === 'service' ? workerBundleMissing() : undefined;
    it.skipIf(missing !== undefined)(`runs get-hot on ${driver} and returns a full record${missing === undefined ? '' : ` (skipped: ${missing})`}`, async () => {
      const progress: TrialProgress[] = [];
      const r = await runTrial('get-hot', driver, { ...tiny, dir: dir(), commit: 'test', onProgress: (p) => progress.push(p) });
      expectRecordShape(r, 'get-hot', driver);
      expect(r.skipped).toBeUndefined();
      expect(r.opsPerSec).toBeGreaterThan(0);
      expect(r.spread).toBeCloseTo(spreadPercent(r.runs), 9);
      expect(r.opsPerSec).toBe(median(r.runs));
      expect(r.runs).toHaveLength(2);
      expect(r.measuredUnits).toBeGreaterThan(0);
      expect(progress.map((p) => p.phase)).toEqual(['seed', 'open', 'warmup', 'run', 'run', 'done']);
    });
  }

  it('runs history+diff on docvault (versions and a real diff, checked by the trial itself)', async () => {
    const r = await runTrial('history+diff', 'docvault', { ...tiny, dir: dir(), commit: 'test' });
    expectRecordShape(r, 'history+diff', 'docvault');
    expect(r.opsPerSec).toBeGreaterThan(0);
  });

  it('counts documents, not calls, for bulk trials', async () => {
    const r = await runTrial('bulk-save-100', 'raw', { ...tiny, dir: dir(), commit: 'test' });
    expect(r.unit).toBe('docs');
    expect(r.measuredUnits).toBeGreaterThan(0);
    expect(r.measuredUnits % 100).toBe(0);
  });

  it('returns a skipped record, with the reason, when a driver cannot run a trial', async () => {
    const r = await runTrial('history+diff', 'raw', { ...tiny, dir: dir(), commit: 'test' });
    expectRecordShape(r, 'history+diff', 'raw');
    expect(r.opsPerSec).toBeNull();
    expect(r.spread).toBeNull();
    expect(r.skipped).toMatch(/no versions/);
  });

  it('runs from a seeded template (as the runner does), copying it and leaving it untouched', async () => {
    const template = dir();
    const manifest = await seedStore('docvault', 'docs', { docs: tiny.docs, docBytes: tiny.docBytes, dir: template });
    expect(manifest).toMatchObject({ driver: 'docvault', seed: 'docs', docs: tiny.docs, docBytes: tiny.docBytes });
    const progress: string[] = [];
    const r = await runTrial('save', 'docvault', { ...tiny, dir: dir(), template, commit: 'test', onProgress: (p) => progress.push(p.phase) });
    expect(r.opsPerSec).toBeGreaterThan(0);
    expect(progress).not.toContain('seed');
    await expect(runTrial('get-hot', 'raw', { ...tiny, dir: dir(), template })).rejects.toThrow(/holds docvault\/docs/);
  });

  it('renders the records as a Markdown table', async () => {
    // Its own records: the test passes when run alone, not only after the tests above.
    const own = [
      await runTrial('get-hot', 'docvault', { ...tiny, dir: dir(), commit: 'test' }),
      await runTrial('get-hot', 'raw', { ...tiny, dir: dir(), commit: 'test' }),
      await runTrial('history+diff', 'raw', { ...tiny, dir: dir(), commit: 'test' }),
    ];
    const md = renderMarkdown(own);
    expect(md).toMatch(/\| get-hot \| \d[\d.]*[kM]? ±\d+% \| \d[\d.]*[kM]? ±\d+% \|/);
    expect(md).toContain('docvault / raw');
    expect(md).toMatch(/\| history\+diff \| {2}\| n\/a \[\d+\] \|/);
    expect(md).toContain('no versions');
    expect(md).toContain('encryption off');
  });
});

describe('runTrial errors and cancellation', () => {
  it('rejects unknown trial and driver names, listing the known ones', async () => {
    await expect(runTrial('get-warm', 'docvault', { ...tiny, dir: dir() })).rejects.toThrow(/Unknown benchmark trial "get-warm".*get-hot/);
    await expect(runTrial('get-hot', 'sqlite', { ...tiny, dir: dir() })).rejects.toThrow(/Unknown benchmark driver "sqlite".*docvault, service, raw, plain, lmdb, signal, pouchdb, pouchdb-crypto/);
  });

  it('does not start when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runTrial('get-hot', 'docvault', { ...tiny, dir: dir(), signal: ac.signal })).rejects.toThrow(/abort/i);
  });

  it('stops a running trial when the signal is aborted', async () => {
    const ac = new AbortController();
    const phases: string[] = [];
    // Runs of 10 s each: without the abort this would take a minute and report five runs.
    const run = runTrial('get-hot', 'docvault', {
      ...tiny,
      timing: { warmupMs: 5, runMs: 10_000, runs: 5, minOps: 1 },
      dir: dir(),
      signal: ac.signal,
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'warmup') ac.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    // The abort landed before the first measured run ended: no run was reported, and no record.
    expect(phases).toEqual(['seed', 'open', 'warmup']);
  });

  it('stops an async driver too', async () => {
    const ac = new AbortController();
    const run = runTrial('get-hot', 'pouchdb', {
      ...tiny,
      timing: { warmupMs: 5, runMs: 10_000, runs: 5, minOps: 1 },
      dir: dir(),
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'warmup') setTimeout(() => ac.abort(), 20);
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
  });

  it('lists every trial of the protocol', () => {
    const names = TRIALS.map((t) => t.name);
    for (const n of ['get-hot', 'get-cold', 'exists', 'save', 'save-concurrent', 'bulk-save-100', 'bulk-save-1000', 'bulk-get', 'update', 'list-page', 'history+diff', 'open-key', 'open-passphrase'])
      expect(names).toContain(n);
  });
});
