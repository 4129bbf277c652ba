/**
 * Malformed payloads for the fuzz suite, built from a valid template per channel and mutated: wrong types,
 * huge strings, deep nesting, prototype keys, unicode junk, missing and extra fields. Deterministic for a
 * given PRNG. Objects are built with a null prototype so a `__proto__` key is an ordinary own key, and
 * payloads travel as JSON text, the way a browser or a hostile page would send them.
 */
import type { Channel } from '../../src/shared/contract';

type Random = () => number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PASSPHRASE = 'fuzz pass phrase';

/** Plain JSON object with a null prototype: `o['__proto__'] = v` makes an own key, as JSON.parse does. */
function obj(entries: Record<string, Json>): { [k: string]: Json } {
  const o = Object.create(null) as { [k: string]: Json };
  for (const [k, v] of Object.entries(entries)) o[k] = v;
  return o;
}

function doc(id: string): Json {
  return obj({ id, content: 'fuzz content', title: 'T', type: 'memo', tags: ['a', 'b'], metadata: obj({ author: 'me', n: 1 }) });
}

/** A valid input for each channel (ids that exist in the fuzzed vault: seed-0 … seed-9). */
export const TEMPLATES: Readonly<Record<Channel, () => Json>> = {
  'vault.status': () => obj({}),
  'vault.create': () => obj({ passphrase: PASSPHRASE }),
  'vault.unlock': () => obj({ passphrase: PASSPHRASE, remember: false }),
  'vault.lock': () => obj({}),
  'vault.forget': () => obj({}),
  'vault.stats': () => obj({}),
  'vault.verify': () => obj({}),
  'doc.get': () => obj({ id: 'seed-1' }),
  'doc.create': () => obj({ document: doc('fz-new'), comment: 'c' }),
  'doc.update': () => obj({ id: 'seed-1', patch: obj({ content: 'u', title: 'U' }), expectedVersion: 1, comment: 'c' }),
  'doc.put': () => obj({ document: doc('seed-2'), expectedVersion: 1 }),
  'doc.delete': () => obj({ id: 'seed-3', expectedVersion: 1 }),
  'doc.list': () => obj({ type: 'memo', tag: 'a', sort: 'title', order: 'asc', limit: 10 }),
  'doc.count': () => obj({ tag: 'a', type: 'memo', author: 'me' }),
  'doc.versions': () => obj({ id: 'seed-4' }),
  'doc.getVersion': () => obj({ id: 'seed-5', version: 1 }),
  'doc.restore': () => obj({ id: 'seed-6', version: 1, expectedVersion: 1 }),
  'doc.bulkPut': () => obj({ documents: [doc('fz-bulk-1'), doc('seed-7')], comment: 'c' }),
  'doc.search': () => obj({ query: 'fuzz', tags: ['a'], tagMode: 'any', limit: 10 }),
  'doc.trash': () => obj({ limit: 10 }),
  'doc.undelete': () => obj({ id: 'seed-3' }),
  'doc.purge': () => obj({ id: 'seed-8' }),
  'doc.emptyTrash': () => obj({}),
  'vault.facts': () => obj({}),
  'stats.subscribe': () => obj({}),
  'stats.unsubscribe': () => obj({ id: 'not-a-subscription' }),
  'settings.get': () => obj({}),
  // Settings the fuzzed backend may really take: none of them locks the vault or starts work.
  'settings.set': () => obj({ showTicker: true, autoLockMinutes: 60 }),
  'app.activity': () => obj({}),
  'bench.catalog': () => obj({}),
  // An unknown trial: the fuzz must never start real benchmark runs (each would seed a scratch store).
  'bench.start': () => obj({ trials: ['fuzz-no-such-trial'], drivers: ['docvault'], size: 'quick' }),
  'bench.cancel': () => obj({}),
  'bench.runs': () => obj({}),
  'bench.export': () => obj({ id: 'no-such-run', format: 'json' }),
  // A wrong current passphrase: the fuzz must never really re-key its vault (nor restore one).
  'vault.changePassphrase': () => obj({ passphrase: 'not the passphrase', newPassphrase: 'fuzz new pass phrase' }),
  'backup.create': () => obj({}),
  'backup.list': () => obj({}),
  'backup.restore': () => obj({ name: 'no-such-backup.dvault', passphrase: PASSPHRASE }),
  'audit.list': () => obj({ limit: 50 }),
  'transfer.info': () => obj({}),
  // The fuzzed backend has no system dialog and takes no typed paths: grants that were never handed out, so
  // the fuzz can never make it read or write a real folder.
  'transfer.pick': () => obj({ purpose: 'importFolder' }),
  'transfer.import': () => obj({ source: obj({ grant: '0123456789abcdef0123456789abcdef' }) }),
  'transfer.export': () => obj({ target: obj({ grant: 'fedcba9876543210fedcba9876543210' }), format: 'md', versions: true, selection: obj({ type: 'memo', tag: 'a' }) }),
  'transfer.cancel': () => obj({ jobId: 'no-such-job' }),
  'attachments.list': () => obj({ id: 'seed-1', version: 1 }),
  'attachments.begin': () => obj({ id: 'seed-1', name: 'scan.pdf', mediaType: 'application/pdf', size: 5, expectedVersion: 1 }),
  // An upload id that was never opened: the fuzz never leaves uploads behind.
  'attachments.chunk': () => obj({ uploadId: 'fuzz-no-such-upload', offset: 0, data: 'aGVsbG8=' }),
  'attachments.commit': () => obj({ id: 'seed-1', uploadId: 'fuzz-no-such-upload', expectedVersion: 1, comment: 'c' }),
  'attachments.abort': () => obj({ uploadId: 'fuzz-no-such-upload' }),
  'attachments.read': () => obj({ id: 'seed-1', name: 'scan.pdf', version: 1, offset: 0, length: 16 }),
  'attachments.detach': () => obj({ id: 'seed-1', name: 'scan.pdf', expectedVersion: 1 }),
  'sync.status': () => obj({}),
  'sync.now': () => obj({}),
  'sync.conflicts': () => obj({}),
  // A port nothing listens on: the fuzzed call fails fast as Offline (or Invalid), never reaches a server.
  'remote.set': () => obj({ url: 'postgresql://fuzz@127.0.0.1:1/db', ca: '/nonexistent/ca.pem' }),
  // Detaching the fuzzed vault is harmless (it is not attached: the call only clears empty sync state).
  'remote.clear': () => obj({}),
  // The same dead port: the clone fails as Offline before any file is made.
  'clone.start': () => obj({ url: 'postgresql://fuzz@127.0.0.1:1/db', name: 'fuzz-clone.dvault', passphrase: 'fuzz clone pass phrase' }),
  'clone.cancel': () => obj({}),
};

