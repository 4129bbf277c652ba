/**
 * HMAC-SHA256 tags. Two algorithms, told apart by the stored tag itself (see {@link tagAlg}):
 * v1 (schema 1-2): 32 bytes, no id byte; v2 (schema 3): an id byte (2) then 32 bytes, and it covers
 * history, not only rows — each version's tag covers the previous version's tag (a chain per
 * document); the head's covers the author, the Trash state and the current version's tag; and a
 * vault-level state tags the set of (document id, head tag) pairs. Migration 3 checks v1 tags and
 * rewrites them as v2; from schema 3 on, reads accept only v2 (an old v1 row put back is refused).
 *
 * v1, as before: A version's tag covers every field of the version row plus the document's id and
 * creation time, so no field can be changed, or a row swapped between documents or versions, unnoticed.
 * Content enters the tag through its SHA-256 checksum (a tagged field), and every read of content
 * checks that checksum: so history and lists can be verified without reading content, and a read of
 * content costs one hash of it, as an HMAC over it would.
 * A head tag covers the document row (what lists show: every summary field, version number, times),
 * so a head cannot be edited or pointed at another version without the key.
 *
 * Encoding: a domain string, then each field as a 4-byte big-endian byte length and its UTF-8 bytes;
 * numbers as decimal strings, null as length 0xFFFFFFFF. Unambiguous and independent of JSON key order
 * because the stored JSON texts themselves are hashed.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { HMAC_BLOCK, hmacBinary } from './hmac';

/** Fields of a stored version, as stored. */
export interface VersionFields {
  readonly id: string;
  readonly version: number;
  readonly docCreatedAt: number;
  readonly createdAt: number;
  readonly title: string;
  readonly type: string;
  readonly tags: string;
  readonly metadata: string;
  readonly size: number;
  readonly checksum: string;
  readonly comment: string | null;
  /**
   * The version's attachment list as stored (JSON; schema step "attachments"), or null/absent for none.
   * Covered by the v2 tag only when present, so every tag written before attachments existed still verifies.
   */
  readonly attachments?: string | null;
}

/** Fields of a document head row, as stored. */
export interface HeadFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly title: string;
  readonly type: string;
  readonly tags: string;
  readonly metadata: string;
  readonly size: number;
  readonly checksum: string;
}

const NULL_LEN = 0xffffffff;

/**
 * Builds the encoded fields in one reused scratch buffer, so a tag is one hash over one buffer instead of
 * two updates per field (the update calls dominated list() and get() in profiles). Same bytes as
 * field-by-field. The fields start after a gap of {@link HMAC_BLOCK} bytes, where ./hmac.ts puts the key's
 * inner block.
 */
class Encoder {
  #buf = Buffer.allocUnsafe(4096);
  #pos = HMAC_BLOCK;

  start(domain: string): this {
    this.#pos = HMAC_BLOCK;
    this.#ensure(domain.length * 3);
    this.#pos += this.#buf.write(domain, this.#pos, 'utf8');
    return this;
  }

  field(value: string | number | null): this {
    if (value === null) {
      this.#ensure(4);
      this.#pos = this.#buf.writeUInt32BE(NULL_LEN, this.#pos);
      return this;
    }
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return this.#digits(value);
    const text = typeof value === 'number' ? String(value) : value;
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    this.#ensure(4 + text.length * 3);
    const n = this.#buf.write(text, this.#pos + 4, 'utf8');
    this.#buf.writeUInt32BE(n, this.#pos);
    this.#pos += 4 + n;
    return this;
  }

