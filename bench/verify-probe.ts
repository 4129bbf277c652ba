/**
 * verify at scale: the engine's one call, and the service's (across its readers) while one caller reads —
 * versions/s and the reader's worst wait. Seeds realistic documents once into `--vault` (kept, so that two
 * builds can be compared on the same file); the machine is shared: run the builds in turns.
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/verify-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/verify-probe.mjs
 *   node out/probe/verify-probe.mjs --vault /tmp/v100k.dvault [--docs 100000] [--only engine,service] [--deep]
 *
 * `--deep` runs verify({ deep: true }). The engine's line also gives the process's CPU time over the call:
 * on a shared machine a steadier figure than the wall clock (verify in the engine is one thread).
 */
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { StorageService, Vault } from '../src/main/storage';
import { docId, seedBatches } from './data';

const { values } = parseArgs({ options: { vault: { type: 'string' }, docs: { type: 'string', default: '100000' }, only: { type: 'string' }, deep: { type: 'boolean', default: false } } });
if (values.vault === undefined) throw new Error('--vault PATH is required');
const path: string = values.vault;
const DOCS = Number(values.docs);
const opts = values.deep === true ? { deep: true } : {};
const want = (n: string): boolean => values.only === undefined || values.only.split(',').includes(n);

async function main(): Promise<void> {
  const keyFile = `${path}.key`;
  if (!existsSync(path)) {
    const key = randomBytes(32).toString('hex');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    const t0 = performance.now();
    for (const batch of seedBatches(DOCS, 1024)) v.bulkCreate(batch);
    v.close();
    writeFileSync(keyFile, key);
    console.log(`seeded ${DOCS} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const key = readFileSync(keyFile, 'utf8');
  if (want('engine')) {
    const v = Vault.openSync(path, { key: { rawKey: key } });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = v.verify(undefined, opts);
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    v.close();
    const cpuS = (cpu.user + cpu.system) / 1e6;
    console.log(
      `engine verify${values.deep === true ? ' (deep)' : ''}: ${r.versions} versions in ${(ms / 1000).toFixed(2)} s = ${Math.round((r.versions * 1000) / ms)} versions/s, ` +
        `cpu ${cpuS.toFixed(2)} s = ${Math.round(r.versions / cpuS)} versions per cpu-s, ok ${r.ok}`,
    );
  }
  if (want('service')) {
    const s = await StorageService.open(path, { key: { rawKey: key }, tuning: { cacheEntries: 1000, cacheBytes: 2 * 1024 * 1024 } });
    await s.get(docId(0));
    let verifying = true;
    const waits: number[] = [];
    const t0 = performance.now();
    const done = s.verify(undefined, opts).finally(() => {
      verifying = false;
    });
    for (let i = 0; verifying; i++) {
      const c0 = performance.now();
      await s.get(docId((i * 7919) % DOCS));
      waits.push(performance.now() - c0);
    }
    const r = await done;
    const ms = performance.now() - t0;
    waits.sort((a, b) => a - b);
    await s.close();
    console.log(
      `service verify: ${r.versions} versions in ${(ms / 1000).toFixed(2)} s = ${Math.round((r.versions * 1000) / ms)} versions/s, ok ${r.ok}; ` +
        `gets meanwhile ${waits.length}, p99 ${waits[Math.floor(waits.length * 0.99)]?.toFixed(1)} ms, max ${waits.at(-1)?.toFixed(1)} ms`,
    );
  }
}

await main();