/** The passphrase of the fuzzed vault. */
export const FUZZ_PASSPHRASE = PASSPHRASE;

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];
const UNICODE_JUNK = ['\u202E', '\u2066', '\u200B', '\uFEFF', '\uD800', '\uDFFF', '\u0000', '\u001B[31m', '\u2028', 'e\u0301\u0301\u0301', '\u{1F4A9}', '\uFFFF', '\r\n', '\\', '"', "'; DROP TABLE documents; --", '%s%n', '../../etc/passwd'];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function junkString(random: Random): string {
  const r = random();
  if (r < 0.002) return 'x'.repeat(1 + Math.floor(random() * 4 * 1024 * 1024)); // up to 4 MiB
  if (r < 0.03) return pick(random, ['a', '\u00e9', '\u{1F600}', '\u202E']).repeat(1 + Math.floor(random() * 70_000));
  let s = '';
  const n = Math.floor(random() * 12);
  for (let i = 0; i < n; i++) s += random() < 0.5 ? pick(random, UNICODE_JUNK) : String.fromCharCode(Math.floor(random() * 0x10000));
  return s;
}

function deep(random: Random, depth: number): Json {
  let v: Json = junkScalar(random);
  for (let i = 0; i < depth; i++) v = random() < 0.5 ? [v] : obj({ [pick(random, ['a', '__proto__', 'constructor'])]: v });
  return v;
}

