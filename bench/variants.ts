/**
 * Lever experiments (a profiling aid): seeds one vault, then for each variant copies it, applies the
 * variant's SQL on a raw connection, and times update / save / bulk(1000) through the engine, with WAL
 * frames per op from the -wal file (autocheckpoint off on a side connection is not possible for the
 * engine's own connection, so frames are counted as WAL growth with few enough ops). Times are process CPU
 * time (user + system, median), steadier than wall time on a shared machine.
 * argv: JSON { dir, docs, variants: { name: sql }[] }.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';

const job = JSON.parse(process.argv[2] ?? '{}') as { dir: string; docs: number; variants: [string, string][]; cacheKiB?: number };
const KEY = '7'.repeat(64);
const base = join(job.dir, 'base.dvault');

function rawDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${KEY}'"`);
  return db;
}
{
  const v = Vault.createSync(base, { key: { rawKey: KEY } });
  for (const batch of seedBatches(job.docs, 1024)) v.bulkCreate(batch);
  v.close();
}
function frames(path: string): number {
  const wal = readFileSync(`${path}-wal`);
  if (wal.length < 32) return 0;
  const ps = wal.readUInt32BE(8);
  const salt = wal.readUInt32BE(16);
  let n = 0;
  for (let off = 32; off + 24 + ps <= wal.length; off += 24 + ps) {
    if (wal.readUInt32BE(off + 8) !== salt) break;
    n++;
  }
  return n;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const [name, sql] of job.variants) {
  const path = join(job.dir, `v-${name.replace(/\W/g, '_')}.dvault`);
  copyFileSync(base, path);
  if (sql !== '') {
    const db = rawDb(path);
    db.exec(sql);
    db.close();
  }
  const v = Vault.openSync(path, { key: { rawKey: KEY }, ...(job.cacheKiB !== undefined ? { tuning: { sqliteCacheKiB: job.cacheKiB } } : {}) });
  const side = rawDb(path);
  const out: string[] = [];
  const phase = (label: string, n: number, per: number, fn: (i: number) => void): void => {
    side.pragma('wal_checkpoint(TRUNCATE)');
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const u0 = process.cpuUsage();
      fn(i);
      const u = process.cpuUsage(u0);
      times.push(u.user + u.system);
    }
    out.push(`${label} ${(frames(path) / (n * per)).toFixed(2)} fr, ${(median(times) / per).toFixed(0)} µs cpu`);
  };
  let k = 0;
  phase('update', 30, 1, (i) => v.update(docId((i * 7919 + 3) % job.docs), { content: contentFor(job.docs + i + 500, 1024) }));
  phase('save', 30, 1, (i) => v.create(makeDoc(job.docs + i, 1024, newDocId(i))));
  phase('bulk', 1, 1000, () => {
    v.bulkCreate(Array.from({ length: 1000 }, (_, i) => makeDoc(job.docs + 10_000 + i, 1024, newDocId(10_000 + i + k))));
    k += 1000;
  });
  phase('bulk2', 3, 1000, () => {
    v.bulkCreate(Array.from({ length: 1000 }, (_, i) => makeDoc(job.docs + 20_000 + i + k, 1024, newDocId(20_000 + i + k))));
    k += 1000;
  });
  console.log(`${name.padEnd(22)} ${out.join(' | ')}  (${(statSync(path).size / 1048576).toFixed(1)} MB)`);
  side.close();
  v.close();
}
