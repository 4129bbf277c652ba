/**
 * Attachments: binary files (scans, PDFs, images) carried by a document version. The shared part: their
 * limits, the list entry every layer shows, name and media-type rules, the upload ticket of the chunked
 * calls, and the change list history and compare show. Pure TypeScript (no node:*, no DOM).
 *
 * The model: a version carries a list of attachments, unique by name. Attaching a file under a name the
 * current version already has replaces that entry (history then shows it as changed); detaching one
 * writes a version without it. Old versions keep their lists, so history keeps every file until the
 * document is purged.
 */
import { DocvaultError } from './errors';

/** Limits of attachments. The engine's own byte limit can be lowered per vault (tests use a small one). */
export const ATTACHMENT_LIMITS = {
  /** Largest attachment accepted, bytes (256 MiB). */
  maxBytes: 256 * 1024 * 1024,
  /** Size of a stored chunk, and of every upload piece but the last (256 KiB). */
  chunkBytes: 256 * 1024,
  /** Longest name, UTF-8 bytes (what common file systems allow for one path component). */
  nameMaxBytes: 255,
  /** Longest media type, characters (RFC 6838: 127 for each of type and subtype; one bound for both). */
  mediaTypeMaxChars: 127,
  /** Most attachments one version carries. */
  perVersionMax: 1000,
  /** Most bytes one read call returns (`attachments.read`, `Vault.readAttachment`). */
  readMaxBytes: 4 * 1024 * 1024,
  /** Uploads open at once on one vault connection; more fail `Overloaded` until one commits or aborts. */
  openUploadsMax: 64,
} as const;

/** The media type of an attachment whose type is not known. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

/**
 * The vault's attachments in three totals (VaultStats.attachments), kept exact by the engine in the
 * transaction of every write. They cover every stored file, those of documents in the Trash too (their
 * bytes stay in the vault until purged).
 */
export interface AttachmentTotals {
  /** Stored files: one per distinct content, however many versions and documents carry it. */
  readonly files: number;
  /** Bytes the attachments occupy: stored chunks after deduplication (of whole files and of equal chunks), uploads under way included. */
  readonly storedBytes: number;
  /** The sizes of every version's attachments added up: what they would occupy without deduplication. */
  readonly referencedBytes: number;
}

/** One attachment of a version, as lists, history and the CLI show it. */
export interface AttachmentInfo {
  /** Unique within the version; a file name (no path). */
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** e.g. `application/pdf`. */
  readonly mediaType: string;
  /**
   * The stored file it names (64 hex characters): a keyed hash, equal for equal bytes within this vault
   * only. Two entries with the same `ref` hold the same bytes (compare uses it to tell "changed").
   */
  readonly ref: string;
}

/** What `attachments.begin` / `Vault.beginAttachment` return: where to send the bytes. */
export interface UploadTicket {
  /** Names the upload in `chunk`, `commit` and `abort`. */
  readonly uploadId: string;
  /** Every piece but the last must be exactly this many bytes. */
  readonly chunkBytes: number;
  /** The largest attachment this vault accepts. */
  readonly maxBytes: number;
}

/** What `Vault.beginAttachment` takes besides the document id. */
export interface AttachmentStart {
  readonly name: string;
  /** Default {@link DEFAULT_MEDIA_TYPE}. */
  readonly mediaType?: string;
  /** The size the file will have, when known: a file over the limit is then refused before any byte is sent. */
  readonly size?: number;
  /**
   * Engine only (import): the document may not exist yet; `Vault.putWithAttachments` creates it. Not part
   * of the contract: a window attaches to documents that exist.
   */
  readonly forNewDocument?: boolean;
}

/** Where to read an attachment: the current version unless `version` says which. */
export interface AttachmentReadOptions {
  readonly version?: number;
  /** First byte to read. Default 0. */
  readonly offset?: number;
  /** Most bytes to read, at most `ATTACHMENT_LIMITS.readMaxBytes` (the default). */
  readonly length?: number;
}

