/**
 * Bulk create or update alone (a profiling aid for `perf record`): seeds `docs`, then bulkCreates
 * `batches` × 1000 more, or (mode `update`) writes `batches` × 100 single durable updates. argv: dir docs batches [mode].
 */
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';

const [dir = '/tmp', docs = '10000', batches = '5', mode = 'bulk'] = process.argv.slice(2);
const v = Vault.createSync(join(dir, 'v.dvault'), { key: { rawKey: '7'.repeat(64) } });
for (const b of seedBatches(Number(docs), 1024)) v.bulkCreate(b);
process.stderr.write('@@seeded\n');
const u0 = process.cpuUsage();
if (mode === 'update')
  for (let i = 0; i < Number(batches) * 100; i++) v.update(docId((i * 7919) % Number(docs)), { content: contentFor(500_000 + i, 1024) });
else for (let k = 0; k < Number(batches); k++) v.bulkCreate(Array.from({ length: 1000 }, (_, i) => ({ ...makeDoc(100_000 + k * 1000 + i, 1024, newDocId(k * 1000 + i)), ...(process.env.NOTAGS ? { tags: [] } : {}) })));
const u = process.cpuUsage(u0);
console.log(`${mode} CPU µs/op: ${((u.user + u.system) / (Number(batches) * (mode === 'update' ? 100 : 1000))).toFixed(0)}`);
v.close();
