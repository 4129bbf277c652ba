/**
 * bench:scale — how docvault's figures grow with the number of documents (issue 12: 10k, 100k, 1M
 * realistic documents × 1 KB). One point is three steps, each meant for a fresh process (the runner,
 * scripts/bench-scale.mjs, spawns bench/child.ts per step): `seed` builds the store, `measure` opens it
 * and takes every figure, `service` times StorageService.open to its first answer. raw (the SQLCipher
 * floor) is seeded and read cold the same way, for the seed rate and get-cold comparisons. The service
 * step also verifies the vault on the service while one caller reads, to show whether verify blocks it.
 *
 * Latencies are single calls timed with performance.now(): the median of {@link REPEATS} calls after
 * one untimed call (the first is reported on its own where "first" is the point, as for open).
 * Nothing here asserts a time; the self-checks (exact counts, a full first page, verify ok) prove the
 * figures are of real work.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StorageService, Vault } from '../src/main/storage';
import { DOC_TYPES, TAGS, docId, randomIndices, seedBatches, tagsFor, typeFor } from './data';
import { driverByName } from './drivers';
import { SMALL_CACHE } from './drivers/docvault';
import { rawDriver } from './drivers/sqlite';
import { measure, median } from './measure';
import { makeOp } from './ops';
import { machineInfo } from './run';
import { trialByName } from './trials';
import type { MachineInfo, StoreManifest, Timing } from './types';

/** Sizes of `npm run bench:scale` (`--max N` stops earlier). */
export const SCALE_SIZES: readonly number[] = [10_000, 100_000, 1_000_000];
/** Timed calls per latency figure (the median is reported). */
export const REPEATS = 5;
/** How deep the deep page is: the page reached after this many cursors (or the last page, if sooner). */
export const DEEP_PAGES = 50;
/** Documents per transaction while seeding (big transactions: 1M documents in a few minutes). */
export const SCALE_SEED_BATCH = 10_000;
/** The filters every list/count figure is taken with: none, the most common type, one tag. */
export const SCALE_FILTERS = { all: {}, type: { type: DOC_TYPES[0]?.type ?? 'note' }, tag: { tag: TAGS[0] ?? 'work' } } as const;
/** get-cold's measured loop at scale (shorter than the bench's: one figure among many). */
const GET_COLD_TIMING: Timing = { warmupMs: 300, runMs: 500, runs: 3, minOps: 100 };

const FILE = 'bench.dvault';

/** Which filter a figure was taken with. */
export type ScaleFilter = keyof typeof SCALE_FILTERS;

/** One step's job. */
export type ScaleStep = 'seed' | 'measure' | 'service';

/** What a seed step reports. */
export interface ScaleSeed {
  readonly driver: 'docvault' | 'raw';
  readonly docs: number;
  readonly docBytes: number;
  readonly seedMs: number;
  readonly docsPerSec: number;
  /** Bytes of every file of the store after close (database, WAL, …). */
  readonly fileBytes: number;
  /** fileBytes ÷ (docs × docBytes). */
  readonly fileRatio: number;
  readonly peakRssMb: number;
  /** The JS heap in use after a full collection: docvault's with the vault still open (after its last batch and the search flush), raw's after its seed. */
  readonly liveHeapMb: number;
  readonly manifest: StoreManifest;
}

/** A paged list figure: the first page and the page {@link DEEP_PAGES} cursors deep. */
export interface PageFigure {
  /** The very first list call with this filter in the process (statement preparation, cold page cache), ms. */
  readonly firstCallMs: number;
  /** The first page again: median of {@link REPEATS} calls, ms. */
  readonly firstPageMs: number;
  /** Cursors followed to reach the deep page (< DEEP_PAGES when the filter has fewer pages). */
  readonly depth: number;
  readonly deepPageMs: number;
  /** Items on the first page (a self-check: min(100, matches)). */
  readonly firstPageItems: number;
}

