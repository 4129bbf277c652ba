/**
 * The checks verify makes of each document, and of the whole vault at the end: a head against its chain
 * of versions, the vault state and counters against the totals the heads add up to, and the diagnosis of
 * tag rows that do not match. verify.ts walks the vault and keeps the chunks; these say what is wrong.
 */
import { createCipheriv, createHmac, hash, type Cipher } from 'node:crypto';
import { HMAC_BLOCK, hmacBinary } from '../hmac';
import { macEqual } from '../integrity';
import type { VerifyProblem } from '../../../shared/types';
import { decodeState, stateValid } from '../vault-state';
import { checkHead, checkVersion, tagsOf, type HeadRow, type VersionRowWithContent } from './rows';
import type { AttachmentVerifier } from './attachments-verify';
import { AUDIT_HEAD_KEY } from './audit-schema';
import { SEARCH_MARK_KEY } from '../search-mark-schema';
import { SEARCH_SEQ_DOCS_KEY, SEARCH_SEQ_KEY } from '../search-seq-schema';
import { ALL_KEY, TITLE_KEY, TYPE_KEY, heldAt, heldTime, isReservedKey, isTitleKey, reservedKeys } from '../search-queue-schema';
import { isCorruption } from './db';
import type { ReadContext } from './statements';
import { headMisfit, versionMisfit } from './verify-types';

/** Tag rows staged before one cipher call: 16 KiB. */
const STAGED = 1024;

/** What G(tag) tags before the key (see {@link TagRowKeys}). */
const TAG_PREFIX = 'docvault/v2/verify/tag\0';

/**
 * The keys of one verify's tag-row sums. A row's term is a keyed pseudorandom function of its key and the
 * update time it carries: AES-256 (a key derived from the integrity key) of the block G(tag) XOR (doc,
 * updated_at), where G(tag) is the first 16 bytes of an HMAC of the tag under the integrity key, computed
 * once per distinct tag. Two distinct rows give the same block only if G(t) XOR G(t') equals the XOR of
 * their numbers, which without the key has probability 2^-128; so the XOR of the terms is a keyed set
 * digest no one without the integrity key can steer (an unkeyed one could be matched by choosing rows:
 * resume tokens carry partial sums). Blocks are enciphered a thousand at a time: one native call per page
 * of rows instead of one HMAC object per row (which cost verify a fifth of its time).
 */
export class TagRowKeys {
  readonly #macKey: Uint8Array;
  readonly #cipher: Cipher;
  readonly #tags = new Map<string, Buffer>();
  /** The HMAC's message: {@link HMAC_BLOCK} bytes for the key's block, then {@link TAG_PREFIX}, then the key. */
  readonly #scratch = Buffer.alloc(HMAC_BLOCK + TAG_PREFIX.length + 4096);

  constructor(macKey: Uint8Array) {
    this.#macKey = macKey;
    const key = createHmac('sha256', macKey).update('docvault/v2/verify/tag-rows\0').digest();
    this.#cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    this.#scratch.write(TAG_PREFIX, HMAC_BLOCK, 'latin1');
  }

