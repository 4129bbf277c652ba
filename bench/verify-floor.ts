/**
 * The floor of a default-depth verify on one connection, with no docvault code: what reading every row and
 * doing the least a check of it must do costs, step by step, on an existing vault (read-only). Each step
 * streams every `versions` row into JavaScript through SQLCipher (so every page of the table is decrypted
 * and its HMAC-SHA512 checked), in table order or in key order through `versions_vid` (as the document
 * phase reads them: a document's chain in order), then adds the content's SHA-256 (compared with the stored
 * checksum: every one must match), then one HMAC-SHA256 tag per version through the engine's own encoder
 * (`versionMacV2`: the same fields and the previous tag, so the same bytes hashed; under a throw-away key,
 * so the tags are not compared). A last step reads every head row. Figures are versions (or heads) per second.
 *
 *   npx esbuild bench/verify-floor.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/verify-floor.mjs
 *   node out/probe/verify-floor.mjs --vault /tmp/v.dvault --key HEX [--steps seq,vid,sha,tag,heads]
 *
 * The vault must have been closed cleanly (or its WAL is read as well). `--key` is the raw 32-byte key in hex.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MEMORY_PRESETS } from '../src/main/storage';
import { sha256Hex, versionMacV2 } from '../src/main/storage/integrity';
import { keyAsSqlcipher4 } from './raw-copy';

const { values } = parseArgs({
  options: { vault: { type: 'string' }, key: { type: 'string' }, steps: { type: 'string', default: 'seq,vid,sha,tag,heads' } },
});
if (values.vault === undefined || values.key === undefined || !/^[0-9a-f]{64}$/i.test(values.key)) {
  console.error('usage: verify-floor --vault PATH --key HEX64 [--steps seq,vid,sha,tag,heads]');
  process.exit(2);
}
const db = new Database(values.vault, { readonly: true, fileMustExist: true });
keyAsSqlcipher4(db, values.key);
// The engine's page cache at its default memory mode.
db.pragma(`cache_size = -${MEMORY_PRESETS.standard.sqliteCacheKiB}`);

const COLUMNS = 'vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content';
const macKey = randomBytes(32);

type Row = [number, number, number, Buffer, number, string, string | null, string, string, string, string, string];

/** Streams every version row (`order`), doing `work` on each; returns [rows, seconds]. */
function stream(order: 'seq' | 'vid', work: (r: Row) => void): [number, number] {
  const sql = order === 'seq' ? `SELECT ${COLUMNS} FROM versions ORDER BY seq` : `SELECT ${COLUMNS} FROM versions WHERE vid >= 0 ORDER BY vid`;
  const t0 = performance.now();
  let n = 0;
  for (const r of db.prepare(sql).raw().iterate() as Iterable<Row>) {
    work(r);
    n++;
  }
  return [n, (performance.now() - t0) / 1000];
}

let mismatches = 0;
let prev: Buffer | null = null;
let prevDoc = -1;
const steps: Record<string, () => [number, number]> = {
  seq: () => stream('seq', () => undefined),
  vid: () => stream('vid', () => undefined),
  sha: () =>
    stream('vid', (r) => {
      if (sha256Hex(r[11]) !== r[5]) mismatches++;
    }),
  tag: () =>
    stream('vid', (r) => {
      if (sha256Hex(r[11]) !== r[5]) mismatches++;
      const doc = Math.floor(r[0] / 2 ** 24);
      if (doc !== prevDoc) prev = null;
      prevDoc = doc;
      const f = { id: 'x', version: r[1], docCreatedAt: r[2], createdAt: r[2], title: r[7], type: r[8], tags: r[9], metadata: r[10], size: r[4], checksum: r[5], comment: r[6] };
      prev = versionMacV2(macKey, f, prev);
    }),
  heads: () => {
    const t0 = performance.now();
    let n = 0;
    for (const _ of db.prepare('SELECT * FROM documents').raw().iterate()) n++;
    return [n, (performance.now() - t0) / 1000];
  },
};
const labels: Record<string, string> = {
  seq: 'version rows, table order',
  vid: 'version rows, key order (versions_vid)',
  sha: '… + SHA-256 of content',
  tag: '… + SHA-256 + the version tag',
  heads: 'head rows',
};
console.log('| step | rows | s | rows/s |\n|---|--:|--:|--:|');
for (const name of values.steps.split(',')) {
  const step = steps[name];
  if (step === undefined) throw new Error(`unknown step "${name}"`);
  const [n, s] = step();
  console.log(`| ${labels[name]} | ${n} | ${s.toFixed(2)} | ${(n / s / 1000).toFixed(1)}k |`);
}
if (mismatches !== 0) console.log(`${mismatches} checksums did not match`);
db.close();