/** What the measure step reports (docvault). */
export interface ScaleMeasure {
  /** Vault.openSync of the store, first open in this process, ms. */
  readonly firstOpenMs: number;
  /** Median of later open + close, ms. */
  readonly openMs: number;
  readonly pages: Readonly<Record<ScaleFilter, PageFigure>>;
  /** Unfiltered, sorted by title (schema step "title rows held": held rows, not an index). Absent from records made before it. */
  readonly titlePages?: PageFigure;
  readonly countMs: Readonly<Record<ScaleFilter, number>>;
  /** The counts themselves, checked against what data.ts says the store holds. */
  readonly counts: Readonly<Record<ScaleFilter, number>>;
  readonly statsMs: number;
  readonly verifyMs: number;
  readonly verifyVersions: number;
  readonly verifyVersionsPerSec: number;
  readonly verifyOk: boolean;
  /** get, uniform over every document, document cache set small (the bench's get-cold). */
  readonly getColdOpsPerSec: number;
  readonly peakRssMb: number;
  /** The JS heap in use after a full collection, the vault still open after every figure above but get-cold. */
  readonly liveHeapMb: number;
}

/** Latencies of the gets one caller made while the service verified the whole vault. */
export interface GetsDuringVerify {
  readonly calls: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What the service step reports. */
export interface ScaleService {
  /** StorageService.open resolved, ms. */
  readonly openMs: number;
  /** open + the first page of `list` (what the window shows first), ms. */
  readonly firstAnswerMs: number;
  /** StorageService.verify() of the whole vault, ms (on its worker). */
  readonly verifyMs: number;
  /** Does a verify block other callers? One caller's gets (uniform ids) while it ran. */
  readonly getsDuringVerify: GetsDuringVerify;
  readonly peakRssMb: number;
}

/** What the raw measure step reports. */
export interface ScaleRawMeasure {
  readonly getColdOpsPerSec: number;
  readonly peakRssMb: number;
}

/** One point of the curve, as written to the JSON file. */
export interface ScaleRecord {
  readonly docs: number;
  readonly docBytes: number;
  readonly docvault: { readonly seed: Omit<ScaleSeed, 'manifest'>; readonly measure: ScaleMeasure; readonly service?: ScaleService };
  readonly raw?: { readonly seed: Omit<ScaleSeed, 'manifest'>; readonly measure: ScaleRawMeasure };
  readonly machine: MachineInfo;
  readonly date: string;
  readonly commit: string;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * The JS heap in use after a full collection, MiB: what the process keeps, where a peak RSS also counts the
 * garbage V8 had not collected yet (and the heap it keeps committed for the next burst).
 */
function liveHeapMb(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}

function dirBytes(dir: string): number {
  let sum = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    sum += e.isDirectory() ? dirBytes(p) : e.name.endsWith('.json') ? 0 : statSync(p).size;
  }
  return sum;
}

function timeMs<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

/** Median of {@link REPEATS} timed calls after one untimed call. */
function latencyMs(fn: () => unknown): number {
  fn();
  const xs: number[] = [];
  for (let i = 0; i < REPEATS; i++) xs.push(timeMs(fn)[1]);
  return median(xs);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench:scale self-check failed: ${what}`);
}

/** How many of the first `docs` documents each filter matches (from data.ts, not from the store). */
export function expectedCounts(docs: number): Record<ScaleFilter, number> {
  let type = 0;
  let tag = 0;
  for (let n = 0; n < docs; n++) {
    if (typeFor(n) === SCALE_FILTERS.type.type) type++;
    if (tagsFor(n).includes(SCALE_FILTERS.tag.tag)) tag++;
  }
  return { all: docs, type, tag };
}

/** Seeds `dir` with `docs` realistic documents for docvault (no history document) or raw. */
export async function scaleSeed(driver: 'docvault' | 'raw', docs: number, docBytes: number, dir: string): Promise<ScaleSeed> {
  let manifest: StoreManifest;
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  let seedMs: number;
  let live: number;
  if (driver === 'raw') {
    manifest = await rawDriver.seed(dir, 'docs', { docs, docBytes });
    seedMs = performance.now() - t0;
    live = liveHeapMb();
  } else {
    const rawKey = randomBytes(32).toString('hex');
    // The close finishes the search index's merges, as the bench's seed does (drivers/docvault.ts): the
    // figures below are taken on the index an idle writer leaves. They are background work, so the seed's
    // time ends before them: every document written and indexed (the search queue emptied), as before the close.
    const vault = Vault.createSync(join(dir, FILE), { key: { rawKey }, closeWorkMs: 3_600_000 });
    try {
      for (const batch of seedBatches(docs, docBytes, SCALE_SEED_BATCH)) check(vault.bulkCreate(batch).committed, 'a seed batch did not commit');
      vault.indexSearch();
      seedMs = performance.now() - t0;
      live = liveHeapMb();
    } finally {
      vault.close();
    }
    manifest = { driver: 'docvault', seed: 'docs', docs, docBytes, rawKey, seedMs };
  }
  const fileBytes = dirBytes(dir);
  return { driver, docs, docBytes, seedMs, docsPerSec: (docs * 1000) / seedMs, fileBytes, fileRatio: fileBytes / (docs * docBytes), peakRssMb: peakRssMb(), liveHeapMb: live, manifest };
}

/** Follows cursors from the first page down to the page DEEP_PAGES deep (or the last); times that page. */
function pageFigure(vault: Vault, filter: Readonly<{ type?: string; tag?: string }>, sort: 'updated' | 'title' = 'updated'): PageFigure {
  const q = { ...filter, sort, limit: 100 };
  const [first, firstCallMs] = timeMs(() => vault.list(q));
  const firstPageMs = latencyMs(() => vault.list(q));
  let cursor = first.nextCursor;
  let deepCursor: string | undefined;
  let depth = 0;
  while (cursor !== null && depth < DEEP_PAGES) {
    deepCursor = cursor;
    depth++;
    cursor = vault.list({ ...q, cursor }).nextCursor;
  }
  const deepPageMs = deepCursor === undefined ? firstPageMs : latencyMs(() => vault.list({ ...q, cursor: deepCursor }));
  return { firstCallMs, firstPageMs, depth, deepPageMs, firstPageItems: first.items.length };
}

/** Opens the seeded docvault store and takes every figure of the curve (a fresh process per call). */
export async function scaleMeasure(dir: string, manifest: StoreManifest): Promise<ScaleMeasure> {
  const path = join(dir, FILE);
  const key = { rawKey: manifest.rawKey ?? '' };
  const [first, firstOpenMs] = timeMs(() => Vault.openSync(path, { key }));
  first.close();
  const openMs = latencyMs(() => Vault.openSync(path, { key }).close());

  const expected = expectedCounts(manifest.docs);
  const vault = Vault.openSync(path, { key });
  let m: Omit<ScaleMeasure, 'getColdOpsPerSec' | 'peakRssMb' | 'liveHeapMb'>;
  let live: number;
  try {
    const filters = Object.keys(SCALE_FILTERS) as ScaleFilter[];
    const pages = {} as Record<ScaleFilter, PageFigure>;
    const countMs = {} as Record<ScaleFilter, number>;
    const counts = {} as Record<ScaleFilter, number>;
    for (const f of filters) {
      pages[f] = pageFigure(vault, SCALE_FILTERS[f]);
      check(pages[f].firstPageItems === Math.min(100, expected[f]), `first page (${f}) has ${pages[f].firstPageItems} items`);
      counts[f] = vault.count(SCALE_FILTERS[f]);
      check(counts[f] === expected[f], `count (${f}) is ${counts[f]}, the store holds ${expected[f]}`);
      countMs[f] = latencyMs(() => vault.count(SCALE_FILTERS[f]));
    }
    const titlePages = pageFigure(vault, {}, 'title');
    check(titlePages.firstPageItems === Math.min(100, expected.all), `first page by title has ${titlePages.firstPageItems} items`);
    const statsMs = latencyMs(() => vault.stats());
    const [report, verifyMs] = timeMs(() => vault.verify());
    check(report.ok, `verify found ${report.problems.length} problems`);
    check(report.versions === manifest.docs, `verify checked ${report.versions} versions of ${manifest.docs}`);
    m = { firstOpenMs, openMs, pages, titlePages, countMs, counts, statsMs, verifyMs, verifyVersions: report.versions, verifyVersionsPerSec: (report.versions * 1000) / verifyMs, verifyOk: report.ok };
    live = liveHeapMb();
  } finally {
    vault.close();
  }
  const getColdOpsPerSec = await getCold('docvault', dir, manifest);
  return { ...m, getColdOpsPerSec, peakRssMb: peakRssMb(), liveHeapMb: live };
}

/** The bench's get-cold trial on an open store: uniform gets over every document, small cache. */
async function getCold(driverName: 'docvault' | 'raw', dir: string, manifest: StoreManifest): Promise<number> {
  const trial = trialByName('get-cold');
  const driver = driverByName(driverName);
  const session = await driver.open(dir, manifest, { cache: 'small' });
  try {
    const op = makeOp({ trial, driver, session, manifest, dir });
    await op.prepare?.();
    const r = await measure(op, { sync: driver.sync, concurrency: 1, timing: GET_COLD_TIMING });
    return median(r.runs);
  } finally {
    await session.close();
  }
}

/** raw's measure step: get-cold only. */
export async function scaleRawMeasure(dir: string, manifest: StoreManifest): Promise<ScaleRawMeasure> {
  return { getColdOpsPerSec: await getCold('raw', dir, manifest), peakRssMb: peakRssMb() };
}

/** StorageService.open, then its first answer (the first page of list), in a fresh process. */
export async function scaleService(dir: string, manifest: StoreManifest): Promise<ScaleService> {
  const t0 = performance.now();
  const s = await StorageService.open(join(dir, FILE), { key: { rawKey: manifest.rawKey ?? '' } });
  const openMs = performance.now() - t0;
  let firstAnswerMs: number;
  try {
    const page = await s.list({ sort: 'updated', limit: 100 });
    firstAnswerMs = performance.now() - t0;
    check(page.items.length === Math.min(100, manifest.docs), `the service's first page has ${page.items.length} items`);
  } finally {
    await s.close();
  }
  // Verify on the service while one caller keeps reading: the issue wants no caller blocked > ~50 ms. The
  // small document cache makes those reads go to the readers, where verify could be in the way.
  const sv = await StorageService.open(join(dir, FILE), { key: { rawKey: manifest.rawKey ?? '' }, tuning: SMALL_CACHE });
  try {
    const ids = randomIndices(1 << 16, manifest.docs, 9);
    const latencies: number[] = [];
    let verifying = true;
    const v0 = performance.now();
    const verified = sv.verify().finally(() => {
      verifying = false;
    });
    const reader = (async () => {
      for (let i = 0; verifying; i++) {
        const c0 = performance.now();
        await sv.get(docId(ids[i & 0xffff] ?? 0));
        latencies.push(performance.now() - c0);
      }
    })();
    const [report] = await Promise.all([verified, reader]);
    const verifyMs = performance.now() - v0;
    check(report.ok && report.versions === manifest.docs, `the service's verify checked ${report.versions} versions, ok=${String(report.ok)}`);
    check(latencies.length > 0, 'no get completed while the service verified');
    latencies.sort((a, b) => a - b);
    const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    const getsDuringVerify = { calls: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies[latencies.length - 1] ?? 0 };
    return { openMs, firstAnswerMs, verifyMs, getsDuringVerify, peakRssMb: peakRssMb() };
  } finally {
    await sv.close();
  }
}

/** Assembles one point's record from its steps' results. */
export function scaleRecord(parts: {
  docvaultSeed: ScaleSeed;
  measure: ScaleMeasure;
  service?: ScaleService;
  rawSeed?: ScaleSeed;
  rawMeasure?: ScaleRawMeasure;
  commit: string;
}): ScaleRecord {
  const strip = ({ manifest: _m, ...rest }: ScaleSeed): Omit<ScaleSeed, 'manifest'> => rest;
  const { docs, docBytes } = parts.docvaultSeed;
  return {
    docs,
    docBytes,
    docvault: { seed: strip(parts.docvaultSeed), measure: parts.measure, ...(parts.service === undefined ? {} : { service: parts.service }) },
    ...(parts.rawSeed === undefined || parts.rawMeasure === undefined ? {} : { raw: { seed: strip(parts.rawSeed), measure: parts.rawMeasure } }),
    machine: machineInfo(),
    date: new Date().toISOString(),
    commit: parts.commit,
  };
}
