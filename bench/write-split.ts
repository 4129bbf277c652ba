/**
 * Where a single durable create's time goes: the engine's transaction body (everything before COMMIT: checks,
 * tags, statements, totals, state, audit entry) against its COMMIT (the WAL frames and the fsync), beside
 * the floor of the same schema — the same rows written by plain SQL on a raw connection (head and version
 * rows, totals, vault state, the audit head holding the entry; tags as random bytes, no docvault code) — the floor of a
 * log-structured commit (`log`, below), and raw's one table. Interleaved rounds on copies of one seeded vault
 * (the machine is shared: read the medians). Each document is made before its transaction in every variant,
 * so `body` is the write's own work.
 *
 *   node scripts/build-node.mjs
 *   npx esbuild bench/write-split.ts --bundle --platform=node --format=esm --packages=external --outfile=out/probe/write-split.mjs
 *   node out/probe/write-split.mjs [--docs 10000] [--ops 2000] [--rounds 3] [--kind create|update] [--durability full|normal] [--frames] [--only engine,floor,log,raw]
 *
 * `--kind update`: new content for seeded documents (the i-th write to document (i × 7,919 + 3) mod docs, as
 * scripts/wal-pages.mjs); the floor then reads the head and its current content, rewrites the head row and adds
 * the version, totals and state (an update is not audited); raw updates its row (its table filled first, untimed).
 *
 * `--durability normal`: no fsync per commit in any variant (the engine's `durability: 'normal'`, `synchronous = NORMAL`
 * on the raw connections): what is left of COMMIT is the frames' encryption and writes. `--frames` also prints the WAL
 * frames each write added (SQLite's count, with checkpoints off for the round: the timings then differ a little).
 *
 * The engine's outermost transactions are timed by wrapping better-sqlite3's `transaction().immediate()` in this
 * process only (BEGIN IMMEDIATE, the body, COMMIT, each timed); nothing in src/ is changed.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Vault } from '../src/main/storage';
import { AUDIT_HEAD_KEY } from '../src/main/storage/engine/audit-schema';
import { DOCS_TABLE } from './drivers/one-table';
import { freshCopy, openRawCopy } from './raw-copy';
import { docId, makeDoc, newDocId, seedBatches } from './data';
import type { BenchDoc } from './types';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '10000' },
    ops: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    kind: { type: 'string', default: 'create' },
    durability: { type: 'string', default: 'full' },
    frames: { type: 'boolean', default: false },
    only: { type: 'string', default: 'engine,floor,log,raw' },
  },
});
if (values.durability !== 'full' && values.durability !== 'normal') throw new Error('--durability: full or normal');
const DURABILITY = values.durability;
const FRAMES = values.frames === true;
if (values.kind !== 'create' && values.kind !== 'update') throw new Error('--kind: create or update');
const UPDATE = values.kind === 'update';
const DOCS = Number(values.docs);
const OPS = Number(values.ops);
const ROUNDS = Number(values.rounds);
/** Every variant, in the order a round runs them (the next round reversed). */
const VARIANTS = ['engine', 'floor', 'split', 'append', 'log', 'raw'] as const;
/** The variants to run (`--only`, comma-separated): one at a time under `perf` or `strace`. */
const ONLY = new Set(values.only.split(',').map((s) => s.trim()));
for (const name of ONLY) if (!(VARIANTS as readonly string[]).includes(name)) throw new Error(`--only: unknown variant ${name}`);
const KEY = randomBytes(32).toString('hex');
/** The vault's page size (SQLCipher 4's default, which docvault keeps). */
const PAGE_SIZE = 4096;

/** One variant's figures in one round, µs per create. */
interface Split {
  wall: number;
  body: number;
  commit: number;
  cpu: number;
  /** WAL frames per write (`--frames`), else NaN. */
  frames: number;
  /** `log` only: the later flush that applies the logged rows to the schema's tables, µs per write (one transaction for the round's writes). */
  apply?: number;
}