/** One piece of an attachment. */
export interface AttachmentBytes {
  readonly data: Uint8Array;
  /** Where `data` starts. */
  readonly offset: number;
  /** The whole attachment's size. */
  readonly size: number;
  /** True when `data` reaches the end. */
  readonly eof: boolean;
}

/** How an attachment differs between two versions. */
export type AttachmentChange =
  | { readonly name: string; readonly change: 'added'; readonly after: AttachmentInfo }
  | { readonly name: string; readonly change: 'removed'; readonly before: AttachmentInfo }
  | { readonly name: string; readonly change: 'changed'; readonly before: AttachmentInfo; readonly after: AttachmentInfo };

/**
 * The attachment changes from `before` to `after` (two versions' lists), sorted by name. Same name and
 * same `ref` and media type: unchanged (not listed).
 */
export function attachmentChanges(before: readonly AttachmentInfo[] = [], after: readonly AttachmentInfo[] = []): AttachmentChange[] {
  const old = new Map(before.map((a) => [a.name, a]));
  const out: AttachmentChange[] = [];
  for (const a of after) {
    const b = old.get(a.name);
    if (b === undefined) out.push({ name: a.name, change: 'added', after: a });
    else if (b.ref !== a.ref || b.mediaType !== a.mediaType) out.push({ name: a.name, change: 'changed', before: b, after: a });
    old.delete(a.name);
  }
  for (const b of old.values()) out.push({ name: b.name, change: 'removed', before: b });
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * Characters a name must not hold: path separators and NUL (a name is one path component on export), C0
 * and C1 controls and DEL (they hide in terminals and lists), and the bidirectional controls that make a
 * name display as another (`invoice\u202Efdp.exe` shows as `invoiceexe.pdf`).
 */
// eslint-disable-next-line no-control-regex
const BAD_NAME_CHAR = /[/\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Checks an attachment name and returns it: 1 to 255 UTF-8 bytes of well-formed Unicode, not `.` or `..`,
 * without path separators, control or bidirectional-control characters, and without leading or trailing
 * spaces (which look like another name). Throws `Invalid` naming the rule.
 */
export function validateAttachmentName(name: unknown): string {
  const bad = (why: string): never => {
    throw new DocvaultError('Invalid', `name: ${why}`, { field: 'name' });
  };
  if (typeof name !== 'string') return bad('must be a string');
  if (name.length === 0) return bad('must not be empty');
  if (!name.isWellFormed()) return bad('must be valid Unicode (lone surrogate found)');
  if (utf8Bytes(name) > ATTACHMENT_LIMITS.nameMaxBytes) return bad(`at most ${ATTACHMENT_LIMITS.nameMaxBytes} UTF-8 bytes`);
  if (name === '.' || name === '..') return bad('"." and ".." are not file names');
  const m = BAD_NAME_CHAR.exec(name);
  if (m !== null) return bad(`must not contain ${m[0] === '/' || m[0] === '\\' ? 'path separators' : `control or direction characters (U+${(m[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')})`}`);
  if (name.trim() !== name) return bad('must not start or end with spaces');
  return name;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** Checks a media type (`type/subtype`, RFC 6838 characters, no parameters) and returns it lowercased. Throws `Invalid`. */
export function validateMediaType(mediaType: unknown): string {
  if (typeof mediaType !== 'string' || mediaType.length > ATTACHMENT_LIMITS.mediaTypeMaxChars || !MEDIA_TYPE.test(mediaType.toLowerCase()))
    throw new DocvaultError('Invalid', `mediaType: a media type like "application/pdf" (at most ${ATTACHMENT_LIMITS.mediaTypeMaxChars} characters, no parameters)`, {
      field: 'mediaType',
    });
  return mediaType.toLowerCase();
}

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  heic: 'image/heic',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

/** A media type guessed from a file name's extension; {@link DEFAULT_MEDIA_TYPE} when unknown. */
export function mediaTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot < 0 ? undefined : BY_EXTENSION[fileName.slice(dot + 1).toLowerCase()]) ?? DEFAULT_MEDIA_TYPE;
}