  /**
   * G(tag), from the per-run table (bounded: cleared when it holds 10,000 tags). A title row's key
   * (../title-rows-schema.ts) is one document's own, met once on each side of the comparison: it is not kept.
   */
  tagDigest(tag: string): Buffer {
    let g = this.#tags.get(tag);
    if (g === undefined) {
      g = this.#digest(tag);
      if (isTitleKey(tag)) return g;
      if (this.#tags.size >= 10_000) this.#tags.clear();
      this.#tags.set(tag, g);
    }
    return g;
  }

  /** The first 16 bytes of HMAC-SHA256(integrity key, TAG_PREFIX ‖ tag): through the kept pads (../hmac.ts), ~1 µs instead of ~3. */
  #digest(tag: string): Buffer {
    const at = HMAC_BLOCK + TAG_PREFIX.length;
    const buf = this.#scratch;
    if (Buffer.byteLength(tag, 'utf8') > buf.length - at)
      return createHmac('sha256', this.#macKey).update(TAG_PREFIX, 'latin1').update(tag, 'utf8').digest().subarray(0, 16);
    const end = at + buf.write(tag, at, 'utf8');
    return Buffer.from(hmacBinary(this.#macKey, buf, end).slice(0, 16), 'latin1');
  }

  /** AES-256 of whole blocks (ECB: each block alone; the cipher keeps no state between calls). */
  encipher(blocks: Buffer): Buffer {
    return this.#cipher.update(blocks);
  }
}

/** A keyed sum of tag rows (see {@link TagRowKeys}), XORed into the first 16 bytes of `sum`. Call `flush()` before reading `sum`. */
export class TagRowSum {
  readonly sum: Buffer;
  readonly #keys: TagRowKeys;
  readonly #staged = Buffer.allocUnsafe(STAGED * 16);
  readonly #numbers = Buffer.allocUnsafe(16);
  #n = 0;

  constructor(keys: TagRowKeys, sum: Buffer) {
    this.#keys = keys;
    this.sum = sum;
  }

  /** Adds the term of the row (tag, doc, updated_at). */
  add(tag: string, doc: number, updatedAt: number | null): void {
    const at = this.#n * 16;
    const g = this.#keys.tagDigest(tag);
    const x = this.#numbers;
    x.writeDoubleBE(doc, 0);
    // NaN (one encoding in writeDoubleBE) for a row without the time: no number equals it.
    x.writeDoubleBE(updatedAt ?? Number.NaN, 8);
    const staged = this.#staged;
    for (let i = 0; i < 16; i++) staged[at + i] = (g[i] as number) ^ (x[i] as number);
    if (++this.#n === STAGED) this.flush();
  }

  /** Enciphers the staged rows and XORs their terms into `sum`. */
  flush(): void {
    if (this.#n === 0) return;
    const out = this.#keys.encipher(this.#staged.subarray(0, this.#n * 16));
    const sum = this.sum;
    for (let b = 0; b < out.length; b += 16) for (let i = 0; i < 16; i++) sum[i] = (sum[i] as number) ^ (out[b + i] as number);
    this.#n = 0;
  }
}

/** What the heads say the counters and tag rows must be. */
export class Expected {
  readonly counters: Map<string, number>;
  /** Keyed sum over the heads' (tag, doc, updated_at): compared with the same over the rows in `document_tags`. */
  readonly tagRows: TagRowSum;
  constructor(keys: TagRowKeys, counters: [string, number][] = [], tagRows = Buffer.alloc(32)) {
    this.counters = new Map(counters);
    this.tagRows = new TagRowSum(keys, tagRows);
  }
  add(key: string, n: number): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + n);
  }
}

/** One document: its head, its chain of versions with their content, and what it adds to the expected totals. */
export function checkDocument(
  ctx: ReadContext,
  head: HeadRow,
  rows: VersionRowWithContent[] | undefined,
  problems: VerifyProblem[],
  expected: Expected,
  counted: (n: number) => void,
  files?: AttachmentVerifier,
): void {
  const { id } = head;
  const headType = headMisfit(head);
  if (headType !== undefined) problems.push({ kind: 'Sqlite', id, version: head.version, message: `${headType} (document "${id}")` });
  try {
    checkHead(ctx.macKey, head);
  } catch (err) {
    problems.push({ kind: 'Head', id, version: head.version, message: (err as Error).message });
  }
  if (rows === undefined) return;
  counted(rows.length);
  let prev: Buffer | null = null;
  let prevVersion = 0;
  let historyBytes = 0;
  let current: VersionRowWithContent | undefined;
  for (const row of rows) {
    const rowType = versionMisfit(row);
    if (rowType !== undefined) problems.push({ kind: 'Sqlite', id, version: row.version, message: `${rowType} (document "${id}", version ${String(row.version)})` });
    try {
      checkVersion(ctx.macKey, row, prev);
      // sha256Hex's digest in one native call (crypto.hash): half the time of createHash → update → digest
      // for a 1 KB version, and verify takes one per version.
      if (hash('sha256', row.content, 'hex') !== row.checksum) problems.push({ kind: 'Checksum', id, version: row.version, message: 'content checksum mismatch' });
      else if (Buffer.byteLength(row.content, 'utf8') !== row.size) problems.push({ kind: 'Checksum', id, version: row.version, message: 'size mismatch' });
      // Only a list its tag vouches for is followed to the files.
      try {
        files?.checkVersion(row, problems);
      } catch (err) {
        if (!isCorruption(err)) throw err;
        problems.push({ kind: 'Corrupt', id, version: row.version, message: `attachments of "${id}" version ${row.version}: unreadable (${(err as Error).message})` });
      }
    } catch (err) {
      const broken = prev !== null || row.version > 1 ? 'History' : 'Integrity';
      problems.push({ kind: broken, id, version: row.version, message: (err as Error).message });
    }
    if (row.version !== prevVersion + 1)
      problems.push({ kind: 'History', id, version: row.version, message: `version ${row.version} does not follow the version before it: a version is missing` });
    prev = row.mac;
    prevVersion = row.version;
    historyBytes += row.size;
    if (row.version === head.version) current = row;
  }
  const newest = rows[rows.length - 1]?.version;
  if (newest !== head.version) problems.push({ kind: 'Head', id, version: head.version, message: `head is at version ${head.version} but version ${newest ?? 'none'} is the newest` });
  else if (current === undefined || head.version_mac === null || !macEqual(current.mac, head.version_mac) || current.checksum !== head.checksum)
    problems.push({ kind: 'Head', id, version: head.version, message: 'head does not match its current version' });
  if (head.trashed_at !== null) {
    expected.add('trash_documents', 1);
    return;
  }
  expected.add('documents', 1);
  expected.add('versions', rows.length);
  expected.add('content_bytes', head.size);
  expected.add('history_bytes', historyBytes);
  expected.add(`type:${head.type}`, 1);
  // The rows lists by update time and by title walk (../time-rows-schema.ts, ../title-rows-schema.ts), keyed like its tag rows.
  for (const key of reservedKeys(head.type, head.title)) expected.tagRows.add(key, head.doc, heldAt(key, head.updated_at));
  try {
    for (const tag of tagsOf(head.tags, id, head.version)) {
      expected.add(`tag:${tag}`, 1);
      expected.tagRows.add(tag, head.doc, head.updated_at);
    }
  } catch (err) {
    problems.push({ kind: 'Head', id, version: head.version, message: (err as Error).message });
  }
}

/** The vault state: its tag, and its accumulator against the one just computed from the heads. */
export function checkState(ctx: ReadContext, acc: Buffer | undefined, problems: VerifyProblem[]): void {
  const state = decodeState(ctx.r.vaultState.get());
  if (state === undefined) {
    problems.push({ kind: 'Vault', message: 'the vault state is missing or malformed' });
    return;
  }
  if (!stateValid(ctx.macKey, state)) problems.push({ kind: 'Vault', message: 'the vault state tag does not verify: it was altered outside docvault' });
  if (acc !== undefined && !macEqual(state.acc, acc))
    problems.push({ kind: 'Vault', message: 'the set of documents does not match the vault state: a document was deleted, added or rolled back to an older version outside docvault' });
}

/** The running totals against what the heads and versions say. */
export function checkCounters(ctx: ReadContext, expected: Expected, problems: VerifyProblem[]): void {
  // The 'state' row holds the vault state (checked above), the 'audit' row the audit log's head (checked by
  // the audit phase), 'search_mark', 'search_seq' and 'search_seq_docs' the search queue's marks: none is a total. The attachment totals are the
  // stored files' (checked by AttachmentVerifier.finish), not the heads'.
  const stored = new Map(
    (ctx.r.counters.all() as { key: string; n: number }[]).filter((r) => r.key !== 'state' && r.key !== AUDIT_HEAD_KEY && r.key !== SEARCH_MARK_KEY && r.key !== SEARCH_SEQ_KEY && r.key !== SEARCH_SEQ_DOCS_KEY && !r.key.startsWith('attachment_')).map((r) => [r.key, r.n]),
  );
  for (const key of ['documents', 'versions', 'content_bytes', 'history_bytes', 'trash_documents']) if (!expected.counters.has(key)) expected.counters.set(key, 0);
  const keys = new Set([...stored.keys(), ...expected.counters.keys()]);
  for (const key of keys) {
    const want = expected.counters.get(key) ?? 0;
    const have = stored.get(key) ?? 0;
    if (want !== have) problems.push({ kind: 'Vault', message: `counter "${key}" is ${have}, but the documents say ${want}` });
  }
}

/** The tag rows differ from the heads' tag lists: name the rows at fault (a row of no live document, a stale update time), or say so. */
export function diagnoseTagRows(ctx: ReadContext, problems: VerifyProblem[]): void {
  const before = problems.length;
  const orphans = ctx.db.prepare('SELECT t.tag, t.doc FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE d.doc IS NULL OR d.trashed_at IS NOT NULL').all() as { tag: string; doc: number }[];
  for (const t of orphans) problems.push({ kind: 'Sqlite', message: `${rowName(t.tag)} belongs to no live document (row ${t.doc})` });
  // The copy of updated_at each tag row carries (schema step 5) orders the tag pages: a stale one would list out of order
  // (a title row carries 0: ../title-rows-schema.ts).
  const stale = ctx.db
    .prepare(`SELECT t.tag, d.id FROM document_tags t JOIN documents d ON d.doc = t.doc WHERE t.updated_at IS NOT ${heldTime('t.tag', 'd.updated_at')} LIMIT 100`)
    .all() as { tag: string; id: string }[];
  for (const t of stale) problems.push({ kind: 'Vault', message: `${rowName(t.tag)} of "${t.id}" carries another update time than its document (its pages would list it out of order)` });
  // A type row under another type than its live head's (the head's type changed outside docvault, or the row).
  const retyped = ctx.db
    .prepare('SELECT t.tag, d.id FROM document_tags t JOIN documents d ON d.doc = t.doc WHERE t.tag >= char(2) AND t.tag < char(3) AND t.tag IS NOT char(2) || d.type AND d.trashed_at IS NULL LIMIT 100')
    .all() as { tag: string; id: string }[];
  for (const t of retyped) problems.push({ kind: 'Vault', message: `${rowName(t.tag)} of "${t.id}" names another type than its document (a list of either type would be wrong)` });
  // A title row under another title than its live head's (the head's title changed outside docvault, or the row).
  const retitled = ctx.db
    .prepare('SELECT t.tag, d.id FROM document_tags t JOIN documents d ON d.doc = t.doc WHERE t.tag >= char(3) AND t.tag < char(4) AND t.tag IS NOT char(3) || d.title AND d.trashed_at IS NULL LIMIT 100')
    .all() as { tag: string; id: string }[];
  for (const t of retitled) problems.push({ kind: 'Vault', message: `${rowName(t.tag)} of "${t.id}" names another title than its document (a list by title would place it wrongly)` });
  if (problems.length === before)
    problems.push({ kind: 'Vault', message: "the tag rows do not match the documents' tags, types and update times: a row was added or removed outside docvault" });
}

/** A held row's key as a problem names it: a tag, or one of the reserved keys lists by update time or title walk. */
function rowName(key: string): string {
  if (!isReservedKey(key)) return `tag "${key}"`;
  if (key === ALL_KEY) return 'the update-time list row';
  if (key.startsWith(TYPE_KEY)) return `the update-time list row of type "${key.slice(TYPE_KEY.length)}"`;
  if (isTitleKey(key)) return `the title list row "${key.slice(TITLE_KEY.length)}"`;
  return `a row under the unknown reserved key ${JSON.stringify(key)}`;
}
