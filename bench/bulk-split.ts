/**
 * Where a bulk create's time goes, per document: the engine's `bulkCreate` of 1,000 (then the search
 * index's flush of them, timed apart: `indexSearch()`), the same rows by plain SQL on a raw connection in one
 * transaction per 1,000 (the schema's floor: head with its indexes, version, totals and one audit entry per
 * bulk; no search index), the floor with parts taken out, and raw's one table. Fresh copies of one seeded
 * vault per variant, rounds one after the other (the machine is shared: compare within a round).
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/bulk-split.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/bulk-split.mjs
 *   node out/probe/bulk-split.mjs [--docs 10000] [--bulks 8] [--size 1000] [--rounds 2]
 *
 * `--size 64`: bulks the size of the service writer's groups under the bench's 64 concurrent callers (one commit each).
 *
 * Shares `freshCopy` and `openRawCopy` (bench/raw-copy.ts) with write-split.ts.
 *
 * Parts taken out of the floor: `-version` (no version row), `-content` (a version row with one byte of
 * content), `-js` (no random tag, SHA-256 or tags JSON per document). µs of wall time and of CPU per document. (The
 * `-indexes` part is gone: the heads' type and update-time indexes went in schema step 20, the title index in
 * step 24, so the floor writes only the id's.)
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Vault } from '../src/main/storage';
import { DOCS_TABLE } from './drivers/one-table';
import { freshCopy, openRawCopy } from './raw-copy';
import { makeDoc, newDocId, seedBatches } from './data';
import type { BenchDoc } from './types';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '10000' }, bulks: { type: 'string', default: '8' }, size: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '2' } } });
const DOCS = Number(values.docs);
const BULKS = Number(values.bulks);
const ROUNDS = Number(values.rounds);
const BULK = Number(values.size);
const KEY = randomBytes(32).toString('hex');
const FIXED_TAG = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'dv-bulk-split-'));
const base = join(dir, 'base.dvault');
const copy = join(dir, 'copy.dvault');
let next = 7_000_000;

/** New documents for one variant's bulks (made before the timing starts). */
function bulks(): BenchDoc[][] {
  return Array.from({ length: BULKS }, () =>
    Array.from({ length: BULK }, () => {
      next++;
      return makeDoc(next, 1024, newDocId(next));
    }),
  );
}

const fresh = (): void => freshCopy(base, copy);
const rawConnection = (): Database.Database => openRawCopy(copy, KEY);

/** `[wall, cpu]` µs per document of `run` over every bulk. */
function perDoc(run: () => void): string {
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const u = process.cpuUsage(u0);
  const n = BULK * BULKS;
  return `${(((performance.now() - t0) * 1000) / n).toFixed(0)} / ${((u.user + u.system) / n).toFixed(0)}`;
}

function engine(): string {
  fresh();
  const v = Vault.openSync(copy, { key: { rawKey: KEY } });
  try {
    const docs = bulks();
    const write = perDoc(() => {
      for (const b of docs) if (!v.bulkCreate(b).committed) throw new Error('engine: a bulk did not commit');
    });
    return `engine ${write}, its search flush ${perDoc(() => v.indexSearch())}`;
  } finally {
    v.close();
  }
}

interface FloorParts {
  readonly name: string;
  readonly noVersion?: boolean;
  readonly noContent?: boolean;
  readonly noJs?: boolean;
}

function floor(parts: FloorParts): string {
  fresh();
  const db = rawConnection();
  try {
    const head = db
      .prepare(
        `INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, head_mac, version_mac)
         VALUES (@id, @t, @t, 1, @title, @type, @tags, '{}', NULL, @size, @checksum, @mac, @mac) RETURNING doc`,
      )
      .pluck();
    const versionRow = db.prepare(`INSERT INTO versions (vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content)
      VALUES (@vid, 1, @t, @mac, @size, @checksum, NULL, @title, @type, @tags, '{}', @content)`);
    const totals = db.prepare('INSERT INTO counters (key, n) SELECT key, value FROM json_each(?) WHERE true ON CONFLICT (key) DO UPDATE SET n = n + excluded.n');
    const state = db.prepare("UPDATE counters SET b = ? WHERE key = 'state'");
    const entry = db.prepare(
      "INSERT INTO audit_log (seq, at, event, outcome, count, detail, mac) VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM audit_log), ?, 'document.create', 'ok', ?, NULL, ?)",
    );
    const one = db.transaction((docs: BenchDoc[]) => {
      const sum = new Map<string, number>();
      const add = (k: string, n: number): void => void sum.set(k, (sum.get(k) ?? 0) + n);
      for (const d of docs) {
        const t = Date.now();
        const mac = parts.noJs === true ? FIXED_TAG : randomBytes(32);
        const size = Buffer.byteLength(d.content);
        const checksum = parts.noJs === true ? d.id : createHash('sha256').update(d.content).digest('hex');
        const tags = parts.noJs === true ? '[]' : JSON.stringify(d.tags);
        const doc = head.get({ id: d.id, t, title: d.title, type: d.type, tags, size, checksum, mac }) as number;
        if (parts.noVersion !== true)
          versionRow.run({ vid: doc * 2 ** 24 + 1, t, mac, size, checksum, title: d.title, type: d.type, tags, content: parts.noContent === true ? 'x' : d.content });
        add('documents', 1);
        add('versions', 1);
        add('content_bytes', size);
        add('history_bytes', size);
        add(`type:${d.type}`, 1);
        for (const g of d.tags) add(`tag:${g}`, 1);
      }
      totals.run(JSON.stringify(Object.fromEntries(sum)));
      state.run(randomBytes(72));
      entry.run(Date.now(), docs.length, randomBytes(32));
    });
    const docs = bulks();
    return `${parts.name} ${perDoc(() => {
      for (const b of docs) one.immediate(b);
    })}`;
  } finally {
    db.close();
  }
}

function raw(): string {
  fresh();
  const db = rawConnection();
  try {
    db.exec(DOCS_TABLE);
    const insert = db.prepare('INSERT INTO docs (id, content) VALUES (?, ?)');
    const one = db.transaction((docs: BenchDoc[]) => {
      for (const d of docs) insert.run(d.id, d.content);
    });
    // raw's rows for the seeded documents first (untimed), as its driver seeds them.
    for (const batch of seedBatches(DOCS, 1024)) one.immediate(batch);
    const docs = bulks();
    return `raw ${perDoc(() => {
      for (const b of docs) one.immediate(b);
    })}`;
  } finally {
    db.close();
  }
}

try {
  const seeded = Vault.createSync(base, { key: { rawKey: KEY } });
  for (const batch of seedBatches(DOCS, 1024)) seeded.bulkCreate(batch);
  seeded.close();
  console.log(`${BULKS} bulks of ${BULK} creates on ${DOCS} realistic documents: µs per document, wall / CPU`);
  for (let r = 0; r < ROUNDS; r++) {
    const figures = [
      engine(),
      floor({ name: 'floor' }),
      floor({ name: 'floor -version', noVersion: true }),
      floor({ name: 'floor -content', noContent: true }),
      floor({ name: 'floor -js', noJs: true }),
      raw(),
    ];
    console.log(`round ${r + 1}: ${figures.join(' | ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
