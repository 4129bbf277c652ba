/**
 * One small factory per operation kind (after better-sqlite3's benchmark/types/*). A factory gets the
 * open session and the store's data and returns the call the measured loop repeats, plus a `prepare`
 * step that runs once before the warm-up (and checks the driver really does the work).
 */
import { HISTORY_VERSIONS, TAGS, absentId, contentFor, docId, newDocId, randomIndices, tagsFor, titleFor, typeFor } from './data';
import type { Trial } from './trials';
import type { BenchDoc, BenchDriver, DriverSession, MaybePromise, SearchFilter, StoreManifest } from './types';

/** What the loop runs. */
export interface PreparedOp {
  /** One call; returns a promise only for async drivers. */
  readonly call: () => MaybePromise<unknown>;
  /** True when `call` returns a promise even on a sync driver (the open trial's passphrase KDF). */
  readonly async?: boolean;
  /** Units one call completes (documents for bulk trials, else 1). */
  readonly unitsPerCall: number;
  /** Runs once before the warm-up. */
  readonly prepare?: () => Promise<void>;
}

/** What every factory gets. */
export interface OpContext {
  readonly trial: Trial;
  readonly driver: BenchDriver;
  readonly session: DriverSession | undefined;
  readonly manifest: StoreManifest;
  readonly dir: string;
}

/** Size of the hot working set. */
export const HOT_SET = 1000;
/** Length of a precomputed access pattern (a power of two, so `i & MASK` wraps it). */
const PATTERN = 1 << 18;
const MASK = PATTERN - 1;
/** Distinct queries cycled by the search trial. */
const SEARCH_QUERIES = 1000;
/** Kinds of query the search trial cycles through (see `search`). */
const SEARCH_KINDS = 8;
/** Distinct contents cycled through by writes. */
const CONTENTS = 1024;

/** One query of the search trial: its text, its filters, and its kind (0..SEARCH_KINDS-1, see {@link searchQueries}). */
export type SearchCase = readonly [query: string, filter: SearchFilter | undefined, kind: number];

/**
 * The queries the search trial cycles through, for a store of `docs` seeded documents (bench/search-probe.ts
 * times them by kind). Every document starts with "#n": the number is a word found once. The dictionary
 * words each appear in about half the documents (bench/data.ts draws them uniformly), the costly case for
 * ranking. Words, prefixes and phrases vary along the cycle (no query repeats often enough to be answered
 * from a page cache), and three kinds in eight add metadata filters. Kinds: 0 rare word, 1 common word,
 * 2 prefix, 3 phrase, 4 two words with AND, 5 word + type, 6 word + tag, 7 prefix + type.
 */
export function searchQueries(docs: number): { queries: SearchCase[]; phrases: string[] } {
  const rare = randomIndices(SEARCH_QUERIES, docs, 9);
  const words = ['ledger', 'garden', 'coffee', 'server', 'policy', 'lisbon', 'printer', 'museum', 'invoice', 'river', 'sprint', 'bread'];
  const prefixes = ['integ*', 'jour*', 'lis*', 'cust*', 'rec*', 'mou*'];
  // Adjacent word pairs of the corpus (the text of document 0), so every phrase is found.
  const text = contentFor(0, 2048).split(/\s+/).slice(1, 40);
  const phrases = Array.from({ length: 12 }, (_, k) => `"${text[2 * k] ?? 'cipher'} ${text[2 * k + 1] ?? 'page'}"`);
  const pick = (xs: readonly string[], i: number): string => xs[Math.floor(i / SEARCH_KINDS) % xs.length] as string;
  const queries = Array.from({ length: SEARCH_QUERIES }, (_, i): SearchCase => {
    const kind = i % SEARCH_KINDS;
    switch (kind) {
      case 0:
        return [String(rare[i] ?? 0), undefined, kind];
      case 1:
        return [pick(words, i), undefined, kind];
      case 2:
        return [pick(prefixes, i), undefined, kind];
      case 3:
        return [pick(phrases, i), undefined, kind];
      case 4:
        return [`${pick(words, i)} AND ${pick(words, i + 5 * SEARCH_KINDS)}`, undefined, kind];
      case 5:
        return [pick(words, i), { type: 'contract' }, kind];
      case 6:
        return [pick(words, i), { tags: [TAGS[Math.floor(i / SEARCH_KINDS) % TAGS.length] as string] }, kind];
      default:
        return [pick(prefixes, i), { type: 'journal' }, kind];
    }
  });
  return { queries, phrases };
}

function need(session: DriverSession | undefined): DriverSession {
  if (session === undefined) throw new Error('this operation needs an open session');
  return session;
}

function fail(what: string): never {
  throw new Error(`benchmark self-check failed: ${what}`);
}

/** Ids to read: `hot` draws from the first HOT_SET documents (spread over the store), `cold` from all. */
function accessIds(m: StoreManifest, access: 'hot' | 'cold', seed: number): { ids: string[]; hot: string[] } {
  const stride = Math.max(1, Math.floor(m.docs / HOT_SET));
  const hot: string[] = [];
  for (let i = 0; i < Math.min(HOT_SET, m.docs); i++) hot.push(docId(i * stride));
  const range = access === 'hot' ? hot.length : m.docs;
  const idx = randomIndices(PATTERN, range, seed);
  const ids = new Array<string>(PATTERN);
  for (let i = 0; i < PATTERN; i++) ids[i] = access === 'hot' ? (hot[idx[i] ?? 0] as string) : docId(idx[i] ?? 0);
  return { ids, hot };
}

/** Contents cycled by write trials, so writing never pays for generating text. */
function writeContents(docBytes: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < CONTENTS; i++) out.push(contentFor(1_000_000 + i, docBytes));
  return out;
}

