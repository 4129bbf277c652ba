#!/usr/bin/env node
// bench:sync — the team-vault `sync` trial (src/app/sync/sync-trial.ts): N documents × B bytes bulk-saved,
// pushed to a PostgreSQL on loopback (started here: TLS, as the tests do), cloned into a second vault; push
// and pull docs/s beside bulk-save docs/s of the same run, the clone's wall time, and an idle sync's cost.
// Each run uses fresh vaults and a fresh remote vault; the median of the runs and their spread are printed.
// With --load-rows N: the cost of one sync on a loaded server as well — N rows bulk-loaded into the vault under
// test and N more spread over --load-vaults other vaults (64-byte sealed stand-ins: the probe is what is timed),
// then an idle sync (median, p90 of 20) and a sync that pulls 100 new rows, for a device at the vault's end.
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
    'load-rows': { type: 'string', default: '0' },
    'load-vaults': { type: 'string', default: '10' },
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
const { runSyncTrial, runSyncLoad } = await import(pathToFileURL(join(outdir, 'trial.mjs')).href);
const { startTestPg } = await import(pathToFileURL(join(outdir, 'server.mjs')).href);

const { log, elapsed } = progressLog();
const { work, cleanup } = workFolder('docvault-bench-sync-', false, log);
const srv = await startTestPg();
const results = [];
/** @type {undefined | { idleSyncMsMedian: number, idleSyncMsP90: number, busySyncMs: number, busyPulled: number }} */
let load;
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
  const loadRows = Number(args['load-rows']);
  if (loadRows > 0) {
    const dir = join(work, 'load');
    mkdirSync(dir, { recursive: true });
    const others = Math.max(1, Number(args['load-vaults']));
    const fill = async (vaultId) => {
      const uuid = vaultId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
      log(`[${elapsed()}] loading ${loadRows.toLocaleString('en-US')} rows into the vault and ${loadRows.toLocaleString('en-US')} into ${others} others …`);
      await srv.admin('ALTER TABLE docvault.rows DISABLE TRIGGER rows_assign_seq');
      await srv.admin(`INSERT INTO docvault.vaults (vault_id, check_blob) SELECT gen_random_uuid(), '\\x00' FROM generate_series(1, ${others})`);
      const row = (vault, seq) => `SELECT ${vault}, ${seq}, sha256(int8send(${seq})), substring(sha256(int8send(-${seq})) for 16), sha256(int8send(${seq} + 1)) || sha256(int8send(${seq} + 2))`;
      await srv.admin(`INSERT INTO docvault.rows (vault_id, seq, doc_hash, push_id, sealed) ${row(`'${uuid}'::uuid`, 'g')} FROM generate_series(1, ${loadRows}) g`);
      await srv.admin(
        `INSERT INTO docvault.rows (vault_id, seq, doc_hash, push_id, sealed) ${row('v.vault_id', 'g')} FROM (SELECT vault_id FROM docvault.vaults WHERE vault_id <> '${uuid}'::uuid AND kdf_salt IS NULL AND check_blob = '\\x00') v, generate_series(1, ${Math.ceil(loadRows / others)}) g`,
      );
      await srv.admin(`UPDATE docvault.vaults SET next_seq = ${loadRows + 1} WHERE vault_id = '${uuid}'::uuid`);
      await srv.admin('ALTER TABLE docvault.rows ENABLE TRIGGER rows_assign_seq; ANALYZE docvault.rows');
      const [size] = await srv.admin("SELECT pg_total_relation_size('docvault.rows') AS bytes, (SELECT count(*) FROM docvault.rows) AS n");
      log(`[${elapsed()}]   docvault.rows: ${Number(size.n).toLocaleString('en-US')} rows, ${(Number(size.bytes) / 2 ** 20).toFixed(0)} MiB with indexes`);
      return loadRows;
    };
    load = await runSyncLoad({ url: srv.aliceUrl, caFile: srv.caFile, password: srv.alicePassword, dir, fill });
    log(`    idle sync ${load.idleSyncMsMedian.toFixed(1)} ms (p90 ${load.idleSyncMsP90.toFixed(1)}), sync pulling ${load.busyPulled}: ${load.busySyncMs.toFixed(1)} ms`);
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
  ...(load === undefined
    ? []
    : [
        `Loaded server (${Number(args['load-rows']).toLocaleString('en-US')} rows in the vault, as many in ${args['load-vaults']} others): idle sync ${load.idleSyncMsMedian.toFixed(1)} ms median (p90 ${load.idleSyncMsP90.toFixed(1)}), a sync pulling ${load.busyPulled} new rows ${load.busySyncMs.toFixed(1)} ms.`,
        '',
      ]),
].join('\n');
const { jsonPath, mdPath } = writeResults(root, 'sync-latest', args, { runs: results, load }, md);
console.log(md);
log(`wrote ${jsonPath} and ${mdPath} in ${elapsed()}`);
