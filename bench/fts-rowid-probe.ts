/**
 * What the search index's rowid costs (a profiling aid): 20,000 realistic 1 KB documents into an in-memory
 * FTS5 table with the index's columns and tokenizer, keyed as before schema step 25 (the version key
 * doc * 2^24 + 1) and as since (the document's number), in one transaction each, then `optimize`d: bytes of
 * index per document and µs per insert, three rounds in turns (read the later ones: the first pays the warm-up). FTS5 stores each term's rowids as deltas, so the key's spacing is
 * paid on every (term, document) pair.
 *
 *   npx esbuild bench/fts-rowid-probe.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/fts-rowid-probe.mjs
 *   node out/probe/fts-rowid-probe.mjs [--docs 20000]
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { parseArgs } from 'node:util';
import { makeDoc } from './data';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '20000' } } });
const n = Number(values.docs);
const docs = Array.from({ length: n }, (_, i) => makeDoc(i, 1024));
const keys = [
  ['version key', (i: number) => (BigInt(i + 1) << 24n) + 1n],
  ['document', (i: number) => BigInt(i + 1)],
] as const;
// Two rounds in turns: the first of a process pays V8's and SQLite's warm-up.
for (const [name, key] of [...keys, ...keys, ...keys]) {
  const db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE f USING fts5(title, content, facets, tokenize = 'unicode61 remove_diacritics 2')");
  const insert = db.prepare('INSERT INTO f (rowid, title, content, facets) VALUES (?, ?, ?, ?)');
  const t = performance.now();
  db.transaction(() => docs.forEach((d, i) => insert.run(key(i), d.title, d.content, `x${d.type}`)))();
  const ms = performance.now() - t;
  db.exec("INSERT INTO f (f) VALUES ('optimize')");
  const bytes = db.prepare('SELECT sum(length(block)) FROM f_data').pluck().get() as number;
  console.log(`${name}: ${(bytes / n).toFixed(0)} bytes of index per document, ${((ms * 1000) / n).toFixed(1)} µs per insert`);
  db.close();
}