/** Document numbers of new documents' titles, types and tags (far from any seeded n). */
const NEW_BASE = 2_000_000_000;

/**
 * A stream of new documents: random UUID-like ids (`newDocId`, never a seeded one), titles, types and
 * tags drawn like the seeded ones. Only the id is made per call; the rest cycles through precomputed
 * pools, so writing never pays for generating text. The same stream for every driver.
 */
function newDocs(docBytes: number): () => BenchDoc {
  const contents = writeContents(docBytes);
  const meta = Array.from({ length: CONTENTS }, (_, k) => ({ title: titleFor(NEW_BASE + k), type: typeFor(NEW_BASE + k), tags: tagsFor(NEW_BASE + k) }));
  let n = 0;
  return () => {
    const k = n++;
    const m = meta[k & (CONTENTS - 1)] as (typeof meta)[number];
    return { id: newDocId(k), title: m.title, type: m.type, tags: m.tags, content: contents[k & (CONTENTS - 1)] as string };
  };
}

type Factory = (ctx: OpContext) => PreparedOp;

const FACTORIES: Record<Trial['op'], Factory> = {
  get({ trial, session, manifest }) {
    const s = need(session);
    const { ids, hot } = accessIds(manifest, trial.access ?? 'hot', 1);
    let i = 0;
    return {
      unitsPerCall: 1,
      call: () => s.get(ids[i++ & MASK] as string),
      async prepare() {
        if ((await s.get(docId(0))) === undefined) fail('get returned nothing');
        if (trial.access !== 'cold') for (const id of hot) await s.get(id);
      },
    };
  },

  exists({ session, manifest }) {
    const s = need(session);
    const present = randomIndices(PATTERN / 2, manifest.docs, 2);
    const absent = randomIndices(PATTERN / 2, Math.max(1, manifest.docs / 10), 3);
    const ids = new Array<string>(PATTERN);
    for (let k = 0; k < PATTERN / 2; k++) {
      ids[2 * k] = docId(present[k] ?? 0);
      ids[2 * k + 1] = absentId(absent[k] ?? 0);
    }
    let i = 0;
    return {
      unitsPerCall: 1,
      call: () => s.exists(ids[i++ & MASK] as string),
      async prepare() {
        if ((await s.exists(docId(0))) !== true) fail('exists(present) was not true');
        if ((await s.exists(absentId(0))) !== false) fail('exists(absent) was not false');
      },
    };
  },

  save({ session, manifest }) {
    const s = need(session);
    const next = newDocs(manifest.docBytes);
    return { unitsPerCall: 1, call: () => s.save(next()) };
  },

  'bulk-save'({ trial, session, manifest }) {
    const s = need(session);
    const batch = trial.batch ?? 100;
    const next = newDocs(manifest.docBytes);
    return {
      unitsPerCall: batch,
      call: () => {
        const docs = new Array<BenchDoc>(batch);
        for (let k = 0; k < batch; k++) docs[k] = next();
        return s.bulkSave(docs);
      },
    };
  },

  'bulk-get'({ trial, session, manifest }) {
    const s = need(session);
    const batch = trial.batch ?? 100;
    const { ids, hot } = accessIds(manifest, trial.access ?? 'hot', 4);
    const batches: string[][] = [];
    for (let b = 0; b < 256; b++) batches.push(ids.slice(b * batch, (b + 1) * batch));
    let i = 0;
    return {
      unitsPerCall: batch,
      call: () => s.bulkGet(batches[i++ & 255] as string[]),
      async prepare() {
        for (const id of hot) await s.get(id);
      },
    };
  },

  update({ session, manifest }) {
    const s = need(session);
    const contents = writeContents(manifest.docBytes);
    const idx = randomIndices(PATTERN, manifest.docs, 5);
    let i = 0;
    return {
      unitsPerCall: 1,
      call: () => {
        const k = i++;
        return s.update(docId(idx[k & MASK] ?? 0), contents[k & (CONTENTS - 1)] as string);
      },
    };
  },

  'list-page'({ session }) {
    const s = need(session);
    return { unitsPerCall: 1, call: () => s.listPage(100) };
  },

  search({ session, manifest }) {
    const s = need(session);
    const { queries, phrases } = searchQueries(manifest.docs);
    let i = 0;
    return {
      unitsPerCall: 1,
      call: () => {
        const [q, f] = queries[i++ % SEARCH_QUERIES] as SearchCase;
        return s.search(q, 20, f);
      },
      async prepare() {
        if ((await s.search(String(Math.floor(manifest.docs / 2)), 20)) !== 1) fail('a rare word did not find exactly its one document');
        if ((await s.search('ledger', 20)) !== 20) fail('a common word did not fill a page');
        if ((await s.search(phrases[0] as string, 20)) === 0) fail('a phrase of the corpus found nothing');
      },
    };
  },

  'history-diff'({ session, manifest }) {
    const s = need(session);
    const id = manifest.historyId ?? fail('the store has no history document');
    return {
      unitsPerCall: 1,
      call: () => s.historyDiff(id),
      async prepare() {
        const r = await s.historyDiff(id);
        if (r.versions !== HISTORY_VERSIONS) fail(`history has ${r.versions} versions, expected ${HISTORY_VERSIONS}`);
        if (r.diffChars === 0) fail('the diff is empty');
      },
    };
  },

  open({ trial, driver, manifest, dir }) {
    const keying = trial.keying ?? 'key';
    // Opening is slow enough that awaiting costs nothing, and a passphrase open is async on every driver.
    return { async: true, unitsPerCall: 1, call: () => driver.openClose(dir, manifest, keying) };
  },
};

/** Builds the operation of `ctx.trial`. */
export function makeOp(ctx: OpContext): PreparedOp {
  return FACTORIES[ctx.trial.op](ctx);
}
