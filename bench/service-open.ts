/**
 * Times StorageService.open on an existing vault: until open() resolves, and until the first answer
 * (an uncached `get`). A probe, not the benchmark; the machine is shared, so it repeats and prints medians.
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/service-open.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/service-open.mjs
 *   node out/probe/service-open.mjs [--docs 10000] [--rounds 15] [--readers N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { StorageService, Vault } from '../src/main/storage';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '15' }, readers: { type: 'string' } } });
const DOCS = Number(values.docs);
const ROUNDS = Number(values.rounds);
const readers = values.readers === undefined ? undefined : Number(values.readers);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docvault-open-'));
  const path = join(dir, 'open.dvault');
  const key = randomBytes(32).toString('hex');
  try {
    const v = Vault.createSync(path, { key: { rawKey: key } });
    for (let i = 0; i < DOCS; i += 1000)
      v.bulkCreate(Array.from({ length: Math.min(1000, DOCS - i) }, (_, k) => ({ id: `d-${i + k}`, content: 'x'.repeat(1024), title: `t ${i + k}` })));
    v.close();
    const opened: number[] = [];
    const first: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const s = await StorageService.open(path, { key: { rawKey: key }, ...(readers === undefined ? {} : { readers }) });
      const t1 = performance.now();
      await s.get(`d-${r * 7}`);
      const t2 = performance.now();
      opened.push(t1 - t0);
      first.push(t2 - t0);
      await s.close();
    }
    const fmt = (xs: number[]): string => `median ${median(xs).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}`;
    console.log(`docs ${DOCS}, rounds ${ROUNDS}, readers ${readers ?? 'default'}`);
    console.log(`open() resolved:  ${fmt(opened)}`);
    console.log(`first answer:     ${fmt(first)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