  /**
   * A non-negative safe integer as its decimal digits, the bytes `String(n)` gives, written here: a
   * timestamp through `String` and `Buffer.write` cost ~250 ns, this ~55 (five numbers in a head tag).
   */
  #digits(n: number): this {
    let len = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    this.#ensure(4 + len);
    const buf = this.#buf;
    this.#pos = buf.writeUInt32BE(len, this.#pos);
    let p = this.#pos + len;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    }
    buf[p - 1] = 48 + n;
    this.#pos += len;
    return this;
  }

  /** Raw bytes with a length prefix (null as 0xFFFFFFFF), for tags covered by tags. */
  bytes(value: Uint8Array | null): this {
    if (value === null) return this.field(null);
    this.#ensure(4 + value.length);
    this.#pos = this.#buf.writeUInt32BE(value.length, this.#pos);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
    return this;
  }

  /**
   * A trailing field present only when not null: a tag without it is byte for byte the tag from before the
   * field existed. Unambiguous: length-prefixed fields parse one way, so N fields never equal N + 1.
   */
  optional(value: string | null): this {
    return value === null ? this : this.field(value);
  }

  /** The HMAC-SHA256 of the fields under `key`. */
  mac(key: Uint8Array): Buffer {
    return Buffer.from(hmacBinary(key, this.#buf, this.#pos), 'binary');
  }

  /** The same tag behind the id byte of v2 tags ({@link TAG_V2}): 33 bytes. */
  macV2(key: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(33);
    out[0] = TAG_V2;
    out.write(hmacBinary(key, this.#buf, this.#pos), 1, 'binary');
    return out;
  }

  #ensure(extra: number): void {
    if (this.#pos + extra <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + extra));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }
}

const enc = new Encoder();

/** `domain`, then the fields both versions of a version's tag cover, in their order. */
function versionFields(domain: string, f: VersionFields): Encoder {
  return enc
    .start(domain)
    .field(f.id)
    .field(f.version)
    .field(f.docCreatedAt)
    .field(f.createdAt)
    .field(f.title)
    .field(f.type)
    .field(f.tags)
    .field(f.metadata)
    .field(f.size)
    .field(f.checksum)
    .field(f.comment);
}

/** The tag of one version. */
export function versionMac(key: Uint8Array, f: VersionFields): Buffer {
  return versionFields('docvault/v1/version\0', f).mac(key);
}

/** `domain`, then the fields both versions of a head's tag cover, in their order. */
function headFields(domain: string, f: HeadFields): Encoder {
  return enc
    .start(domain)
    .field(f.id)
    .field(f.version)
    .field(f.createdAt)
    .field(f.updatedAt)
    .field(f.title)
    .field(f.type)
    .field(f.tags)
    .field(f.metadata)
    .field(f.size)
    .field(f.checksum);
}

/** The tag of a document head. */
export function headMac(key: Uint8Array, f: HeadFields): Buffer {
  return headFields('docvault/v1/head\0', f).mac(key);
}

/** Constant-time tag comparison. */
export function macEqual(a: Uint8Array, b: Uint8Array | null | undefined): boolean {
  return b != null && a.length === b.length && timingSafeEqual(a, b);
}

/** SHA-256 of the UTF-8 content, lowercase hex. */
export function sha256Hex(content: string): string {
  // One-shot: no Hash object per call (a cold get hashes its content; measured ~0.5 µs less per 1 KB).
  return hash('sha256', content, 'hex');
}

// ------------------------------------------------------------------------------------------ v2

/** The id byte of v2 tags. */
export const TAG_V2 = 2;

/** Which algorithm made a stored tag: 1 (32 bytes, no id), 2, or undefined for anything else. */
export function tagAlg(tag: Uint8Array | null | undefined): 1 | 2 | undefined {
  if (tag == null) return undefined;
  if (tag.length === 32) return 1;
  if (tag.length === 33 && tag[0] === TAG_V2) return 2;
  return undefined;
}

/** A tag that never verifies: written by migration 3 in place of a v1 tag that failed, so the damage stays reported. */
export const POISONED_TAG = Buffer.alloc(33);

/** The v2 tag of one version: every v1 field and the previous version's stored tag (null for version 1). */
export function versionMacV2(key: Uint8Array, f: VersionFields, prevMac: Uint8Array | null): Buffer {
  return versionFields('docvault/v2/version\0', f)
    .bytes(prevMac)
    .optional(f.attachments ?? null)
    .macV2(key);
}

/** Fields of a v2 head: the v1 fields, the indexed author, the Trash state and the current version's tag. */
export interface HeadFieldsV2 extends HeadFields {
  readonly author: string | null;
  readonly trashedAt: number | null;
  readonly versionMac: Uint8Array;
}

/** The v2 tag of a document head. */
export function headMacV2(key: Uint8Array, f: HeadFieldsV2): Buffer {
  return headFields('docvault/v2/head\0', f)
    .field(f.author)
    .field(f.trashedAt)
    .bytes(f.versionMac)
    .macV2(key);
}

/** A document's term in the vault's set accumulator: keyed, so only the key holder can add or remove one. */
export function setTerm(key: Uint8Array, id: string, headMacValue: Uint8Array): Buffer {
  return enc.start('docvault/v2/set\0').field(id).bytes(headMacValue).mac(key);
}

/** XORs `term` into `acc` in place (adding and removing a term are the same operation). */
export function xorInto(acc: Buffer, term: Uint8Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) ^ (term[i] ?? 0);
}

/**
 * The tag of the vault's state: the set accumulator and a commit sequence number. The sequence makes
 * the state non-malleable: an accumulator patched with the difference between two old copies gives a
 * (sequence, accumulator) pair no key holder ever tagged.
 */
export function stateMac(key: Uint8Array, seq: number, acc: Uint8Array): Buffer {
  return enc.start('docvault/v2/state\0').field(seq).bytes(acc).mac(key);
}

// ------------------------------------------------------------------------------------ audit log

/** Fields of an audit entry, as stored. */
export interface AuditFields {
  readonly seq: number;
  readonly at: number;
  readonly event: string;
  readonly outcome: string;
  readonly count: number | null;
  readonly detail: string | null;
}

/** The tag of an audit entry: every field and the previous entry's stored tag (null for the first ever). */
export function auditEntryMac(key: Uint8Array, f: AuditFields, prevMac: Uint8Array | null): Buffer {
  return enc
    .start('docvault/v1/audit\0')
    .field(f.seq)
    .field(f.at)
    .field(f.event)
    .field(f.outcome)
    .field(f.count)
    .field(f.detail)
    .bytes(prevMac)
    .mac(key);
}

/** Fields of the audit log's head: where the kept log starts and ends. */
export interface AuditHeadFields {
  readonly firstSeq: number;
  /** The tag of entry `firstSeq - 1` (pruned), null when nothing was pruned. */
  readonly anchor: Uint8Array | null;
  /** 0 for an empty log. */
  readonly lastSeq: number;
  readonly lastMac: Uint8Array | null;
}

/** The tag of the audit log's head. */
export function auditHeadMac(key: Uint8Array, f: AuditHeadFields): Buffer {
  return enc.start('docvault/v1/audit-head\0').field(f.firstSeq).bytes(f.anchor).field(f.lastSeq).bytes(f.lastMac).mac(key);
}

// ------------------------------------------------------------------------------------- attachments

/**
 * The address of one attachment chunk: HMAC-SHA256 of its bytes under the vault's attachment key (a random
 * key kept inside the encrypted vault, see engine/attachments.ts). Equal bytes get equal addresses (so
 * they are stored once) but only a holder of the key can compute one: rows read without the key do not
 * tell whether the vault holds a given file, which a plain SHA-256 would. Reading a chunk recomputes it,
 * so the address is also the chunk's integrity tag.
 */
export function chunkKey(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update('docvault/v2/chunk\0').update(data).digest();
}

/** The address of a stored file: its size and its chunks' addresses in order, under the attachment key. */
export function blobKey(key: Uint8Array, size: number, chunks: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`docvault/v2/blob\0${size}\0`).update(chunks).digest();
}
