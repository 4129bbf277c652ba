/**
 * Which B-trees a write touches (a profiling aid): seeds a vault, empties the WAL, runs `ops` operations
 * of one kind, then reads the page number of every WAL frame and names its table or index with dbstat.
 * argv: JSON { dir, docs, ops, kind: 'update'|'save'|'bulk'|'bulk64' (bulks of 64), rebuilt? }.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';

const job = JSON.parse(process.argv[2] ?? '{}') as { dir: string; docs: number; ops: number; kind: string; rebuilt?: boolean };
const KEY = '7'.repeat(64);
const path = join(job.dir, 'v.dvault');

function rawDb(): Database.Database {
  const db = new Database(path);
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${KEY}'"`);
  return db;
}

let v = Vault.createSync(path, { key: { rawKey: KEY } });
for (const batch of seedBatches(job.docs, 1024)) v.bulkCreate(batch);
if (job.rebuilt === true) {
  v.close();
  const db = rawDb();
  db.exec("INSERT INTO search_index (search_index) VALUES ('rebuild')");
  db.close();
  v = Vault.openSync(path, { key: { rawKey: KEY } });
}
v.update(docId(1), { content: contentFor(999_999, 1024) });
const side = rawDb();
side.pragma('wal_autocheckpoint = 0');
side.pragma('wal_checkpoint(TRUNCATE)');
const before = side.prepare('SELECT 1').get();
void before;
if (job.kind === 'update') for (let i = 0; i < job.ops; i++) v.update(docId((i * 7919 + 3) % job.docs), { content: contentFor(job.docs + i, 1024) });
else if (job.kind === 'save') for (let i = 0; i < job.ops; i++) v.create(makeDoc(job.docs + i, 1024, newDocId(i)));
else if (job.kind === 'bulk64')
  for (let b = 0; b * 64 < job.ops; b++) v.bulkCreate(Array.from({ length: Math.min(64, job.ops - b * 64) }, (_, j) => makeDoc(job.docs + 10_000 + b * 64 + j, 1024, newDocId(10_000 + b * 64 + j))));
else v.bulkCreate(Array.from({ length: job.ops }, (_, i) => makeDoc(job.docs + 10_000 + i, 1024, newDocId(10_000 + i))));
const wal = readFileSync(`${path}-wal`);
const pageSize = wal.readUInt32BE(8);
const names = new Map<number, string>();
for (const r of side.prepare('SELECT pageno, name FROM dbstat').all() as { pageno: number; name: string }[]) names.set(r.pageno, r.name);
const count = new Map<string, number>();
let frames = 0;
for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
  const pg = wal.readUInt32BE(off);
  const salt = wal.readUInt32BE(off + 8);
  if (salt !== wal.readUInt32BE(16)) break;
  frames++;
  const n = names.get(pg) ?? `page ${pg} (new/free)`;
  count.set(n, (count.get(n) ?? 0) + 1);
}
console.log(`${job.kind}: ${frames} frames for ${job.ops} ops = ${(frames / job.ops).toFixed(2)} frames/op (page ${pageSize})`);
for (const [n, c] of [...count].sort((a, b) => b[1] - a[1])) console.log(`  ${n.padEnd(40)} ${(c / job.ops).toFixed(2)}`);
side.close();
v.close();
