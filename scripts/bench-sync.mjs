#!/usr/bin/env node
// bench:sync — the team-vault `sync` trial (src/app/sync/sync-trial.ts): N documents × B bytes bulk-saved,
// pushed to a PostgreSQL on loopback (started here: TLS, as the tests do), cloned into a second vault; push
// and pull docs/s beside bulk-save docs/s of the same run, the clone's wall time, and an idle sync's cost.
// Each run uses fresh vaults and a fresh remote vault; the median of the runs and their spread are printed.
//
//   npm run bench:sync                        10,000 × 1 KB, 3 runs
//   npm run bench:sync -- --docs 1000 --runs 1   a smoke run
//   npm run bench:sync -- --bytes 10240 --json FILE --md FILE --note 'quiet machine'
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { gitCommit, helpAndExitIfAsked, progressLog, workFolder, writeResults } from './bench-common.mjs';
import { nodeBundleOptions } from './build-node.mjs';
import { ensurePostgres } from './ensure-postgres.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    bytes: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
    md: { type: 'string' },
    note: { type: 'string', multiple: true },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});
helpAndExitIfAsked(args, import.meta.url);
const docs = Number(args.docs);
const docBytes = Number(args.bytes);
const runs = Number(args.runs);
if (![docs, docBytes, runs].every((n) => Number.isSafeInteger(n) && n > 0)) {
  console.error('--docs, --bytes and --runs are positive integers');
  process.exit(2);
}
const pgState = ensurePostgres();
if (pgState.reason !== undefined) {
  console.error(`bench:sync needs PostgreSQL: ${pgState.reason}`);
  process.exit(1);
}

const pkg = (await import(pathToFileURL(join(root, 'package.json')).href, { with: { type: 'json' } })).default;
const outdir = join(root, 'out/bench-sync');
const options = nodeBundleOptions({ trial: join(root, 'src/app/sync/sync-trial.ts'), server: join(root, 'test/pg/server.ts') }, outdir);
await build({ ...options, external: [...options.external, ...Object.keys(pkg.devDependencies ?? {})] });
const { runSyncTrial } = await import(pathToFileURL(join(outdir, 'trial.mjs')).href);
const { startTestPg } = await import(pathToFileURL(join(outdir, 'server.mjs')).href);

const { log, elapsed } = progressLog();
const { work, cleanup } = workFolder('docvault-bench-sync-', false, log);
const srv = await startTestPg();
const results = [];
try {
  // The schema, as `docvault remote init` makes it, with alice granted the sync role.
  execFileSync(process.execPath, [join(root, 'bin/docvault.mjs'), 'remote', 'init', srv.adminUrl, '--ca', srv.caFile, '--grant', 'alice'], { stdio: 'inherit' });
  for (let i = 0; i < runs; i++) {
    const dir = join(work, `run-${i}`);
    mkdirSync(dir, { recursive: true });
    log(`[${elapsed()}] run ${i + 1}/${runs}: ${docs.toLocaleString('en-US')} × ${docBytes} B …`);
    const r = await runSyncTrial({ url: srv.aliceUrl, caFile: srv.caFile, password: srv.alicePassword, docs, docBytes, dir });
    log(`    bulk-save ${Math.round(r.bulkSaveDocsPerSec)} docs/s, push ${Math.round(r.pushDocsPerSec)} docs/s, pull ${Math.round(r.pullDocsPerSec)} docs/s, clone ${Math.round(r.cloneMs)} ms`);
    results.push(r);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  srv.stop();
  cleanup();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const row = (label, key, unit, digits = 0) => {
  const xs = results.map((r) => r[key]);
  const f = (x) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
  return `| ${label} | ${f(median(xs))} ${unit} | ${f(Math.min(...xs))} – ${f(Math.max(...xs))} |`;
};
const bulk = median(results.map((r) => r.bulkSaveDocsPerSec));
const md = [
  `# sync trial: ${docs.toLocaleString('en-US')} × ${docBytes} B, PostgreSQL on loopback (TLS), ${runs} run${runs === 1 ? '' : 's'}`,
  '',
  `Commit ${gitCommit(root)}, ${new Date().toISOString()}.${docs < 10_000 || runs < 3 ? ' **Smoke run**: proves the trial works, not a figure to publish.' : ''}`,
  ...(args.note ?? []).map((n) => `\n**Note:** ${n}`),
  '',
  '| measure | median | spread |',
  '|---|---|---|',
  row('bulk-save (local, batches of 1,000)', 'bulkSaveDocsPerSec', 'docs/s'),
  row('push (seal + insert, batches of 1,000)', 'pushDocsPerSec', 'docs/s'),
  row('pull (clone: select + open + apply)', 'pullDocsPerSec', 'docs/s'),
  row('clone wall time', 'cloneMs', 'ms'),
  row('idle sync (nothing to do)', 'idleSyncMs', 'ms', 1),
  '',
  `push ÷ bulk-save ${(median(results.map((r) => r.pushDocsPerSec)) / bulk).toFixed(2)}, pull ÷ bulk-save ${(median(results.map((r) => r.pullDocsPerSec)) / bulk).toFixed(2)} (same run).`,
  '',
].join('\n');
const { jsonPath, mdPath } = writeResults(root, 'sync-latest', args, results, md);
console.log(md);
log(`wrote ${jsonPath} and ${mdPath} in ${elapsed()}`);
