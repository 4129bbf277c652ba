/** Bulk create alone (a profiling aid for `perf record`): seeds `docs`, then bulkCreates `batches` × 1000 more. argv: dir docs batches. */
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { makeDoc, newDocId, seedBatches } from './data';

const [dir = '/tmp', docs = '10000', batches = '5'] = process.argv.slice(2);
const v = Vault.createSync(join(dir, 'v.dvault'), { key: { rawKey: '7'.repeat(64) } });
for (const b of seedBatches(Number(docs), 1024)) v.bulkCreate(b);
process.stderr.write('@@seeded\n');
(globalThis as Record<string, unknown>)['__T'] = {};
const u0 = process.cpuUsage();
for (let k = 0; k < Number(batches); k++) v.bulkCreate(Array.from({ length: 1000 }, (_, i) => ({ ...makeDoc(100_000 + k * 1000 + i, 1024, newDocId(k * 1000 + i)), ...(process.env.NOTAGS ? { tags: [] } : {}) })));
const u = process.cpuUsage(u0);
console.log(`bulk CPU µs/doc: ${((u.user + u.system) / (Number(batches) * 1000)).toFixed(0)}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries((globalThis as Record<string, unknown>)['__T'] as Record<string, number>).map(([k, t]) => [k, Math.round(t / (Number(batches) * 1000))]))), 'µs/doc');
v.close();
