#!/usr/bin/env node
// Two builds of the engine in one process, rounds interleaved (a profiling aid): the working tree against a base
// revision, on copies of one seeded vault, CPU µs per operation. On this shared VM a figure moves by tens of per
// cent from minute to minute; interleaved rounds in one process see the same minutes, so their paired
// differences hold where separate runs do not.
//   node scripts/ab-builds.mjs [--base HEAD] [--cases get-cold,list,create,update,bulk,verify,head-tag] [--docs 10000] [--rounds 30]
// Each case runs twice, with the base build loaded first and then second: the copy loaded second ran
// ~1.2–1.5 µs slower per cold get with identical code (A/A runs, fourteenth session), so both orders are
// printed and their mean is the estimate. Writes use durability 'normal' (no fsync: its cost is the
// machine's, not the code's). The base is checked out in a temporary git worktree (node_modules linked).
import { build } from 'esbuild';
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { helpAndExitIfAsked } from './bench-common.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CASES = ['get-cold', 'list', 'create', 'update', 'bulk', 'verify', 'head-tag'];
const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD' },
    cases: { type: 'string', default: CASES.join(',') },
    docs: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '30' },
    run: { type: 'string' },
    first: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
helpAndExitIfAsked(args, import.meta.url);

const ENTRY = `export { Vault } from '../src/main/storage';
export { headMacV2 } from '../src/main/storage/integrity';
export { docId, seedBatches } from '../bench/data';
export { SMALL_CACHE } from '../bench/drivers/docvault';
`;

async function bundle(tree, out) {
  mkdirSync(join(tree, 'out'), { recursive: true });
  const entry = join(tree, 'out', 'ab-entry.ts');
  writeFileSync(entry, ENTRY);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'warning', absWorkingDir: tree });
}

