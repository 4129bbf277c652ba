/**
 * Deterministic documents for every driver: the same ids, titles, types, tags and content bytes whatever
 * the store, so every ratio compares the same work. They look like what users make (BENCH.md, issue 12):
 * ids in random order (UUID-like, so an insert lands anywhere in the id index, never an append), titles of
 * 2–7 words, 5 types with uneven shares, 1–3 tags out of 50, content of words at the requested size.
 * ASCII text only, so characters = UTF-8 bytes. Every field of document n is a pure function of n.
 */
import type { BenchDoc } from './types';

/** Size of the 100 KB document of the history+diff trial. */
export const HISTORY_BYTES = 100 * 1024;
/** Versions written to the history document (each edits a few lines of the one before). */
export const HISTORY_VERSIONS = 20;
/** Id of the history document (kept out of the `docIds` every other trial draws from). */
export const HISTORY_ID = 'history-100k';

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua vault document version integrity cipher page ledger record index journal checkpoint summary draft ' +
  'review policy contract invoice meeting notes design storage engine cache budget window layout render worker ' +
  'garden kitchen travel berlin lisbon quarterly report tax receipt insurance doctor school recipe bread coffee ' +
  'project roadmap backlog release sprint customer supplier offer payment reminder birthday family holiday flight ' +
  'hotel train museum concert book chapter idea question answer plan goal habit morning evening weekend monday ' +
  'friday january march june september december north south river mountain lake forest city street house room ' +
  'paper letter email phone address account password backup server laptop printer network update install error ' +
  'fix test build deploy review merge branch commit issue feature bug support ticket migration schema query table'
).split(' ');

/** The 5 document types and their shares (users keep many notes and few contracts). */
export const DOC_TYPES: readonly { readonly type: string; readonly share: number }[] = [
  { type: 'note', share: 0.4 },
  { type: 'task', share: 0.25 },
  { type: 'journal', share: 0.15 },
  { type: 'reference', share: 0.12 },
  { type: 'contract', share: 0.08 },
];

/** The 50 tags documents draw 1–3 from, uniformly (each tag is on ~4% of the documents). */
export const TAGS: readonly string[] = (
  'work personal finance health family travel home school taxes insurance car garden recipes books music ' +
  'photos projects ideas archive important urgent later waiting someday reading writing research meetings ' +
  'clients invoices receipts contracts legal medical fitness kids pets friends events holidays shopping ' +
  'learning code design ops security backup hardware software notes'
).split(' ');

/** Small deterministic PRNG (mulberry32): the same sequence on every machine and every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit integer hash (murmur3's finaliser): spreads consecutive n over the whole range. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Four independent 32-bit hashes of (n, salt). n may exceed 2^32 (split into two halves). */
function hash128(n: number, salt: number): [number, number, number, number] {
  const lo = n >>> 0;
  const hi = Math.floor(n / 4294967296) >>> 0;
  const h0 = mix32(lo ^ mix32(hi ^ salt));
  const h1 = mix32(h0 ^ 0x9e3779b9);
  const h2 = mix32(h1 ^ 0x7f4a7c15);
  const h3 = mix32(h2 ^ 0x94d049bb);
  return [h0, h1, h2, h3];
}

const hex8 = (x: number): string => x.toString(16).padStart(8, '0');

/** A UUID-v4-shaped id for (n, salt): 8-4-4-4-12 hex digits, in no order related to n. */
function uuidLike(n: number, salt: number, version: string): string {
  const [a, b, c, d] = hash128(n, salt);
  const bh = hex8(b);
  const ch = hex8(c);
  return `${hex8(a)}-${bh.slice(0, 4)}-${version}${bh.slice(5, 8)}-${'89ab'[c & 3] ?? '8'}${ch.slice(1, 4)}-${ch.slice(4, 8)}${hex8(d)}`;
}

const SEEDED_SALT = 0x5eed;
const ABSENT_SALT = 0xab5e;
const NEW_SALT = 0x0e40;

/** Id of the n-th seeded document (UUID-like, version nibble 4). */
export function docId(n: number): string {
  return uuidLike(n, SEEDED_SALT, '4');
}

