/**
 * What a cold get's SQL costs, part by part (a profiling aid): seeds `docs` realistic documents, then times
 * variants of the engine's current-version statement on a raw read-only connection (the whole statement,
 * without the attachment subquery, tags as BLOBs instead of hex text, the head row alone, its id lookup
 * alone, the content alone) over every id, and prints µs per lookup (third pass of three).
 * argv: JSON { dir, docs }.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { seedBatches } from './data';

const job = JSON.parse(process.argv[2] ?? '{}') as { dir: string; docs: number };
const KEY = '7'.repeat(64);
const path = join(job.dir, 'sql.dvault');
{
  const v = Vault.createSync(path, { key: { rawKey: KEY } });
  for (const batch of seedBatches(job.docs, 1024)) v.bulkCreate(batch);
  v.close();
}
const db = new Database(path, { readonly: true });
db.pragma("cipher = 'sqlcipher'");
db.pragma('legacy = 4');
db.pragma(`key = "x'${KEY}'"`);
db.pragma('cache_size = -65536');
const ids = db.prepare('SELECT id FROM documents').pluck().all() as string[];
const HEAD = 'd.doc, d.id, d.created_at, d.updated_at, d.version, d.title, d.type, d.tags, d.metadata, d.size, d.checksum';
const JOIN = 'FROM documents d LEFT JOIN versions v ON v.vid = d.doc * 16777216 + d.version WHERE d.id = ?';
const variants: [string, string][] = [
  ['whole statement', `SELECT ${HEAD}, hex(d.head_mac), d.author, d.trashed_at, hex(d.version_mac), v.content, hex(v.mac), (SELECT a.list FROM version_attachments a WHERE a.vid = v.vid) ${JOIN}`],
  ['without the attachment subquery', `SELECT ${HEAD}, hex(d.head_mac), d.author, d.trashed_at, hex(d.version_mac), v.content, hex(v.mac) ${JOIN}`],
  ['tags as BLOBs', `SELECT ${HEAD}, d.head_mac, d.author, d.trashed_at, d.version_mac, v.content, v.mac ${JOIN}`],
  ['head row alone', `SELECT ${HEAD}, hex(d.head_mac), d.author, d.trashed_at, hex(d.version_mac) FROM documents d WHERE d.id = ?`],
  ['id lookup alone', 'SELECT d.doc FROM documents d WHERE d.id = ?'],
  ['content alone (join)', 'SELECT v.content FROM documents d JOIN versions v ON v.vid = d.doc * 16777216 + d.version WHERE d.id = ?'],
];
for (let pass = 0; pass < 3; pass++) {
  for (const [name, sql] of variants) {
    const st = db.prepare(sql).raw();
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < 3; r++) for (const id of ids) st.get(id);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / (3 * ids.length);
    if (pass === 2) console.log(`${name.padEnd(34)} ${us.toFixed(2)} µs`);
  }
}
db.close();