if (args.run === undefined) {
  const cases = args.cases.split(',').map((c) => c.trim());
  for (const c of cases) if (!CASES.includes(c)) throw new Error(`--cases: unknown case ${c} (known: ${CASES.join(', ')})`);
  const rev = execFileSync('git', ['rev-parse', '--short', args.base], { cwd: root, encoding: 'utf8' }).trim();
  const tree = mkdtempSync(join(tmpdir(), 'dv-ab-base-'));
  const outdir = join(root, 'out', 'ab');
  mkdirSync(outdir, { recursive: true });
  try {
    execFileSync('git', ['worktree', 'add', '--detach', '--force', tree, rev], { cwd: root, stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
    await bundle(tree, join(outdir, 'base.mjs'));
    await bundle(root, join(outdir, 'work.mjs'));
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' });
    rmSync(tree, { recursive: true, force: true });
  }
  console.log(`base ${rev} against the working tree; CPU µs per operation (bulk: per document), median of paired rounds`);
  for (const c of cases) {
    const both = [];
    for (const first of ['base', 'work']) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--run', c, '--first', first, '--docs', args.docs, '--rounds', args.rounds], { encoding: 'utf8' });
      for (const line of out.trim().split('\n')) {
        if (line.startsWith('AB ')) both.push(JSON.parse(line.slice(3)));
        else console.log(line);
      }
    }
    const d = (both[0].d + both[1].d) / 2;
    const mb = (both[0].mb + both[1].mb) / 2;
    console.log(`${c.padEnd(9)} mean of both orders: base − work ${d.toFixed(2)} µs (${((100 * d) / mb).toFixed(1)} % of base)`);
  }
  process.exit(0);
}

// ------------------------------------------------------------------------------------------ one case, one order
const name = args.run;
const DOCS = Number(args.docs);
const ROUNDS = Number(args.rounds);
const outdir = join(root, 'out', 'ab');
const first = await import(join(outdir, args.first === 'work' ? 'work.mjs' : 'base.mjs'));
const second = await import(join(outdir, args.first === 'work' ? 'base.mjs' : 'work.mjs'));
const B = { base: args.first === 'work' ? second : first, work: args.first === 'work' ? first : second };
const order = args.first === 'work' ? ['work', 'base'] : ['base', 'work'];
const KEY = '7'.repeat(64);
const dir = mkdtempSync(join(tmpdir(), 'dv-ab-'));
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

try {
  const seed = join(dir, 'seed.dvault');
  // Seeded by the base build: a tree with a later schema step upgrades its copy when it opens it (the base
  // could not open a copy of the later schema).
  const w = B.base.Vault.createSync(seed, { key: { rawKey: KEY } });
  for (const b of B.base.seedBatches(DOCS, 1024)) w.bulkCreate(b);
  w.close();
  const opts = { key: { rawKey: KEY }, tuning: first.SMALL_CACHE, durability: 'normal' };
  const vaults = {};
  for (const n of order) {
    const p = join(dir, `${n}.dvault`);
    copyFileSync(seed, p);
    vaults[n] = B[n].Vault.openSync(p, opts);
  }
  const ids = Array.from({ length: 5000 }, (_, i) => first.docId(Math.floor(Math.abs(Math.sin(i + 1) * 1e6)) % DOCS));
  const key = Buffer.alloc(32, 3);
  const fields = Array.from({ length: 1024 }, (_, i) => ({
    id: first.docId(i), version: 1 + (i & 3), createdAt: 1_764_000_000_000 + i, updatedAt: 1_764_000_500_000 + i, title: 'Quarterly budget review notes',
    type: 'report', tags: '["finance","q3"]', metadata: '{"author":"Ann Smith","source":"import"}', size: 1024,
    checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', author: 'Ann Smith', trashedAt: null, versionMac: Buffer.alloc(33, 2),
  }));
  /** [calls per round, units per call, the call]; rounds of the case are interleaved between the builds. */
  const cases = {
    'get-cold': [5000, 1, (v, i) => v.get(ids[i % ids.length])],
    list: [50, 1, (v, i) => v.list({ limit: 100, ...(i % 3 === 1 ? { type: 'note' } : {}) })],
    create: [200, 1, (v, i) => v.create({ id: `ab-${i}`, title: `Note ${i}`, type: 'note', content: `c${i} ${'y'.repeat(1000)}`, tags: ['a', `t${i % 40}`] })],
    update: [200, 1, (v, i) => v.update(first.docId((i * 7919 + 3) % DOCS), { content: `u${i} ${'x'.repeat(1000)}` })],
    bulk: [1, 500, (v, i) => v.bulkCreate(Array.from({ length: 500 }, (_, k) => ({ id: `b-${i}-${k}`, title: `B ${k}`, type: 'note', content: `b${k} ${'z'.repeat(1000)}`, tags: ['a', `t${k % 30}`] })))],
    verify: [1, 1, (v) => v.verify()],
    'head-tag': [20000, 1, (_v, i, n) => B[n].headMacV2(key, fields[i & 1023])],
  };
  const [calls, units, call] = cases[name];
  const rounds = name === 'verify' || name === 'bulk' ? Math.min(ROUNDS, 12) : ROUNDS;
  const res = { base: [], work: [] };
  let i = 0;
  for (let r = 0; r < rounds; r++)
    for (const n of r & 1 ? [...order].reverse() : order) {
      const t0 = cpu();
      for (let k = 0; k < calls; k++) call(vaults[n], i++, n);
      if (r >= 2) res[n].push((cpu() - t0) / calls / units);
    }
  for (const v of Object.values(vaults)) v.close();
  const d = median(res.base.map((b, k) => b - (res.work[k] ?? NaN)));
  const mb = median(res.base);
  console.log(
    `${name.padEnd(9)} ${args.first} loaded first: base ${mb.toFixed(2)}, work ${median(res.work).toFixed(2)}; base − work ${d.toFixed(2)} (${((100 * d) / mb).toFixed(1)} %)`,
  );
  console.log(`AB ${JSON.stringify({ d, mb })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