/** Body and COMMIT times of the outermost immediate transactions run while `timing` is set. */
let timing: { body: number[]; commit: number[] } | undefined;
const original = Database.prototype.transaction;
(Database.prototype as unknown as { transaction: unknown }).transaction = function (this: Database.Database, fn: (...args: unknown[]) => unknown) {
  const wrapped = original.call(this, fn);
  const immediate = (...args: unknown[]): unknown => {
    if (timing === undefined || this.inTransaction) return wrapped.immediate(...args);
    this.exec('BEGIN IMMEDIATE');
    const t0 = performance.now();
    let r: unknown;
    try {
      r = fn(...args);
    } catch (err) {
      this.exec('ROLLBACK');
      throw err;
    }
    const t1 = performance.now();
    this.exec('COMMIT');
    timing.body.push((t1 - t0) * 1000);
    timing.commit.push((performance.now() - t1) * 1000);
    return r;
  };
  return Object.assign((...args: unknown[]) => wrapped(...args), { deferred: wrapped.deferred, immediate, exclusive: wrapped.exclusive });
};

const dir = mkdtempSync(join(tmpdir(), 'dv-split-'));
const base = join(dir, 'base.dvault');
const copy = join(dir, 'copy.dvault');
let next = 5_000_000;

const fresh = (): void => freshCopy(base, copy);

function rawConnection(): Database.Database {
  const db = openRawCopy(copy, KEY);
  if (DURABILITY === 'normal') db.pragma('synchronous = NORMAL');
  // The engine's walCheckpointPages; none with --frames (a checkpoint resets the count).
  db.pragma(`wal_autocheckpoint = ${FRAMES ? 0 : 4000}`);
  return db;
}

const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);

/** The frames in the copy's WAL file (`--frames`: no checkpoint runs in a round, so the file only grows): its size over a frame's. */
function walFrames(): number {
  if (!FRAMES) return Number.NaN;
  const wal = `${copy}-wal`;
  const size = existsSync(wal) ? statSync(wal).size : 0;
  // A frame is a 24-byte header and a page; the file starts with a 32-byte header.
  return Math.max(0, size - 32) / (PAGE_SIZE + 24);
}

function measure(run: () => void): Split {
  const f0 = walFrames();
  timing = { body: [], commit: [] };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wall = ((performance.now() - t0) * 1000) / OPS;
  const c = process.cpuUsage(c0);
  const t = timing;
  timing = undefined;
  return { wall, body: mean(t.body), commit: mean(t.commit), cpu: (c.user + c.system) / OPS, frames: (walFrames() - f0) / OPS };
}

/** The i-th document written: a new one, or new content for a seeded one (`--kind update`). */
function docFor(i: number): BenchDoc {
  next++;
  return makeDoc(next, 1024, UPDATE ? docId((i * 7919 + 3) % DOCS) : newDocId(next));
}

function engine(): Split {
  fresh();
  const v = Vault.openSync(copy, { key: { rawKey: KEY }, durability: DURABILITY, ...(FRAMES ? { walCheckpointPages: 0 } : {}) });
  try {
    const docs = Array.from({ length: OPS }, (_, i) => docFor(i));
    return measure(() => {
      for (const d of docs) {
        if (UPDATE) v.update(d.id, { content: d.content });
        else v.create(d);
      }
    });
  } finally {
    v.close();
  }
}

/** Writes on a raw connection to a fresh copy, one transaction each: `prepare` returns the write of one document. */
function onRaw(prepare: (db: Database.Database) => (d: BenchDoc) => void, after?: () => number | undefined): Split {
  fresh();
  const db = rawConnection();
  try {
    const write = db.transaction(prepare(db));
    const docs = Array.from({ length: OPS }, (_, i) => docFor(i));
    const split = measure(() => {
      for (const d of docs) write.immediate(d);
    });
    const apply = after?.();
    return apply === undefined ? split : { ...split, apply };
  } finally {
    db.close();
  }
}

