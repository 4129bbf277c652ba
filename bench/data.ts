/**
 * Deterministic documents for every driver: the same ids, titles and content bytes whatever the store,
 * so every ratio compares the same work. ASCII text only, so characters = UTF-8 bytes.
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
  'review policy contract invoice meeting notes design storage engine cache budget window layout render worker'
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

/** `bytes` characters of text, different for each `n`. */
export function contentFor(n: number, bytes: number): string {
  const text = textCorpus();
  const room = text.length - bytes;
  if (room <= 0) return text.repeat(Math.ceil(bytes / text.length)).slice(0, bytes);
  const start = (n * 7919) % room;
  // A short unique prefix keeps every document distinct even where windows overlap.
  const tag = `#${n} `;
  return (tag + text.slice(start, start + bytes)).slice(0, bytes);
}

/** Id of the n-th seeded document. */
export function docId(n: number): string {
  return `doc-${String(n).padStart(7, '0')}`;
}

/** Id of the n-th document that is never seeded (the absent half of `exists`). */
export function absentId(n: number): string {
  return `absent-${String(n).padStart(7, '0')}`;
}

/** The n-th document of `bytes` bytes under `id`. */
export function makeDoc(n: number, bytes: number, id = docId(n)): BenchDoc {
  return { id, title: `Document ${n}`, type: 'note', tags: ['bench', `group-${n % 16}`], content: contentFor(n, bytes) };
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