function junkScalar(random: Random): Json {
  return pick<() => Json>(random, [
    () => null,
    () => true,
    () => false,
    () => 0,
    () => -1,
    () => 1.5,
    () => -0,
    () => 1e308,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => -Number.MAX_SAFE_INTEGER,
    () => '',
    () => junkString(random),
    () => String(Math.floor(random() * 100)),
    () => 'seed-1',
  ])();
}

/** A random wrong value: scalar, array, nested, prototype-keyed object. */
export function junkValue(random: Random): Json {
  const r = random();
  if (r < 0.55) return junkScalar(random);
  if (r < 0.65) return Array.from({ length: Math.floor(random() * 5) }, () => junkScalar(random));
  if (r < 0.72) return Array.from({ length: 1 + Math.floor(random() * 1500) }, () => 'tag');
  if (r < 0.8) return deep(random, 1 + Math.floor(random() * (random() < 0.1 ? 5000 : 100)));
  const o = obj({});
  const n = 1 + Math.floor(random() * 3);
  for (let i = 0; i < n; i++) o[random() < 0.6 ? pick(random, PROTO_KEYS) : junkString(random).slice(0, 40)] = random() < 0.5 ? junkScalar(random) : obj({ polluted: true });
  return o;
}

/** Every (container, key) pair of a payload, to mutate one at random. */
function slots(v: Json, out: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [], depth = 0): typeof out {
  // Only the template's own levels: an inserted 5,000-deep value is mutated as a whole.
  if (depth > 6 || out.length > 200) return out;
  if (Array.isArray(v))
    v.forEach((c, i) => {
      out.push({ parent: v, key: i });
      slots(c, out, depth + 1);
    });
  else if (v !== null && typeof v === 'object')
    for (const k of Object.keys(v)) {
      out.push({ parent: v, key: k });
      slots(v[k] as Json, out, depth + 1);
    }
  return out;
}

/** One malformed (occasionally valid) payload for `channel`. */
export function mutate(channel: Channel, random: Random): Json {
  if (random() < 0.05) return junkValue(random);
  const payload = TEMPLATES[channel]();
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m++) {
    const all = slots(payload);
    const r = random();
    const root = payload as { [k: string]: Json };
    if (all.length === 0 || r < 0.15) {
      root[random() < 0.5 ? pick(random, PROTO_KEYS) : junkString(random).slice(0, 20) || 'extra'] = junkValue(random);
      continue;
    }
    const slot = pick(random, all);
    if (r < 0.35) {
      if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
      else delete slot.parent[slot.key as string];
    } else if (r < 0.5 && !Array.isArray(slot.parent)) {
      slot.parent[random() < 0.5 ? pick(random, PROTO_KEYS) : 'extra'] = junkValue(random);
    } else if (Array.isArray(slot.parent)) slot.parent[Number(slot.key)] = junkValue(random);
    else slot.parent[slot.key as string] = junkValue(random);
  }
  return payload;
}

/** Raw request bodies that are not JSON at all (HTTP only). */
export function junkBody(random: Random): Buffer {
  return pick<() => Buffer>(random, [
    () => Buffer.from('{"document": {"id": "x", "content": '),
    () => Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]),
    () => Buffer.from('{"a":1}{"b":2}'),
    () => Buffer.from('[' .repeat(100_000)),
    () => Buffer.from('{"__proto__": {"polluted": true}, "id": "x"}'),
    () => Buffer.from('null'),
    () => Buffer.from('"just a string"'),
    () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))),
  ])();
}
