/**
 * The trials, as data: one entry per trial (name, setup, operation, sizes), after better-sqlite3's
 * benchmark/trials.js. Each `op` names one factory in ./ops.ts. The workload is fixed here for every
 * driver; nothing in it depends on which engine runs it.
 */
import type { OpenOptions, SeedKind } from './types';

/** Operation kinds; each has one factory in ./ops.ts. */
export type OpKind = 'get' | 'exists' | 'save' | 'bulk-save' | 'bulk-get' | 'update' | 'list-page' | 'search' | 'history-diff' | 'open';

/** The sizes a trial runs at (the runner picks which sizes to run: default 10k × 1 KB, `--full` all). */
export const SIZES = {
  '10k×1KB': { docs: 10_000, docBytes: 1024 },
  '10k×10KB': { docs: 10_000, docBytes: 10 * 1024 },
  '100k×1KB': { docs: 100_000, docBytes: 1024 },
  '100k×10KB': { docs: 100_000, docBytes: 10 * 1024 },
} as const;

/** A size name of {@link SIZES}. */
export type SizeName = keyof typeof SIZES;

const ALL_SIZES: readonly SizeName[] = ['10k×1KB', '10k×10KB', '100k×1KB', '100k×10KB'];
/** For trials whose work does not depend on the document size. */
const ONE_KB_SIZES: readonly SizeName[] = ['10k×1KB', '100k×1KB'];

/** One trial. */
export interface Trial {
  readonly name: string;
  /** One line: what is measured. */
  readonly what: string;
  /** The store the trial starts from (copied fresh for each process). */
  readonly seed: SeedKind;
  /** How the session is opened; `false`: the trial opens the store itself (open trials). */
  readonly open: OpenOptions | false;
  readonly op: OpKind;
  /** Which ids are read: `hot` (a 1,000-id working set, pre-read) or `cold` (uniform over every document). */
  readonly access?: 'hot' | 'cold';
  /** Documents per call for bulk trials (throughput is then counted in documents). */
  readonly batch?: number;
  /** Callers running at once (closed loop: each starts its next call when the last returns). */
  readonly concurrency?: number;
  /** How the open trial keys the store. */
  readonly keying?: 'key' | 'passphrase';
  readonly sizes: readonly SizeName[];
  /** The seed report's figure for this trial, shown beside ours (in memory, unencrypted, 1,000 × 100 B). */
  readonly seedFigure?: { readonly value: number; readonly label: string };
}

/** Every trial, in table order. */
export const TRIALS: readonly Trial[] = [
  {
    name: 'get-hot',
    what: 'get by id, random over a 1,000-id working set read once before timing (cache hits where the store caches)',
    seed: 'docs',
    open: {},
    op: 'get',
    access: 'hot',
    sizes: ALL_SIZES,
    seedFigure: { value: 1_990_026, label: 'reads/s, pass 2, all cache hits' },
  },
  {
    name: 'get-cold',
    what: 'get by id, uniform over every document, document cache set well below the data; each read verified',
    seed: 'docs',
    open: { cache: 'small' },
    op: 'get',
    access: 'cold',
    sizes: ALL_SIZES,
    seedFigure: { value: 95_994, label: 'reads/s, pass 1' },
  },
  {
    name: 'exists',
    what: 'exists, alternating a present id (uniform over every document) and an absent one',
    seed: 'docs',
    open: {},
    op: 'exists',
    sizes: ALL_SIZES,
    seedFigure: { value: 2_089_998, label: 'exists/s' },
  },
  {
    name: 'save',
    what: 'create one new document per call, durable at return, one caller',
    seed: 'docs',
    open: {},
    op: 'save',
    sizes: ALL_SIZES,
    seedFigure: { value: 34_086, label: 'writes/s' },
  },
  {
    name: 'save-concurrent',
    what: 'create one new document per call, 64 callers at once (async)',
    seed: 'docs',
    open: {},
    op: 'save',
    concurrency: 64,
    sizes: ALL_SIZES,
  },
  {
    name: 'bulk-save-100',
    what: 'create 100 new documents in one transaction per call (documents/s)',
    seed: 'docs',
    open: {},
    op: 'bulk-save',
    batch: 100,
    sizes: ALL_SIZES,
    seedFigure: { value: 46_991, label: 'bulk saves/s (batch size not stated)' },
  },
  {
    name: 'bulk-save-1000',
    what: 'create 1,000 new documents in one transaction per call (documents/s)',
    seed: 'docs',
    open: {},
    op: 'bulk-save',
    batch: 1000,
    sizes: ALL_SIZES,
    seedFigure: { value: 46_991, label: 'bulk saves/s (batch size not stated)' },
  },
  {
    name: 'bulk-get',
    what: 'read 100 ids per call from the 1,000-id working set (documents/s)',
    seed: 'docs',
    open: {},
    op: 'bulk-get',
    access: 'hot',
    batch: 100,
    sizes: ALL_SIZES,
    seedFigure: { value: 2_800_414, label: 'bulk gets/s' },
  },
  {
    name: 'update',
    what: 'write new content to an existing document (uniform over every document), durable at return',
    seed: 'docs',
    open: {},
    op: 'update',
    sizes: ALL_SIZES,
  },
  {
    name: 'list-page',
    what: 'first page of 100 summaries, newest updated first',
    seed: 'docs',
    open: {},
    op: 'list-page',
    sizes: ALL_SIZES,
  },
  {
    name: 'search',
    what: 'full-text search, first page of 20 hits with snippets; cycles 8 kinds: a rare word, a common word, a prefix, a phrase, an AND, a common word by type, by tag, a prefix by type',
    seed: 'docs',
    open: {},
    op: 'search',
    sizes: ONE_KB_SIZES,
  },
  {
    name: 'history+diff',
    what: 'list the 20 versions of a 100 KB document, read the oldest and newest, unified diff of the two',
    seed: 'docs',
    open: {},
    op: 'history-diff',
    sizes: ONE_KB_SIZES,
  },
  {
    name: 'open-key',
    what: 'open the existing store with its stored raw key (first read proves the key), then close',
    seed: 'docs',
    open: false,
    op: 'open',
    keying: 'key',
    sizes: ALL_SIZES,
  },
  {
    name: 'open-passphrase',
    what: 'open the existing store with a passphrase (docvault: Argon2id 64 MiB), then close',
    seed: 'docs-passphrase',
    open: false,
    op: 'open',
    keying: 'passphrase',
    sizes: ONE_KB_SIZES,
  },
];

/** The trial called `name`; throws with the list of known names otherwise. */
export function trialByName(name: string): Trial {
  const t = TRIALS.find((x) => x.name === name);
  if (t === undefined) throw new Error(`Unknown benchmark trial "${name}". Known trials: ${TRIALS.map((x) => x.name).join(', ')}`);
  return t;
}
