/**
 * HMAC-SHA256 tags. A version's tag covers every field of the version row plus the document's id and
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
import { createHash, createHmac, timingSafeEqual, type Hmac } from 'node:crypto';

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

const len = Buffer.alloc(4);
const NULL_LEN = 0xffffffff;

function field(h: Hmac, value: string | number | null | Uint8Array): void {
  if (value === null) {
    len.writeUInt32BE(NULL_LEN, 0);
    h.update(len);
    return;
  }
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : typeof value === 'number' ? Buffer.from(String(value)) : value;
  len.writeUInt32BE(bytes.length, 0);
  h.update(len);
  h.update(bytes);
}

/** The tag of one version. */
export function versionMac(key: Uint8Array, f: VersionFields): Buffer {
  const h = createHmac('sha256', key);
  h.update('docvault/v1/version\0');
  field(h, f.id);
  field(h, f.version);
  field(h, f.docCreatedAt);
  field(h, f.createdAt);
  field(h, f.title);
  field(h, f.type);
  field(h, f.tags);
  field(h, f.metadata);
  field(h, f.size);
  field(h, f.checksum);
  field(h, f.comment);
  return h.digest();
}

/** The tag of a document head. */
export function headMac(key: Uint8Array, f: HeadFields): Buffer {
  const h = createHmac('sha256', key);
  h.update('docvault/v1/head\0');
  field(h, f.id);
  field(h, f.version);
  field(h, f.createdAt);
  field(h, f.updatedAt);
  field(h, f.title);
  field(h, f.type);
  field(h, f.tags);
  field(h, f.metadata);
  field(h, f.size);
  field(h, f.checksum);
  return h.digest();
}

/** Constant-time tag comparison. */
export function macEqual(a: Uint8Array, b: Uint8Array | null | undefined): boolean {
  return b != null && a.length === b.length && timingSafeEqual(a, b);
}

/** SHA-256 of the UTF-8 content, lowercase hex. */
export function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}
