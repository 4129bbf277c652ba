/**
 * Deterministic write costs per operation, for profiling (not a benchmark): seeds a vault and raw's one
 * table with realistic documents, then runs update, save and bulk-save phases between markers written to
 * a marker file. Run under `strace -f -y -e trace=pwrite64,fdatasync,fsync,write` (scripts/write-counts.mjs
 * does, and counts WAL pwrites and syncs per operation from the markers).
 *
 * argv: JSON { dir, docs, ops, rebuilt, optimize } — `rebuilt`: rebuild the FTS index after seeding, as a
 * vault migrated through the search step has it; `optimize`: then merge it into one segment.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { contentFor, docId, makeDoc, newDocId, seedBatches } from './data';
import { DOCS_SQL, DOCS_TABLE, enginePragmas } from './drivers/one-table';

const job = JSON.parse(process.argv[2] ?? '{}') as { dir: string; docs: number; ops: number; rebuilt?: boolean; optimize?: boolean; only?: string };
const KEY = '7'.repeat(64);
const marker = openSync(join(job.dir, 'markers'), 'w');
let phase: { name: string; cpu: NodeJS.CpuUsage } | undefined;
const cpuLines: string[] = [];
/** Marks a phase's start (and the previous phase's end) in the trace, and times the phase in process CPU. */
const mark = (s: string): void => {
  if (phase !== undefined) {
    const u = process.cpuUsage(phase.cpu);
    cpuLines.push(`${phase.name}: ${((u.user + u.system) / (phase.name.endsWith('bulk') ? 1000 : job.ops)).toFixed(0)} µs CPU/op (user ${(u.user / 1000).toFixed(0)} ms, system ${(u.system / 1000).toFixed(0)} ms)`);
  }
  phase = s === 'end' ? undefined : { name: s, cpu: process.cpuUsage() };
  writeSync(marker, `@@phase ${s}\n`);
};

function rawDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${KEY}'"`);
  return db;
}

function docvault(): void {
  const path = join(job.dir, 'v.dvault');
  let v = Vault.createSync(path, { key: { rawKey: KEY } });
  for (const batch of seedBatches(job.docs, 1024)) v.bulkCreate(batch);
  if (job.rebuilt === true || job.optimize === true) {
    v.close();
    const db = rawDb(path);
    if (job.rebuilt === true) db.exec("INSERT INTO search_index (search_index) VALUES ('rebuild')");
    if (job.optimize === true) db.exec("INSERT INTO search_index (search_index) VALUES ('optimize')");
    db.close();
    v = Vault.openSync(path, { key: { rawKey: KEY } });
  }
  mark('docvault update');
  for (let i = 0; i < job.ops; i++) v.update(docId((i * 7919) % job.docs), { content: contentFor(job.docs + i, 1024) });
  mark('docvault save');
  for (let i = 0; i < job.ops; i++) v.create(makeDoc(job.docs + i, 1024, newDocId(i)));
  mark('docvault bulk');
  const bulk = Array.from({ length: 1000 }, (_, i) => makeDoc(job.docs + 10_000 + i, 1024, newDocId(10_000 + i)));
  v.bulkCreate(bulk);
  mark('end');
  v.close();
}

function raw(): void {
  const db = rawDb(join(job.dir, 'raw.db'));
  for (const p of enginePragmas(true)) db.pragma(p);
  db.exec(DOCS_TABLE);
  const insert = db.prepare(DOCS_SQL.insert);
  const update = db.prepare(DOCS_SQL.update);
  const many = db.transaction((docs: { id: string; content: string }[]) => {
    for (const d of docs) insert.run(d.id, d.content);
  });
  for (const batch of seedBatches(job.docs, 1024)) many.immediate(batch);
  mark('raw update');
  for (let i = 0; i < job.ops; i++) update.run(contentFor(job.docs + i, 1024), docId((i * 7919) % job.docs));
  mark('raw save');
  for (let i = 0; i < job.ops; i++) {
    const d = makeDoc(job.docs + i, 1024, newDocId(i));
    insert.run(d.id, d.content);
  }
  mark('raw bulk');
  many.immediate(Array.from({ length: 1000 }, (_, i) => makeDoc(job.docs + 10_000 + i, 1024, newDocId(10_000 + i))));
  mark('end');
  db.close();
}

if (job.only !== 'raw') docvault();
if (job.only !== 'docvault') raw();
closeSync(marker);
console.log(cpuLines.join('\n'));
