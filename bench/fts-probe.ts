/** FTS5 cost alone (a profiling aid): 1000 realistic 1 KB documents per transaction into an in-memory FTS5 table, µs per document. */
import Database from 'better-sqlite3-multiple-ciphers';
import { seedBatches } from './data';

const mode = process.argv[2] ?? 'unicode61 remove_diacritics 2';
const file = process.argv[3];
const db = new Database(file ?? ':memory:');
if (file !== undefined) {
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${'7'.repeat(64)}'"`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`secure_delete = ${process.env.SD ?? 'ON'}`);
  db.pragma('cache_size = -32768');
}
db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, content, tokenize = '${mode}')`);
const ins = db.prepare('INSERT INTO f (rowid, title, content) VALUES (?, ?, ?)');
let n = 0;
const many = db.transaction((docs: { title: string; content: string }[]) => {
  for (const d of docs) ins.run(++n, d.title, d.content);
});
const cpu = (): number => process.cpuUsage().user + process.cpuUsage().system;
const times: number[] = [];
for (const b of seedBatches(10000, 1024)) {
  const t0 = cpu();
  many(b);
  times.push((cpu() - t0) / b.length);
}
times.sort((a, b) => a - b);
console.log(`${mode} ${file ?? 'in memory'}: FTS5 insert CPU µs/doc, median of 10 batches of 1000: ${times[5]?.toFixed(1)}`);
