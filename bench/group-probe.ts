/**
 * Where the service's group commit loses against the engine's bulk rate: the same realistic documents
 * written four ways on one seeded vault, in interleaved rounds (the machine is shared: read the medians).
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/group-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/group-probe.mjs
 *   node out/probe/group-probe.mjs [--docs 10000] [--rounds 3] [--ms 2000] [--only bulk1000,bulk64,group64,service] [--durability full|normal]
 *
 * - bulk1000: engine bulkCreate of 1,000 per call (the bench's bulk-save-1000 on the engine)
 * - bulk64:   engine bulkCreate of 64 per call (one group's worth in one bulk)
 * - group64:  engine group commit of 64 create calls (`Vault.writeGroup`, no savepoint per write: what the writer runs)
 * - service:  StorageService.create from 64 callers at once (the bench's save-concurrent)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { StorageService, Vault } from '../src/main/storage';
import { makeDoc, newDocId, seedBatches } from './data';

const { values } = parseArgs({
  options: { durability: { type: 'string', default: 'full' }, docs: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '3' }, ms: { type: 'string', default: '2000' }, only: { type: 'string' } },
});
const DOCS = Number(values.docs);
const durability = values.durability === 'normal' ? 'normal' : 'full';
const ROUNDS = Number(values.rounds);
const MS = Number(values.ms);
const only = values.only?.split(',');
const want = (n: string): boolean => only === undefined || only.includes(n);

let nextNew = 0;
const fresh = (): ReturnType<typeof makeDoc> => {
  const n = nextNew++;
  return makeDoc(DOCS + n, 1024, newDocId(n));
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function engineRate(v: Vault, per: number, how: 'bulk' | 'group'): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MS) {
    const docs = Array.from({ length: per }, fresh);
    if (how === 'bulk') {
      if (!v.bulkCreate(docs).committed) throw new Error('bulk failed');
    } else v.writeGroup(() => docs.map((d) => v.create(d)));
    n += per;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function serviceRate(s: StorageService): Promise<{ rate: number; group: number }> {
  let n = 0;
  const t0 = performance.now();
  const deadline = t0 + MS;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < deadline) {
        await s.create(fresh());
        n++;
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  const g = (await s.stats()).service.groupCommit;
  return { rate, group: g.meanSize };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docvault-group-'));
  const path = join(dir, 'g.dvault');
  const key = randomBytes(32).toString('hex');
  try {
    const v0 = Vault.createSync(path, { key: { rawKey: key } });
    for (const batch of seedBatches(DOCS, 1024)) v0.bulkCreate(batch);
    v0.close();
    const out: Record<string, number[]> = {};
    const add = (k: string, x: number): void => void (out[k] ??= []).push(x);
    for (let r = 0; r < ROUNDS; r++) {
      if (want('bulk1000') || want('bulk64') || want('group64')) {
        const v = Vault.openSync(path, { key: { rawKey: key }, durability });
        if (want('bulk1000')) add('bulk1000', engineRate(v, 1000, 'bulk'));
        if (want('bulk64')) add('bulk64', engineRate(v, 64, 'bulk'));
        if (want('group64')) add('group64', engineRate(v, 64, 'group'));
        v.close();
      }
      if (want('service')) {
        const s = await StorageService.open(path, { key: { rawKey: key }, durability });
        const { rate, group } = await serviceRate(s);
        add('service', rate);
        add('service group size', group);
        await s.close();
      }
      console.log(`round ${r + 1}: ${Object.entries(out).map(([k, xs]) => `${k} ${Math.round(xs[xs.length - 1] ?? 0)}`).join(', ')}`);
    }
    console.log(`medians (docs/s): ${Object.entries(out).map(([k, xs]) => `${k} ${Math.round(median(xs))}`).join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
