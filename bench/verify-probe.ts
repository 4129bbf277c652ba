/**
 * verify at scale: the engine's one call, and the service's (across its readers) while one caller reads —
 * versions/s and the reader's worst wait. Seeds realistic documents once into `--vault` (kept, so that two
 * builds can be compared on the same file); the machine is shared: run the builds in turns.
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/verify-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/verify-probe.mjs
 *   node out/probe/verify-probe.mjs --vault /tmp/v100k.dvault [--docs 100000] [--only engine,service] [--deep] [--readers N] [--key HEX]
 *
 * `--deep` runs verify({ deep: true }). `--key`: an existing vault's raw key (e.g. a kept `bench:scale` vault;
 * `--docs` must then be its document count); else the key is `--vault`.key, made with the vault.
 * The service's line tells a wait behind a reader from a stall of the calling thread: besides the caller's
 * latencies it prints when gets over 20 ms happened, main-thread stalls over 30 ms and when each phase began. The engine's line also gives the process's CPU time over the call:
 * on a shared machine a steadier figure than the wall clock (verify in the engine is one thread).
 */
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { StorageService, Vault } from '../src/main/storage';
import { docId, seedBatches } from './data';

const { values } = parseArgs({
  options: {
    vault: { type: 'string' },
    docs: { type: 'string', default: '100000' },
    only: { type: 'string' },
    deep: { type: 'boolean', default: false },
    readers: { type: 'string' },
    key: { type: 'string' },
  },
});
if (values.vault === undefined) throw new Error('--vault PATH is required');
const path: string = values.vault;
const DOCS = Number(values.docs);
const opts = values.deep === true ? { deep: true } : {};
const want = (n: string): boolean => values.only === undefined || values.only.split(',').includes(n);

async function main(): Promise<void> {
  const keyFile = `${path}.key`;
  if (!existsSync(path) && values.key === undefined) {
    const key = randomBytes(32).toString('hex');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    const t0 = performance.now();
    for (const batch of seedBatches(DOCS, 1024)) v.bulkCreate(batch);
    v.close();
    writeFileSync(keyFile, key);
    console.log(`seeded ${DOCS} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const key = values.key ?? readFileSync(keyFile, 'utf8');
  if (want('engine')) {
    const v = Vault.openSync(path, { key: { rawKey: key } });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // When each phase began (ms from the call's start): progress reports carry the phase.
    const began: string[] = [];
    let was = '';
    const r = v.verify((p) => {
      if (p.phase !== undefined && p.phase !== was) began.push(`${(was = p.phase)} ${Math.round(performance.now() - t0)}`);
    }, opts);
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    v.close();
    const cpuS = (cpu.user + cpu.system) / 1e6;
    console.log(
      `engine verify${values.deep === true ? ' (deep)' : ''}: ${r.versions} versions in ${(ms / 1000).toFixed(2)} s = ${Math.round((r.versions * 1000) / ms)} versions/s, ` +
        `cpu ${cpuS.toFixed(2)} s = ${Math.round(r.versions / cpuS)} versions per cpu-s, ok ${r.ok}; phases began (ms): ${began.join(', ')}`,
    );
  }
  if (want('service')) {
    const readers = values.readers === undefined ? {} : { readers: Number(values.readers) };
    const s = await StorageService.open(path, { key: { rawKey: key }, tuning: { cacheEntries: 1000, cacheBytes: 2 * 1024 * 1024 }, ...readers });
    await s.get(docId(0));
    let verifying = true;
    const waits: number[] = [];
    const slow: string[] = [];
    const stalls: string[] = [];
    const phases: string[] = [];
    let phase = '';
    const t0 = performance.now();
    const at = (): number => Math.round(performance.now() - t0);
    // Main-thread stalls: a 5 ms tick that comes more than 30 ms late.
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      if (now - last > 35) stalls.push(`${Math.round(last - t0)}:${Math.round(now - last - 5)}`);
      last = now;
    }, 5);
    const done = s
      .verify((p) => {
        if (p.phase !== phase) phases.push(`${at()}:${(phase = p.phase ?? '')}`);
      }, opts)
      .finally(() => {
        verifying = false;
        clearInterval(tick);
      });
    for (let i = 0; verifying; i++) {
      const c0 = performance.now();
      await s.get(docId((i * 7919) % DOCS));
      const ms = performance.now() - c0;
      waits.push(ms);
      if (ms > 20) slow.push(`${Math.round(c0 - t0)}:${Math.round(ms)}`);
    }
    const r = await done;
    const ms = performance.now() - t0;
    waits.sort((a, b) => a - b);
    await s.close();
    console.log(
      `service verify: ${r.versions} versions in ${(ms / 1000).toFixed(2)} s = ${Math.round((r.versions * 1000) / ms)} versions/s, ok ${r.ok}; ` +
        `gets meanwhile ${waits.length}, p99 ${waits[Math.floor(waits.length * 0.99)]?.toFixed(1)} ms, max ${waits.at(-1)?.toFixed(1)} ms, ` +
        `over 20 ms ${slow.length}, over 50 ms ${waits.filter((w) => w > 50).length}`,
    );
    console.log(`  gets over 20 ms (ms into the run:ms): ${slow.slice(0, 20).join(' ')}${slow.length > 20 ? ' …' : ''}`);
    console.log(`  main-thread stalls over 30 ms: ${stalls.join(' ') || 'none'}`);
    console.log(`  phases began at (ms): ${phases.join(' ')}`);
  }
}

await main();