/** What a plain-SQL variant writes for `d` besides its text: the time, a random stand-in for a tag, size, checksum, the tags' JSON. */
function fieldsOf(d: BenchDoc): { t: number; mac: Buffer; size: number; checksum: string; tags: string } {
  return { t: Date.now(), mac: randomBytes(32), size: Buffer.byteLength(d.content), checksum: createHash('sha256').update(d.content).digest('hex'), tags: JSON.stringify(d.tags) };
}

/** The rows a create writes, by plain SQL: what the schema alone costs. */
function floor(): Split {
  return onRaw((db) => {
    const head = db.prepare(`INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, head_mac, version_mac)
      VALUES (@id, @t, @t, 1, @title, @type, @tags, '{}', NULL, @size, @checksum, @mac, @mac) RETURNING doc`).pluck();
    const versionRow = db.prepare(`INSERT INTO versions (vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content)
      VALUES (@vid, @version, @t, @mac, @size, @checksum, NULL, @title, @type, @tags, '{}', @content)`);
    const totals = db.prepare('INSERT INTO counters (key, n) SELECT key, value FROM json_each(?) WHERE true ON CONFLICT (key) DO UPDATE SET n = n + excluded.n');
    const state = db.prepare("UPDATE counters SET b = ? WHERE key = 'state'");
    const auditHead = db.prepare(`UPDATE counters SET b = ? WHERE key = '${AUDIT_HEAD_KEY}'`);
    const current = db.prepare('SELECT d.doc, d.version, d.size, v.content FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version WHERE d.id = ?');
    const rehead = db.prepare(`UPDATE documents SET updated_at = @t, version = @version, tags = @tags, metadata = '{}', size = @size, checksum = @checksum,
      head_mac = @mac, version_mac = @mac WHERE doc = @doc`);
    if (UPDATE)
      return (d) => {
        const cur = current.get(d.id) as { doc: number; version: number; size: number; content: string };
        const { t, mac, size, checksum, tags } = fieldsOf(d);
        const version = cur.version + 1;
        rehead.run({ t, version, tags, size, checksum, mac, doc: cur.doc });
        versionRow.run({ vid: cur.doc * 2 ** 24 + version, version, t, mac, size, checksum, title: d.title, type: d.type, tags, content: d.content });
        totals.run(JSON.stringify({ versions: 1, content_bytes: size - cur.size, history_bytes: size }));
        state.run(randomBytes(72));
      };
    return (d) => {
      const { t, mac, size, checksum, tags } = fieldsOf(d);
      const doc = head.get({ id: d.id, t, title: d.title, type: d.type, tags, size, checksum, mac }) as number;
      versionRow.run({ vid: doc * 2 ** 24 + 1, version: 1, t, mac, size, checksum, title: d.title, type: d.type, tags, content: d.content });
      totals.run(JSON.stringify({ documents: 1, versions: 1, content_bytes: size, history_bytes: size, [`type:${d.type}`]: 1, ...Object.fromEntries(d.tags.map((g) => [`tag:${g}`, 1])) }));
      state.run(randomBytes(72));
      // Since schema step 21 a run of creates merges into the entry the audit head holds: no audit_log row.
      auditHead.run(randomBytes(150));
    };
  });
}

/** The columns of a version row other than its key and content. */
const VERSION_META = 'version INTEGER NOT NULL, created_at INTEGER NOT NULL, mac BLOB NOT NULL, size INTEGER NOT NULL, checksum TEXT NOT NULL, comment TEXT, title TEXT NOT NULL, type TEXT NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL';

/**
 * An update's rows, by plain SQL, on a copy whose versions were rebuilt (untimed) by `layout`: `setup` SQL, then
 * `write(db)` adds the version (given its key, returns the row id the head should name, or undefined).
 */
