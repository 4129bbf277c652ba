/**
 * The peers of issue 12 (lmdb, signal, pouchdb-crypto) run every trial they can, return a skipped record
 * with the reason for the others, keep what they write, and keep their data encrypted at rest. No time
 * is asserted: only that the work was done.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DRIVERS, TRIALS, driverAvailability, driverByName, peerModule, runTrial, seedStore } from '../../bench';
import { docId, makeDoc, newDocId } from '../../bench/data';
import type { SeedKind, StoreManifest } from '../../bench/types';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('docvault-bench-peers-');
afterAll(() => tmp.cleanup());

const size = { docs: 50, docBytes: 256 };
const timing = { warmupMs: 5, runMs: 15, runs: 2, minOps: 1 };
let n = 0;
const dir = (): string => join(tmp.dir, `p${n++}`);

/** One seeded template per driver × seed kind, copied by each trial (as the runner does). */
const templates = new Map<string, Promise<string>>();
function template(driver: string, seed: SeedKind): Promise<string> {
  const key = `${driver}/${seed}`;
  let t = templates.get(key);
  if (t === undefined) {
    const d = dir();
    t = seedStore(driver, seed, { ...size, dir: d }).then(() => d);
    templates.set(key, t);
  }
  return t;
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function storeContains(d: string, needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return filesUnder(d).some((f) => !f.endsWith('bench-store.json') && readFileSync(f).includes(bytes));
}

describe.each(['lmdb', 'signal', 'pouchdb-crypto'])('peer %s', (name) => {
  const driver = driverByName(name);

  for (const trial of TRIALS) {
    const why = driver.unsupported(trial.name);
    it(why === undefined ? `runs ${trial.name}` : `reports ${trial.name} as not applicable, with the reason`, async () => {
      const r = await runTrial(trial.name, name, { ...size, timing, dir: dir(), commit: 'test', ...(why === undefined ? { template: await template(name, trial.seed) } : {}) });
      expect(r).toMatchObject({ trial: trial.name, driver: name, docs: size.docs, docBytes: size.docBytes, commit: 'test' });
      if (why !== undefined) {
        expect(r.skipped).toBe(why);
        expect(r.opsPerSec).toBeNull();
        expect(r.measuredUnits).toBe(0);
        return;
      }
      expect(r.skipped).toBeUndefined();
      expect(r.opsPerSec).toBeGreaterThan(0);
      expect(r.runs).toHaveLength(2);
      for (const x of r.runs) expect(x).toBeGreaterThan(0);
      expect(r.measuredUnits).toBeGreaterThan(0);
      expect(r.unit).toBe(trial.batch === undefined ? 'ops' : 'docs');
      if (trial.batch !== undefined) expect(r.measuredUnits % trial.batch).toBe(0);
      expect(r.peakRssMb).toBeGreaterThan(0);
    });
  }

  it('keeps what save wrote, and the seeded documents', async () => {
    const d = dir();
    const r = await runTrial('save', name, { ...size, timing, dir: d, template: await template(name, 'docs'), commit: 'test' });
    expect(r.measuredUnits).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(d, 'bench-store.json'), 'utf8')) as StoreManifest;
    const s = await driver.open(d, manifest);
    try {
      expect(await s.exists(newDocId(0))).toBe(true);
      expect(await s.exists(docId(size.docs - 1))).toBe(true);
      expect(await s.exists(docId(size.docs))).toBe(false);
      const got = (await s.get(docId(3))) as string | { content: string };
      expect(typeof got === 'string' ? got : got.content).toBe(makeDoc(3, size.docBytes).content);
    } finally {
      await s.close();
    }
  });
});

describe('encryption at rest', () => {
  // A run of document text that appears nowhere else: found in a store's files only if stored in clear.
  const needle = makeDoc(7, size.docBytes).content.slice(0, 40);
  it.each(['docvault', 'raw', 'lmdb', 'signal', 'pouchdb-crypto'])('%s keeps no document text in clear', async (name) => {
    const d = dir();
    await seedStore(name, 'docs', { ...size, dir: d });
    expect(storeContains(d, needle)).toBe(false);
  });
  it('plain (the control) does, so the scan can find text', async () => {
    const d = dir();
    await seedStore('plain', 'docs', { ...size, dir: d });
    expect(storeContains(d, needle)).toBe(true);
  });
});

describe('signal and raw use the same cipher settings', () => {
  it.each([
    ['raw', 'signal'],
    ['signal', 'raw'],
  ])('a store seeded by %s opens and reads with %s', async (from, to) => {
    const d = dir();
    const manifest = await seedStore(from, 'docs', { ...size, dir: d });
    const s = await driverByName(to).open(d, { ...manifest, driver: to });
    try {
      expect(await s.get(docId(11))).toBe(makeDoc(11, size.docBytes).content);
    } finally {
      await s.close();
    }
  });
});

describe('driver availability', () => {
  it('lists every driver; the installed peers are available; signal is marked bench-only', async () => {
    const list = await driverAvailability();
    expect(list.map((d) => d.name)).toEqual(DRIVERS.map((d) => d.name));
    for (const d of list) expect(d.unavailable).toBeUndefined();
    expect(list.find((d) => d.name === 'signal')?.benchOnly).toMatch(/AGPL/);
    expect(list.filter((d) => d.benchOnly !== undefined).map((d) => d.name)).toEqual(['signal']);
  });

  it('reports a library that does not load as unavailable, with the reason, without throwing', async () => {
    const missing = peerModule('docvault-bench-no-such-peer', (ns) => ns);
    expect(await missing.available()).toMatch(/^docvault-bench-no-such-peer did not load: .*docvault-bench-no-such-peer/);
    await expect(missing.load()).rejects.toThrow(/docvault-bench-no-such-peer/);
  });
});
