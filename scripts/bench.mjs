#!/usr/bin/env node
// Runs the benchmark: bundles bench/ with esbuild into out/bench, seeds one store per driver × size
// (each in its own process), then runs every trial × driver × size in a fresh `node` process on a fresh
// copy of that store, collects one JSON line from each, and writes JSON + a Markdown table.
//
//   npm run bench                          10k documents × 1 KB (< 5 min on 2 cores)
//   npm run bench:full                     10k/100k documents × 1 KB/10 KB
//   npm run bench -- --quick               tiny sizes and short runs (a smoke test)
//   npm run bench -- --trial get-hot,save --driver docvault,raw
//   npm run bench -- --trial attachments   attachment write/read MB/s and dedup (64 × 4 MiB; --quick: 8 × 1 MiB)
//   npm run bench -- --trial import        import docs/s: 20,000 Markdown files with front matter, the CLI's path (--quick: 500; --docs N)
//   npm run bench -- --trial index-build   search index build docs/s at 10k and 100k: rebuild, bulk-save with the search
//                                          queue indexed and without its triggers (--quick: 1,000; --docs N: that size only)
//   npm run bench -- --json FILE --md FILE  (default bench/results/latest.json / latest.md)
//   npm run bench -- --publish             also write the table to bench/RESULTS.md (committed)
//   npm run bench -- --docs 100000 --bytes 1024   one custom size
//   npm run bench -- --runs 7 --run-ms 500 --warmup-ms 300
//   npm run bench -- --profile             node --cpu-prof for every trial child (bench/results/profiles)
//   npm run bench -- --note 'quiet machine'   a line of context printed above the table
//   npm run bench -- --keep                keep the temp stores (their path is printed)
import { bundleBench, buildWorkerBundle, gitCommit, helpAndExitIfAsked, progressLog, runChild, workFolder, writeResults } from './bench-common.mjs';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    md: { type: 'string' },
    publish: { type: 'boolean', default: false },
    trial: { type: 'string', multiple: true },
    driver: { type: 'string', multiple: true },
    docs: { type: 'string' },
    bytes: { type: 'string' },
    runs: { type: 'string' },
    'run-ms': { type: 'string' },
    'warmup-ms': { type: 'string' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    note: { type: 'string', multiple: true },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
helpAndExitIfAsked(args, import.meta.url);

// ---------------------------------------------------------------- bundle
const { lib, transfer, childPath } = await bundleBench(root);
const { formatRate } = lib;

// ---------------------------------------------------------------- what to run
const list = (xs) => (xs ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
let trials, drivers;
// `attachments`, `import` and `index-build` measure bytes or whole-job docs/s, not operations per driver:
// each runs on its own, in this process (bench/attachments.ts, bench/import.ts, bench/index-build.ts).
const STANDALONE = ['attachments', 'import', 'index-build'];
const standalone = list(args.trial).filter((n) => STANDALONE.includes(n));
const perOpTrials = list(args.trial).filter((n) => !STANDALONE.includes(n));
const customDocs = args.docs !== undefined ? Number(args.docs) : undefined;
if (customDocs !== undefined && (!Number.isSafeInteger(customDocs) || customDocs < 1)) {
  console.error('--docs must be a positive integer');
  process.exit(2);
}
const scratch = (name) => join(root, 'out', `bench-${name}-${process.pid}`);
const rate = (x) => `${formatRate(x)} docs/s`;
let standaloneFailed = false;
if (standalone.includes('attachments')) {
  const files = args.quick ? 8 : 64;
  const fileBytes = args.quick ? 1024 * 1024 : 4 * 1024 * 1024;
  const r = await lib.runAttachmentsTrial({ dir: scratch('attachments'), files, fileBytes });
  const mb = (x) => `${x.toFixed(1)} MB/s`;
  console.log(
    [
      `attachments (${files} × ${fileBytes / 2 ** 20} MiB, one machine run, noisy):`,
      `  write ${mb(r.writeMBps)}, read ${mb(r.readMBps)} (every chunk verified), same files again ${mb(r.dedupWriteMBps)}`,
      `  dedup: ${r.dedup.blobs} files / ${r.dedup.chunks} chunks stored; after attaching them all again ${r.dedup.blobsAfter} / ${r.dedup.chunksAfter} (${r.dedup.ok ? 'ok' : 'FAILED'})`,
      `  peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
    ].join('\n'),
  );
  standaloneFailed ||= !r.dedup.ok;
}
if (standalone.includes('import')) {
  const files = customDocs ?? (args.quick ? 500 : 20_000);
  // The CLI's own path: `docvault import` calls importPath(vaultImportTarget(vault), PATH).
  const importFolder = (vault, path) => transfer.importPath(transfer.vaultImportTarget(vault), path);
  const r = await lib.runImportTrial({ dir: scratch('import'), files, importFolder });
  console.log(
    [
      `import (${files.toLocaleString('en')} Markdown files with front matter, ${r.fileBytes} B body, ${(r.folderBytes / 1e6).toFixed(1)} MB; one machine run, noisy):`,
      `  ${rate(r.docsPerSec)} (${r.seconds.toFixed(1)} s); check ${r.ok ? 'ok' : 'FAILED'}; peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
    ].join('\n'),
  );
  standaloneFailed ||= !r.ok;
}
if (standalone.includes('index-build')) {
  const sizes = customDocs !== undefined ? [customDocs] : args.quick ? [1000] : [10_000, 100_000];
  for (const docs of sizes) {
    const r = lib.runIndexBuildTrial({ dir: scratch('index-build'), docs, docBytes: Number(args.bytes ?? 1024) });
    console.log(
      [
        `index-build (${docs.toLocaleString('en')} documents × ${r.docBytes} B; one machine run, noisy):`,
        `  rebuildSearchIndex ${rate(r.rebuildDocsPerSec)}; bulk-save ${rate(r.bulkSaveDocsPerSec)} with the search queue indexed, ${rate(r.bulkSaveNoFtsDocsPerSec)} without (index share ${(r.ftsShare * 100).toFixed(0)} %)`,
        `  check ${r.ok ? 'ok' : 'FAILED'}; peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
      ].join('\n'),
    );
    standaloneFailed ||= !r.ok;
  }
}
if (standalone.length > 0 && (standaloneFailed || perOpTrials.length === 0)) process.exit(standaloneFailed ? 1 : 0);
try {
  trials = perOpTrials.length > 0 ? perOpTrials.map((n) => lib.trialByName(n)) : [...lib.TRIALS];
  drivers = list(args.driver).length > 0 ? list(args.driver).map((n) => lib.driverByName(n)) : [...lib.DRIVERS];
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

if (drivers.some((d) => d.name === 'service')) buildWorkerBundle(root);

// A peer whose library did not install or load is reported, and its trials come back as skipped records.
const unavailable = new Map();
for (const a of await lib.driverAvailability(drivers)) if (a.unavailable !== undefined) unavailable.set(a.name, a.unavailable);
for (const [name, why] of unavailable) process.stderr.write(`driver ${name} is unavailable: ${why}\n`);
const cannot = (driver, trial) => unavailable.has(driver.name) || driver.unsupported(trial.name) !== undefined;

/** [{label, docs, docBytes, sizeName|undefined}] */
let sizes;
if (args.docs !== undefined || args.bytes !== undefined) {
  const docs = Number(args.docs ?? 10_000);
  const docBytes = Number(args.bytes ?? 1024);
  if (!Number.isSafeInteger(docs) || docs < 1 || !Number.isSafeInteger(docBytes) || docBytes < 16) {
    console.error('--docs must be a positive integer and --bytes an integer ≥ 16');
    process.exit(2);
  }
  sizes = [{ docs, docBytes, sizeName: undefined }];
} else if (args.quick) sizes = [{ docs: 200, docBytes: 1024, sizeName: undefined }];
else if (args.full) sizes = Object.entries(lib.SIZES).map(([sizeName, s]) => ({ ...s, sizeName }));
else sizes = [{ ...lib.SIZES['10k×1KB'], sizeName: '10k×1KB' }];

const timing = args.quick ? { warmupMs: 20, runMs: 50, runs: 3, minOps: 2 } : { ...lib.DEFAULT_TIMING };
if (args.runs !== undefined) timing.runs = Number(args.runs);
if (args['run-ms'] !== undefined) timing.runMs = Number(args['run-ms']);
if (args['warmup-ms'] !== undefined) timing.warmupMs = Number(args['warmup-ms']);

const commit = gitCommit(root);

// ---------------------------------------------------------------- children
const profileDir = join(root, 'bench/results/profiles');
if (args.profile) mkdirSync(profileDir, { recursive: true });

function runJob(job, label) {
  const nodeArgs = args.profile && job.mode === 'trial' ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${label.replace(/[^\w.+-]+/g, '_')}.cpuprofile`] : [];
  return runChild(childPath, job, label, nodeArgs);
}

const { log, elapsed } = progressLog();
const { work, cleanup } = workFolder('docvault-bench-', args.keep, log);
const records = [];
const failures = [];
try {
  for (const size of sizes) {
    const sizeTrials = trials.filter((t) => size.sizeName === undefined || t.sizes.includes(size.sizeName));
    // Seed every store this size needs first, then run each trial on every driver back to back, so the
    // figures a ratio compares are taken minutes apart at most, whatever else the machine is doing.
    const templates = new Map();
    for (const driver of drivers)
      for (const trial of sizeTrials) {
        const key = `${driver.name}/${trial.seed}`;
        if (cannot(driver, trial) || templates.has(key)) continue;
        let template = join(work, `seed-${driver.name}-${trial.seed}-${size.docs}-${size.docBytes}`);
        log(`[${elapsed()}] seed ${key} ${size.docs}×${size.docBytes} …`);
        try {
          const m = await runJob({ mode: 'seed', driver: driver.name, seed: trial.seed, docs: size.docs, docBytes: size.docBytes, dir: template }, `seed ${key}`);
          log(`[${elapsed()}]   seeded in ${(m.seedMs / 1000).toFixed(1)} s (${formatRate((size.docs * 1000) / m.seedMs)} docs/s)`);
        } catch (err) {
          failures.push(err.message);
          log(`[${elapsed()}] seed ${key}: FAILED\n${err.message}`);
          template = null;
        }
        templates.set(key, template);
      }
    for (const trial of sizeTrials)
      for (const driver of drivers) {
        const base = { trial: trial.name, driver: driver.name, docs: size.docs, docBytes: size.docBytes };
        const label = `${trial.name} ${driver.name} ${size.docs}×${size.docBytes}`;
        if (cannot(driver, trial)) {
          // Skipped records need no process: build them in-process through the same function.
          records.push(await lib.runTrial(trial.name, driver.name, { ...base, dir: join(work, 'unused'), commit }));
          continue;
        }
        const template = templates.get(`${driver.name}/${trial.seed}`);
        if (template === null || template === undefined) continue;
        const dir = join(work, `run-${records.length}`);
        try {
          const rec = await runJob({ mode: 'trial', ...base, dir, template, timing, commit }, label);
          records.push(rec);
          log(`[${elapsed()}] ${label}: ${formatRate(rec.opsPerSec)} ${rec.unit}/s ±${rec.spread.toFixed(0)}%  rss ${rec.peakRssMb} MiB`);
        } catch (err) {
          failures.push(err.message);
          log(`[${elapsed()}] ${label}: FAILED\n${err.message}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    if (!args.keep) for (const dir of templates.values()) if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
} finally {
  cleanup();
}

// ---------------------------------------------------------------- results
const context = [];
if (args.quick) context.push('**Quick run** (tiny sizes, short runs): a smoke test, not a measurement.');
for (const n of args.note ?? []) context.push(`**Note:** ${n}`);
const md = lib.renderMarkdown(records, { context });
const { jsonPath, mdPath } = writeResults(root, 'latest', args, records, md);
if (args.publish) writeFileSync(join(root, 'bench/RESULTS.md'), md);
console.log(md);
log(`wrote ${jsonPath} and ${mdPath}${args.publish ? ' and bench/RESULTS.md' : ''} in ${elapsed()}`);
if (failures.length > 0) {
  log(`${failures.length} trial(s) failed:\n${failures.join('\n')}`);
  process.exit(1);
}
