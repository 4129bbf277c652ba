#!/usr/bin/env node
// bench:scale — how docvault's figures grow with the number of documents: 10k, 100k and 1,000,000
// realistic documents × 1 KB (bench/scale.ts). Each size: seed docvault, measure it, time the service's
// open, seed raw and read it cold — every step in a fresh `node` process on a store in a temp dir.
// Writes JSON + a Markdown curve (default bench/results/scale-latest.json / .md) and prints the curve.
//
//   npm run bench:scale                      10k, 100k, 1M (1M: ~2 GB of temp disk per store, minutes)
//   npm run bench:scale -- --max 10000       stop at 10k (a smoke test, well under a minute)
//   npm run bench:scale -- --sizes 1000,20000   any sizes
//   npm run bench:scale -- --bytes 1024 --no-raw --no-service
//   npm run bench:scale -- --json FILE --md FILE --note 'quiet machine' --keep
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleBench, buildWorkerBundle, gitCommit, helpAndExitIfAsked, progressLog, runChild, workFolder, writeResults } from './bench-common.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    max: { type: 'string' },
    sizes: { type: 'string' },
    bytes: { type: 'string', default: '1024' },
    'no-raw': { type: 'boolean', default: false },
    'no-service': { type: 'boolean', default: false },
    json: { type: 'string' },
    md: { type: 'string' },
    note: { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
helpAndExitIfAsked(args, import.meta.url);

const { lib, childPath } = await bundleBench(root);
const docBytes = Number(args.bytes);
const max = args.max === undefined ? Infinity : Number(args.max);
let sizes = args.sizes === undefined ? [...lib.SCALE_SIZES] : args.sizes.split(',').map((x) => Number(x.trim()));
sizes = sizes.filter((n) => n <= max);
if (sizes.length === 0 || sizes.some((n) => !Number.isSafeInteger(n) || n < 1) || !Number.isSafeInteger(docBytes) || docBytes < 16) {
  console.error('--sizes/--max must leave at least one positive integer size, and --bytes must be an integer ≥ 16');
  process.exit(2);
}
if (!args['no-service']) buildWorkerBundle(root);
const commit = gitCommit(root);

const { log, elapsed } = progressLog();
const { work, cleanup } = workFolder('docvault-scale-', args.keep, log);
const step = async (job, label) => {
  const s0 = Date.now();
  log(`[${elapsed()}] ${label} …`);
  const r = await runChild(childPath, job, label);
  log(`[${elapsed()}]   ${label}: done in ${((Date.now() - s0) / 1000).toFixed(1)} s`);
  return r;
};

const records = [];
const stepFailures = [];
let failed = false;
try {
  for (const docs of sizes) {
    const label = `${docs.toLocaleString('en-US')} × ${docBytes} B`;
    try {
      const dvDir = join(work, `docvault-${docs}`);
      mkdirSync(dvDir, { recursive: true });
      const docvaultSeed = await step({ mode: 'scale-seed', driver: 'docvault', docs, docBytes, dir: dvDir }, `seed docvault ${label}`);
      log(`    ${lib.formatRate(docvaultSeed.docsPerSec)} docs/s, file ÷ content ${docvaultSeed.fileRatio.toFixed(2)}`);
      const measure = await step({ mode: 'scale-measure', dir: dvDir, manifest: docvaultSeed.manifest }, `measure docvault ${label}`);
      // A failing service step (e.g. a caller's read timing out behind a verify) must not throw away the
      // minutes of seeding and measuring before it: the size is recorded without its service figures, the
      // failure is printed under the table, and the run still exits 1.
      let service;
      if (!args['no-service']) {
        try {
          service = await step({ mode: 'scale-service', dir: dvDir, manifest: docvaultSeed.manifest }, `service open ${label}`);
        } catch (err) {
          failed = true;
          const first = String(err.message).split('\n').find((l) => l.includes('Error')) ?? String(err.message).split('\n')[0];
          stepFailures.push(`${label}: the service step failed (${first.trim()}); its figures are missing.`);
          log(`[${elapsed()}] service open ${label}: FAILED\n${err.message}`);
        }
      }
      if (!args.keep) rmSync(dvDir, { recursive: true, force: true });
      let rawSeed;
      let rawMeasure;
      if (!args['no-raw']) {
        const rawDir = join(work, `raw-${docs}`);
        mkdirSync(rawDir, { recursive: true });
        rawSeed = await step({ mode: 'scale-seed', driver: 'raw', docs, docBytes, dir: rawDir }, `seed raw ${label}`);
        rawMeasure = await step({ mode: 'scale-raw-measure', dir: rawDir, manifest: rawSeed.manifest }, `get-cold raw ${label}`);
        if (!args.keep) rmSync(rawDir, { recursive: true, force: true });
      }
      records.push(lib.scaleRecord({ docvaultSeed, measure, service, rawSeed, rawMeasure, commit }));
    } catch (err) {
      failed = true;
      log(`[${elapsed()}] ${label}: FAILED\n${err.message}`);
      break; // a larger size would fail the same way, only slower
    }
  }
} finally {
  cleanup();
}

const context = [...(args.note ?? []).map((n) => `**Note:** ${n}`), ...stepFailures.map((f) => `**Failed:** ${f}`)];
if (sizes.some((n) => n < 10_000) || max < 1_000_000) context.unshift('**Smoke run** (stopped below 1M): proves the pipeline, not a measurement to publish.');
const md = lib.renderScaleMarkdown(records, { context });
const { jsonPath, mdPath } = writeResults(root, 'scale-latest', args, records, md);
console.log(md);
log(`wrote ${jsonPath} and ${mdPath} in ${elapsed()}`);
if (failed) process.exit(1);