function relaid(setup: string, current: string, write: (db: Database.Database) => (vid: number, d: BenchDoc, f: ReturnType<typeof fieldsOf>, version: number) => number): Split {
  if (!UPDATE) throw new Error('split / append: --kind update only (a create appends its version in every layout)');
  return onRaw((db) => {
    db.exec(setup);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const add = write(db);
    const totals = db.prepare('INSERT INTO counters (key, n) SELECT key, value FROM json_each(?) WHERE true ON CONFLICT (key) DO UPDATE SET n = n + excluded.n');
    const state = db.prepare("UPDATE counters SET b = ? WHERE key = 'state'");
    const read = db.prepare(current);
    const rehead = db.prepare(`UPDATE documents SET updated_at = @t, version = @version, tags = @tags, metadata = '{}', size = @size, checksum = @checksum,
      head_mac = @mac, version_mac = @mac, pointer = @pointer WHERE doc = @doc`);
    return (d) => {
      const cur = read.get(d.id) as { doc: number; version: number; size: number; content: string };
      const f = fieldsOf(d);
      const version = cur.version + 1;
      const pointer = add(cur.doc * 2 ** 24 + version, d, f, version);
      rehead.run({ t: f.t, version, tags: f.tags, size: f.size, checksum: f.checksum, mac: f.mac, doc: cur.doc, pointer });
      totals.run(JSON.stringify({ versions: 1, content_bytes: f.size - cur.size, history_bytes: f.size }));
      state.run(randomBytes(72));
    };
  });
}

/**
 * A layout the write targets could move to (prototype measured at schema 21, untimed rebuild of the seeded copy): each version's
 * content in a table of its own in append order; the version row (its key unchanged) and the head name it.
 */
function split(): Split {
  return relaid(
    `CREATE TABLE contents (cid INTEGER PRIMARY KEY, content TEXT NOT NULL) STRICT;
     CREATE TABLE versions2 (vid INTEGER PRIMARY KEY, ${VERSION_META}, cid INTEGER NOT NULL) STRICT;
     INSERT INTO contents (cid, content) SELECT row_number() OVER (ORDER BY vid), content FROM versions ORDER BY vid;
     INSERT INTO versions2 SELECT vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, row_number() OVER (ORDER BY vid) FROM versions ORDER BY vid;
     ALTER TABLE documents ADD COLUMN pointer INTEGER;
     UPDATE documents SET pointer = (SELECT cid FROM versions2 v WHERE v.vid = (doc << 24) + version);
     DROP TABLE versions;`,
    'SELECT d.doc, d.version, d.size, c.content FROM documents d JOIN contents c ON c.cid = d.pointer WHERE d.id = ?',
    (db) => {
      const content = db.prepare('INSERT INTO contents (content) VALUES (?)');
      const row = db.prepare(`INSERT INTO versions2 VALUES (@vid, @version, @t, @mac, @size, @checksum, NULL, @title, @type, @tags, '{}', @cid)`);
      return (vid, d, f, version) => {
        const cid = Number(content.run(d.content).lastInsertRowid);
        row.run({ vid, version, t: f.t, mac: f.mac, size: f.size, checksum: f.checksum, title: d.title, type: d.type, tags: f.tags, cid });
        return cid;
      };
    },
  );
}

/**
 * The other such layout: versions whole in append order (a sequence key), found by their key through an index; the
 * head names its row. Schema step 22 ships it, so on today's schema this variant rebuilds what is already there.
 */