/**
 * Id of the n-th document that is never seeded (the absent half of `exists`): shaped like the present
 * ids, so a lookup descends the index as deep, but with version nibble `a`, so it can never be one of them.
 */
export function absentId(n: number): string {
  return uuidLike(n, ABSENT_SALT, 'a');
}

/** Id of the n-th document a write trial creates (version nibble `b`: never a seeded or absent id). */
export function newDocId(n: number): string {
  return uuidLike(n, NEW_SALT, 'b');
}

let corpus: string | undefined;

/** 1 MiB of word text with line breaks every ~70 characters; documents are windows into it. */
function textCorpus(): string {
  if (corpus !== undefined) return corpus;
  const rnd = prng(42);
  const parts: string[] = [];
  let len = 0;
  let line = 0;
  while (len < 1024 * 1024) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)] ?? 'word';
    line += w.length + 1;
    const sep = line > 70 ? '\n' : ' ';
    if (sep === '\n') line = 0;
    parts.push(w, sep);
    len += w.length + 1;
  }
  corpus = parts.join('');
  return corpus;
}

/** `bytes` characters of word text, different for each `n` (a window at a hashed offset, prefixed with n). */
export function contentFor(n: number, bytes: number): string {
  const text = textCorpus();
  const room = text.length - bytes;
  if (room <= 0) return text.repeat(Math.ceil(bytes / text.length)).slice(0, bytes);
  const start = mix32(n ^ 0x1234567) % room;
  // A short unique prefix keeps every document distinct even where windows overlap.
  const tag = `#${n} `;
  return (tag + text.slice(start, start + bytes)).slice(0, bytes);
}

/** Title of document n: 2–7 words, the first capitalised. */
export function titleFor(n: number): string {
  const rnd = prng(mix32(n ^ 0x7171));
  const count = 2 + Math.floor(rnd() * 6);
  const words: string[] = [];
  for (let k = 0; k < count; k++) words.push(WORDS[Math.floor(rnd() * WORDS.length)] ?? 'word');
  const first = words[0] ?? 'untitled';
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

/** Type of document n, drawn with the shares of {@link DOC_TYPES}. */
export function typeFor(n: number): string {
  let u = mix32(n ^ 0x3c3c) / 4294967296;
  for (const t of DOC_TYPES) {
    if (u < t.share) return t.type;
    u -= t.share;
  }
  return DOC_TYPES[0]?.type ?? 'note';
}

/** Tags of document n: 1–3 distinct tags of {@link TAGS}. */
export function tagsFor(n: number): string[] {
  const rnd = prng(mix32(n ^ 0x7a95));
  const count = 1 + Math.floor(rnd() * 3);
  const out: string[] = [];
  while (out.length < count) {
    const t = TAGS[Math.floor(rnd() * TAGS.length)] ?? 'notes';
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** The n-th document of `bytes` bytes under `id` (every field a pure function of n). */
export function makeDoc(n: number, bytes: number, id = docId(n)): BenchDoc {
  return { id, title: titleFor(n), type: typeFor(n), tags: tagsFor(n), content: contentFor(n, bytes) };
}

/** Documents a store is seeded with, `batch` at a time (never all in memory: 100k × 10 KB is 1 GB). */
export function* seedBatches(count: number, bytes: number, batch = 1000): Generator<BenchDoc[]> {
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const out = new Array<BenchDoc>(end - start);
    for (let i = start; i < end; i++) out[i - start] = makeDoc(i, bytes);
    yield out;
  }
}

/** The content of each version of the history document: version k edits a few lines of version k − 1. */
export function historyVersions(): string[] {
  const rnd = prng(7);
  let lines = contentFor(0, HISTORY_BYTES).split('\n');
  const out = [lines.join('\n')];
  for (let v = 2; v <= HISTORY_VERSIONS; v++) {
    lines = [...lines];
    for (let k = 0; k < 5; k++) {
      const at = Math.floor(rnd() * lines.length);
      lines[at] = `edited in version ${v}: ${lines[at] ?? ''}`;
    }
    out.push(lines.join('\n'));
  }
  return out;
}

/** `n` indices in [0, range) drawn uniformly with a fixed seed (the access pattern of random trials). */
export function randomIndices(n: number, range: number, seed = 1): Uint32Array {
  const rnd = prng(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * range);
  return out;
}
