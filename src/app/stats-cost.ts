/**
 * What the live stats cost: get-hot and save through the app's request handler (the path a window's calls
 * take), alternating rounds with no watcher and with one watcher subscribed (ticks every second, every call
 * timed), in the same process on the same vault. Prints the median of each and the ratio.
 * Run with `node scripts/stats-cost.mjs [--docs N] [--rounds N] [--round-ms N]` (a measurement, not part of any bundle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DocvaultBackend } from './backend';
import { createHandler, type RequestHandler } from './handlers';
import { contentFor, docId, newDocId } from '../../bench/data';
import { median } from '../../bench/measure';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' }, 'round-ms': { type: 'string', default: '2000' } } });
const DOCS = Number(values.docs);
const ROUNDS = Number(values.rounds);
const ROUND_MS = Number(values['round-ms']);
const HOT = Math.min(1000, DOCS);

async function loop(handle: RequestHandler, op: 'get-hot' | 'save', start: number): Promise<{ perSec: number; next: number }> {
  let n = 0;
  let next = start;
  const t0 = performance.now();
  const until = t0 + ROUND_MS;
  while (performance.now() < until) {
    for (let i = 0; i < 64; i++) {
      const r =
        op === 'get-hot'
          ? await handle('doc.get', { id: docId((n * 7919) % HOT) })
          : await handle('doc.put', { document: { id: newDocId(next++), title: 'stats cost', type: 'note', content: contentFor(next, 1024) } });
      if (!r.ok) throw new Error(`${op}: ${r.error.kind}: ${r.error.message}`);
      n++;
    }
  }
  return { perSec: n / ((performance.now() - t0) / 1000), next };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docvault-stats-cost-'));
  const backend = new DocvaultBackend({ vaultPath: join(dir, 'v.dvault'), kdfProfile: 2 });
  const handle = createHandler(backend);
  let ticks = 0;
  backend.subscribe((e) => {
    if (e.event === 'stats.tick') ticks++;
  });
  try {
    await backend.create('stats cost passphrase');
    for (let i = 0; i < DOCS; i += 1000) {
      const documents = Array.from({ length: Math.min(1000, DOCS - i) }, (_, k) => ({ id: docId(i + k), title: `Document ${i + k}`, type: 'note', content: contentFor(i + k, 1024) }));
      const r = await handle('doc.bulkPut', { documents });
      if (!r.ok) throw new Error(r.error.message);
    }
    for (let i = 0; i < HOT; i++) await handle('doc.get', { id: docId(i) }); // warm the cache
    const results: Record<string, { off: number[]; on: number[] }> = { 'get-hot': { off: [], on: [] }, save: { off: [], on: [] } };
    let next = 0;
    for (let round = 0; round < ROUNDS; round++)
      for (const op of ['get-hot', 'save'] as const)
        for (const watched of round % 2 === 0 ? [false, true] : [true, false]) {
          let id: string | undefined;
          if (watched) {
            const r = await handle('stats.subscribe', {});
            if (!r.ok) throw new Error(r.error.message);
            id = (r.value as { id: string }).id;
          }
          const m = await loop(handle, op, next);
          next = m.next;
          if (id !== undefined) await handle('stats.unsubscribe', { id });
          results[op]?.[watched ? 'on' : 'off'].push(m.perSec);
        }
    console.log(`${DOCS} documents × 1 KB, ${ROUNDS} rounds of ${ROUND_MS} ms per cell, order alternated; ${ticks} ticks received while watched`);
    console.log('| trial | view closed (no watcher) | view open (1 watcher) | open / closed |');
    console.log('|---|--:|--:|--:|');
    for (const [op, r] of Object.entries(results)) {
      const off = median(r.off);
      const on = median(r.on);
      console.log(`| ${op} | ${Math.round(off)}/s | ${Math.round(on)}/s | ${(on / off).toFixed(3)} |`);
    }
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