function append(): Split {
  return relaid(
    `CREATE TABLE versions3 (seq INTEGER PRIMARY KEY, vid INTEGER NOT NULL, ${VERSION_META}, content TEXT NOT NULL) STRICT;
     INSERT INTO versions3 SELECT NULL, vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content FROM versions ORDER BY vid;
     CREATE UNIQUE INDEX versions3_vid ON versions3 (vid);
     ALTER TABLE documents ADD COLUMN pointer INTEGER;
     UPDATE documents SET pointer = (SELECT seq FROM versions3 v WHERE v.vid = (doc << 24) + version);
     DROP TABLE versions;`,
    'SELECT d.doc, d.version, d.size, v.content FROM documents d JOIN versions3 v ON v.seq = d.pointer WHERE d.id = ?',
    (db) => {
      const row = db.prepare(`INSERT INTO versions3 VALUES (NULL, @vid, @version, @t, @mac, @size, @checksum, NULL, @title, @type, @tags, '{}', @content)`);
      return (vid, d, f, version) =>
        Number(row.run({ vid, version, t: f.t, mac: f.mac, size: f.size, checksum: f.checksum, title: d.title, type: d.type, tags: f.tags, content: d.content }).lastInsertRowid);
    },
  );
}

/**
 * The floor of a log-structured commit (the design docs/bench.md names for the write targets): a write
 * appends one row holding everything it wrote to a small log table (found by id by a reader until it is
 * applied) and updates the totals, vault state and audit head (one `counters` page); heads, versions, list
 * indexes and audit entries are written later, many writes at a time. `apply` times that later flush for the
 * round's creates (documents, versions and audit entries by INSERT … SELECT, then the log emptied). An update
 * reads its head and current content first, as the floor's does (a real reader would look in the log too).
 */
function log(): Split {
  /** Runs the apply and returns its time, ms. */
  let applied: (() => number) | undefined;
  const split = onRaw((db) => {
    db.exec(`CREATE TABLE write_log (n INTEGER PRIMARY KEY, id TEXT NOT NULL, vid INTEGER, at INTEGER NOT NULL, title TEXT NOT NULL, type TEXT NOT NULL,
      tags TEXT NOT NULL, size INTEGER NOT NULL, checksum TEXT NOT NULL, mac BLOB NOT NULL, head_mac BLOB NOT NULL, content TEXT NOT NULL) STRICT;
      CREATE INDEX write_log_id ON write_log (id)`);
    const append = db.prepare(`INSERT INTO write_log (id, vid, at, title, type, tags, size, checksum, mac, head_mac, content)
      VALUES (@id, @vid, @t, @title, @type, @tags, @size, @checksum, @mac, @mac, @content)`);
    const totals = db.prepare('INSERT INTO counters (key, n) SELECT key, value FROM json_each(?) WHERE true ON CONFLICT (key) DO UPDATE SET n = n + excluded.n');
    const state = db.prepare("UPDATE counters SET b = ? WHERE key = 'state'");
    const auditHead = db.prepare(`UPDATE counters SET b = ? WHERE key = '${AUDIT_HEAD_KEY}'`);
    const current = db.prepare('SELECT d.doc, d.version, d.size, v.content FROM documents d JOIN versions v ON v.vid = (d.doc << 24) + d.version WHERE d.id = ?');
    const apply = db.transaction(() => {
      db.exec(`INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, head_mac, version_mac)
          SELECT id, at, at, 1, title, type, tags, '{}', NULL, size, checksum, head_mac, mac FROM write_log ORDER BY n;
        INSERT INTO versions (vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content)
          SELECT (d.doc << 24) + 1, 1, l.at, l.mac, l.size, l.checksum, NULL, l.title, l.type, l.tags, '{}', l.content FROM write_log l JOIN documents d ON d.id = l.id ORDER BY l.n;
        INSERT INTO audit_log (seq, at, event, outcome, count, detail, mac)
          SELECT (SELECT coalesce(max(seq), 0) FROM audit_log) + row_number() OVER (ORDER BY n), at, 'document.create', 'ok', 1, NULL, mac FROM write_log;
        DELETE FROM write_log;`);
    });
    if (!UPDATE)
      applied = () => {
        const rows = db.prepare('SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions), (SELECT count(*) FROM write_log)').raw();
        const before = rows.get() as number[];
        const t0 = performance.now();
        apply.immediate();
        const ms = performance.now() - t0;
        // The apply must have written every logged create (a figure from fewer rows would flatter it).
        const after = rows.get() as number[];
        if (after[0] !== (before[0] as number) + OPS || after[1] !== (before[1] as number) + OPS || after[2] !== 0)
          throw new Error(`log: the apply left documents ${before[0]} -> ${after[0]}, versions ${before[1]} -> ${after[1]}, ${after[2]} rows in the log`);
        return ms;
      };
    return (d) => {
      const { t, mac, size, checksum, tags } = fieldsOf(d);
      if (UPDATE) {
        const cur = current.get(d.id) as { doc: number; version: number; size: number; content: string };
        append.run({ id: d.id, vid: cur.doc * 2 ** 24 + cur.version + 1, t, title: d.title, type: d.type, tags, size, checksum, mac, content: d.content });
        totals.run(JSON.stringify({ versions: 1, content_bytes: size - cur.size, history_bytes: size }));
      } else {
        append.run({ id: d.id, vid: null, t, title: d.title, type: d.type, tags, size, checksum, mac, content: d.content });
        totals.run(JSON.stringify({ documents: 1, versions: 1, content_bytes: size, history_bytes: size, [`type:${d.type}`]: 1, ...Object.fromEntries(d.tags.map((g) => [`tag:${g}`, 1])) }));
        auditHead.run(randomBytes(120));
      }
      state.run(randomBytes(72));
    };
  }, () => {
    return applied === undefined ? undefined : (applied() * 1000) / OPS;
  });
  return split;
}

