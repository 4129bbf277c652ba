/**
 * CPU time per cold get (a profiling aid for a loaded machine, where wall time is noise): seeds 10k
 * realistic documents, then reads random ids through a Vault with get-cold's small document cache and
 * through raw's one-table statement, and prints process CPU µs per read (median of 5 passes).
 * argv: JSON { dir, docs, reads }.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { docId, seedBatches } from './data';
import { SMALL_CACHE } from './drivers/docvault';
import { DOCS_SQL, DOCS_TABLE, enginePragmas } from './drivers/one-table';

const job = JSON.parse(process.argv[2] ?? '{}') as { dir: string; docs: number; reads: number };
const KEY = '7'.repeat(64);
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
function passes(read: (id: string) => unknown): number {
  const ids = Array.from({ length: job.reads }, (_, i) => docId(Math.floor(Math.abs(Math.sin(i + 1) * 1e6)) % job.docs));
  for (const id of ids) read(id);
  const out: number[] = [];
  for (let p = 0; p < 5; p++) {
    const t0 = cpu();
    for (const id of ids) read(id);
    out.push((cpu() - t0) / ids.length);
  }
  return median(out);
}
const path = join(job.dir, 'v.dvault');
const w = Vault.createSync(path, { key: { rawKey: KEY } });
for (const b of seedBatches(job.docs, 1024)) w.bulkCreate(b);
w.close();
const v = Vault.openSync(path, { key: { rawKey: KEY }, tuning: SMALL_CACHE });
const dv = passes((id) => v.get(id));
v.close();
const db = new Database(join(job.dir, 'raw.db'));
db.pragma("cipher = 'sqlcipher'");
db.pragma('legacy = 4');
db.pragma(`key = "x'${KEY}'"`);
for (const p of enginePragmas(true)) db.pragma(p);
db.exec(DOCS_TABLE);
const ins = db.prepare(DOCS_SQL.insert);
const many = db.transaction((docs: { id: string; content: string }[]) => {
  for (const d of docs) ins.run(d.id, d.content);
});
for (const b of seedBatches(job.docs, 1024)) many(b);
const get = db.prepare(DOCS_SQL.get).pluck();
const raw = passes((id) => get.get(id));
db.close();
console.log(`get-cold CPU µs/read: docvault ${dv.toFixed(2)}, raw ${raw.toFixed(2)}, ratio (raw/docvault) ${(raw / dv).toFixed(2)}`);
