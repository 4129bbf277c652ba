/**
 * bench:scale works at a tiny size: every step returns well-formed figures of real work (exact counts,
 * full pages, a passing verify), a store that is not what its manifest says fails the self-checks, the
 * curve renders, and the runner script produces its JSON and Markdown. No time is asserted.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEEP_PAGES,
  expectedCounts,
  renderScaleMarkdown,
  scaleMeasure,
  scaleRawMeasure,
  scaleRecord,
  scaleSeed,
  scaleService,
  type ScaleMeasure,
  type ScaleRecord,
  type ScaleSeed,
} from '../../bench';
import { tempDir } from '../helpers/tmp';
import { workerBundleMissing } from '../helpers/worker-bundle';

const tmp = tempDir('docvault-bench-scale-');
afterAll(() => tmp.cleanup());

const DOCS = 1500;
const BYTES = 256;

describe('bench:scale steps at the smallest size', () => {
  let seed: ScaleSeed;
  let measured: ScaleMeasure;
  const dvDir = join(tmp.dir, 'docvault');
  const expected = expectedCounts(DOCS);

  beforeAll(async () => {
    seed = await scaleSeed('docvault', DOCS, BYTES, dvDir);
    measured = await scaleMeasure(dvDir, seed.manifest);
  }, 120_000);

  it('seeds the realistic documents and reports rate and file size', () => {
    expect(seed).toMatchObject({ driver: 'docvault', docs: DOCS, docBytes: BYTES });
    expect(seed.manifest).toMatchObject({ driver: 'docvault', docs: DOCS, docBytes: BYTES });
    expect(seed.manifest.rawKey).toMatch(/^[0-9a-f]{64}$/);
    expect(seed.docsPerSec).toBeGreaterThan(0);
    // Encrypted pages, indexes and the version row cost more than the content itself.
    expect(seed.fileBytes).toBeGreaterThan(DOCS * BYTES);
    expect(seed.fileRatio).toBeCloseTo(seed.fileBytes / (DOCS * BYTES), 9);
    expect(seed.peakRssMb).toBeGreaterThan(0);
    // What stays after a full collection is part of the process, never more than its peak.
    expect(seed.liveHeapMb).toBeGreaterThan(0);
    expect(seed.liveHeapMb).toBeLessThanOrEqual(seed.peakRssMb);
  });

  it('counts exactly what bench/data.ts seeded, with each filter', () => {
    expect(expected.all).toBe(DOCS);
    expect(expected.type).toBeGreaterThan(0);
    expect(expected.tag).toBeGreaterThan(0);
    expect(expected.type).toBeLessThan(DOCS);
    expect(measured.counts).toEqual(expected);
    for (const f of ['all', 'type', 'tag'] as const) expect(measured.countMs[f]).toBeGreaterThan(0);
  });

  it('pages down as deep as each filter allows, up to the deep page', () => {
    for (const f of ['all', 'type', 'tag'] as const) {
      const p = measured.pages[f];
      expect(p.firstPageItems).toBe(Math.min(100, expected[f]));
      expect(p.depth).toBe(Math.min(DEEP_PAGES, Math.ceil(expected[f] / 100) - 1));
      expect(p.firstCallMs).toBeGreaterThan(0);
      expect(p.firstPageMs).toBeGreaterThan(0);
      expect(p.deepPageMs).toBeGreaterThan(0);
    }
    // Sorted by title, unfiltered: as deep as the unfiltered list.
    expect(measured.titlePages).toMatchObject({ firstPageItems: Math.min(100, expected.all), depth: Math.min(DEEP_PAGES, Math.ceil(expected.all / 100) - 1) });
    expect(measured.titlePages?.deepPageMs).toBeGreaterThan(0);
  });

  it('verifies every version and reads cold', () => {
    expect(measured.verifyOk).toBe(true);
    expect(measured.verifyVersions).toBe(DOCS);
    expect(measured.verifyVersionsPerSec).toBeCloseTo((DOCS * 1000) / measured.verifyMs, 6);
    expect(measured.getColdOpsPerSec).toBeGreaterThan(0);
    expect(measured.firstOpenMs).toBeGreaterThan(0);
    expect(measured.openMs).toBeGreaterThan(0);
    expect(measured.statsMs).toBeGreaterThan(0);
    expect(measured.peakRssMb).toBeGreaterThan(0);
    expect(measured.liveHeapMb).toBeGreaterThan(0);
    expect(measured.liveHeapMb).toBeLessThanOrEqual(measured.peakRssMb);
  });

  it('fails its self-checks on a store that holds other documents than its manifest says', async () => {
    await expect(scaleMeasure(dvDir, { ...seed.manifest, docs: DOCS + 1 })).rejects.toThrow(/bench:scale self-check failed/);
  });

  const missing = workerBundleMissing();
  it.skipIf(missing !== undefined)(`times the service's open to its first answer, and a caller's gets while it verifies${missing === undefined ? '' : ` (skipped: ${missing})`}`, async () => {
    const s = await scaleService(dvDir, seed.manifest);
    expect(s.openMs).toBeGreaterThan(0);
    expect(s.firstAnswerMs).toBeGreaterThanOrEqual(s.openMs);
    expect(s.verifyMs).toBeGreaterThan(0);
    const g = s.getsDuringVerify;
    expect(g.calls).toBeGreaterThan(0);
    expect(g.p50Ms).toBeGreaterThan(0);
    expect(g.p50Ms).toBeLessThanOrEqual(g.p99Ms);
    expect(g.p99Ms).toBeLessThanOrEqual(g.maxMs);
    expect(s.peakRssMb).toBeGreaterThan(0);
  });

  it('seeds raw and reads it cold, and renders the curve with the growth per 10×', async () => {
    const rawSeed = await scaleSeed('raw', DOCS, BYTES, join(tmp.dir, 'raw'));
    expect(rawSeed.docsPerSec).toBeGreaterThan(0);
    expect(rawSeed.fileBytes).toBeGreaterThan(DOCS * BYTES);
    const rawMeasure = await scaleRawMeasure(join(tmp.dir, 'raw'), rawSeed.manifest);
    expect(rawMeasure.getColdOpsPerSec).toBeGreaterThan(0);

    const rec = scaleRecord({ docvaultSeed: seed, measure: measured, rawSeed, rawMeasure, commit: 'test' });
    expect(rec).toMatchObject({ docs: DOCS, docBytes: BYTES, commit: 'test' });
    expect(rec.docvault.seed).not.toHaveProperty('manifest');
    expect(rec.raw?.measure.getColdOpsPerSec).toBe(rawMeasure.getColdOpsPerSec);
    // A second point with the same figures: every growth factor is exactly 1.00×.
    const bigger: ScaleRecord = { ...rec, docs: DOCS * 10 };
    const md = renderScaleMarkdown([bigger, rec]);
    expect(md).toContain(`| figure | 1,500 | 15,000 | ×10 1.50k→15.0k |`);
    expect(md).toMatch(/\| seed docvault ÷ raw \| \d+\.\d\d× \| \d+\.\d\d× \| 1\.00× \|/);
    expect(md).toMatch(/\| verify, versions\/s \| [\d.]+k? \| [\d.]+k? \| 1\.00× \|/);
    expect(md).not.toContain('StorageService.open, ms');
  });
});

describe('npm run bench:scale', () => {
  it('runs a tiny point end to end and writes the JSON and the Markdown', async () => {
    const out = join(tmp.dir, 'runner.json');
    const root = join(import.meta.dirname, '../..');
    await promisify(execFile)(process.execPath, [join(root, 'scripts/bench-scale.mjs'), '--sizes', '400', '--bytes', '128', '--no-service', '--json', out], { cwd: root });
    const records = JSON.parse(readFileSync(out, 'utf8')) as ScaleRecord[];
    expect(records).toHaveLength(1);
    const r = records[0] as ScaleRecord;
    expect(r).toMatchObject({ docs: 400, docBytes: 128 });
    expect(r.docvault.measure.counts).toEqual(expectedCounts(400));
    expect(r.docvault.service).toBeUndefined();
    expect(r.raw?.measure.getColdOpsPerSec).toBeGreaterThan(0);
    expect(existsSync(out.replace(/\.json$/, '.md'))).toBe(true);
    expect(readFileSync(out.replace(/\.json$/, '.md'), 'utf8')).toContain('| figure | 400 |');
  }, 180_000);
});