/** raw's one table (bench/drivers/one-table.ts), one insert per transaction. */
function raw(): Split {
  return onRaw((db) => {
    db.exec(DOCS_TABLE);
    const insert = db.prepare('INSERT INTO docs (id, content) VALUES (?, ?)');
    if (!UPDATE)
      return (d) => {
        insert.run(d.id, d.content);
      };
    // raw's rows for the seeded documents first (untimed), as its driver seeds them.
    db.transaction(() => {
      for (const batch of seedBatches(DOCS, 1024)) for (const d of batch) insert.run(d.id, d.content);
    })();
    const update = db.prepare('UPDATE docs SET content = ? WHERE id = ?');
    return (d) => {
      if (update.run(d.content, d.id).changes !== 1) throw new Error(`raw: no row ${d.id}`);
    };
  });
}

try {
  const seeded = Vault.createSync(base, { key: { rawKey: KEY } });
  for (const batch of seedBatches(DOCS, 1024)) seeded.bulkCreate(batch);
  seeded.close();
  const variants = { engine, floor, split, append, log, raw } as const;
  const results: Record<string, Split[]> = { engine: [], floor: [], split: [], append: [], log: [], raw: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const name of order) if (ONLY.has(name)) (results[name] as Split[]).push(variants[name]());
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const f = (x: number): string => x.toFixed(0).padStart(6);
  console.log(`${OPS} ${UPDATE ? 'updates' : 'creates'} × ${ROUNDS} rounds on ${DOCS} realistic documents, µs per write (median of rounds; each round's figures after /)`);
  console.log(`variant   wall   body  COMMIT  CPU${FRAMES ? '  frames' : ''}   (log: + its later apply, per write)`);
  for (const name of VARIANTS) {
    if (!ONLY.has(name)) continue;
    const rs = results[name] as Split[];
    const col = (k: keyof Split): string => f(median(rs.map((x) => x[k] ?? 0)));
    const apply = rs[0]?.apply === undefined ? '' : ` + ${col('apply').trim()}`;
    const frames = FRAMES ? ` ${median(rs.map((x) => x.frames)).toFixed(2).padStart(7)}` : '';
    console.log(`${name.padEnd(7)} ${col('wall')} ${col('body')} ${col('commit')} ${col('cpu')}${frames}${apply}   / ${rs.map((x) => `${x.wall.toFixed(0)}:${x.body.toFixed(0)}:${x.commit.toFixed(0)}`).join(' ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
