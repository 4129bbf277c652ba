/**
 * The `index-build` trial: how fast the full-text index is built for `docs` documents, in two ways.
 *
 * 1. **rebuild**: `Vault.rebuildSearchIndex()` (FTS5 `rebuild` over the current version of every live
 *    document, one transaction) on a vault of `docs` documents: docs/s. This is what `docvault verify
 *    --repair` runs and what schema step "search" ran on existing vaults.
 * 2. **incremental**: bulk-save (`bulkCreate`, 1,000 per transaction) of the same documents into a fresh
 *    vault as shipped, then `indexSearch()` (the writes queue their documents and the writer indexes them
 *    later: engine/search-queue.ts; both timed), and into one whose four search-queue triggers were
 *    dropped on a side connection first: docs/s of each, and the index's share of a bulk-save's time.
 *
 * Documents are bench/data.ts's (realistic words, 1–3 tags, random-order UUID ids). The self-check counts
 * the index's entries (FTS5's `search_index_docsize` shadow table, one row per indexed document) on a
 * second connection: `docs` after the bulk-save with triggers and after the rebuild, none in the vault
 * without triggers, which proves they were really gone.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { generateRawKey } from '../src/main/storage/keys';
import { seedBatches } from './data';
import { SEARCH_MARK_KEY } from '../src/main/storage/search-mark-schema';
import { SEARCH_SEQ_KEY } from '../src/main/storage/search-seq-schema';

/** Options of {@link runIndexBuildTrial}. */
export interface IndexBuildTrialOptions {
  /** Scratch folder (created; removed afterwards). */
  readonly dir: string;
  /** Documents. Default 10,000. */
  readonly docs?: number;
  /** Content bytes per document. Default 1024. */
  readonly docBytes?: number;
}

/** What the trial measured. */
export interface IndexBuildRecord {
  readonly trial: 'index-build';
  readonly docs: number;
  readonly docBytes: number;
  /** `rebuildSearchIndex()` over `docs` live documents. */
  readonly rebuildDocsPerSec: number;
  /** bulkCreate × 1,000 as shipped, and the queued documents indexed. */
  readonly bulkSaveDocsPerSec: number;
  /** bulkCreate × 1,000 with the four search-queue triggers dropped and no search mark (nothing queued, nothing indexed). */
  readonly bulkSaveNoFtsDocsPerSec: number;
  /** 1 − (time without triggers ÷ time with them): the index's share of a bulk-save. */
  readonly ftsShare: number;
  /** The self-checks held (see the module comment). */
  readonly ok: boolean;
  readonly peakRssMb: number;
}

/** The triggers that queue documents for the index (schema step "search queue"; the one for new versions went with step "updates wait past a sequence mark"). */
const SEARCH_TRIGGERS = ['search_queue_ad', 'search_queue_trash', 'search_queue_undelete'];

/** Runs `fn` on a second connection to the vault at `path` (raw key, SQLCipher 4). */
function side<T>(path: string, keyHex: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${keyHex}'"`);
    return fn(db);
  } finally {
    db.close();
  }
}

/** Documents in the full-text index (one `_docsize` row each), read on a second connection. */
function indexed(path: string, keyHex: string): number {
  return side(path, keyHex, (db) => db.prepare('SELECT count(*) FROM search_index_docsize').pluck().get() as number);
}

/** Bulk-saves `docs` documents into `v`, 1,000 per transaction, then indexes what they queued; returns seconds. */
function bulkSave(v: Vault, docs: number, docBytes: number): number {
  const t0 = performance.now();
  for (const batch of seedBatches(docs, docBytes)) {
    const r = v.bulkCreate(batch);
    if (!r.committed) throw new Error('benchmark self-check failed: a bulk-save did not commit');
  }
  v.indexSearch();
  return (performance.now() - t0) / 1000;
}

/** Runs the trial once: two vaults of `docs` documents, one after the other (the first is deleted before the second is made). */
export function runIndexBuildTrial(opts: IndexBuildTrialOptions): IndexBuildRecord {
  const docs = opts.docs ?? 10_000;
  const docBytes = opts.docBytes ?? 1024;
  mkdirSync(opts.dir, { recursive: true });
  const keyHex = generateRawKey().toString('hex');
  const key = { rawKey: keyHex };
  try {
    const withPath = join(opts.dir, 'with-fts.dvault');
    const v = Vault.createSync(withPath, { key });
    let bulkS: number;
    let rebuildS: number;
    let ok: boolean;
    try {
      bulkS = bulkSave(v, docs, docBytes);
      ok = indexed(withPath, keyHex) === docs;
      const t0 = performance.now();
      v.rebuildSearchIndex();
      rebuildS = (performance.now() - t0) / 1000;
      ok &&= indexed(withPath, keyHex) === docs;
    } finally {
      v.close();
    }
    rmSync(withPath, { force: true });

    const withoutPath = join(opts.dir, 'no-fts.dvault');
    Vault.createSync(withoutPath, { key }).close();
    // As scripts/variants.mjs's `no-fts` lever: the triggers dropped and the marks' rows removed (read as past
    // every document and version, so nothing waits after them).
    side(withoutPath, keyHex, (db) => db.exec(`${SEARCH_TRIGGERS.map((t) => `DROP TRIGGER ${t};`).join(' ')} DELETE FROM counters WHERE key IN ('${SEARCH_MARK_KEY}', '${SEARCH_SEQ_KEY}');`));
    const w = Vault.openSync(withoutPath, { key });
    let bareS: number;
    try {
      bareS = bulkSave(w, docs, docBytes);
      ok &&= indexed(withoutPath, keyHex) === 0 && w.stats().documents === docs;
    } finally {
      w.close();
    }
    return {
      trial: 'index-build',
      docs,
      docBytes,
      rebuildDocsPerSec: docs / rebuildS,
      bulkSaveDocsPerSec: docs / bulkS,
      bulkSaveNoFtsDocsPerSec: docs / bareS,
      ftsShare: 1 - bareS / bulkS,
      ok,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    };
  } finally {
    rmSync(opts.dir, { recursive: true, force: true });
  }
}
