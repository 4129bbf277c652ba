/**
 * The row codec: what a head or version row holds, the columns that read it, how it maps to the API's
 * types, and which stored fields its integrity tag covers. Written once here; every read, write and
 * verify goes through it.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError, isDocvaultError } from '../../../shared/errors';
import type { Document, DocumentSummary, VersionInfo } from '../../../shared/types';
import type { AttachmentInfo } from '../../../shared/attachments';
import { headMacV2, macEqual, tagAlg, versionMacV2, type HeadFieldsV2, type VersionFields } from '../integrity';

/** A document's head row (table `documents`), as read. */
export interface HeadRow {
  doc: number;
  id: string;
  created_at: number;
  updated_at: number;
  version: number;
  title: string;
  type: string;
  tags: string;
  metadata: string;
  size: number;
  checksum: string;
  head_mac: Buffer;
  author: string | null;
  /** Null while live; when it was moved to the Trash. */
  trashed_at: number | null;
  /** A copy of the current version's tag, covered by `head_mac`. */
  version_mac: Buffer | null;
}

/** A head row with its current version's content and tag (null when that version row is missing). */
export interface HeadWithContent extends HeadRow {
  content: string | null;
  cur_mac: Buffer | null;
  /** The current version's attachment list as stored (null: none). */
  cur_attachments: string | null;
}

/** A version row (table `versions`) joined with the fields of its document that its tag covers. */
export interface VersionRow {
  id: string;
  /** The document's: versions of a trashed document are not served. */
  trashed_at: number | null;
  doc_created_at: number;
  version: number;
  created_at: number;
  mac: Buffer;
  size: number;
  checksum: string;
  comment: string | null;
  title: string;
  type: string;
  tags: string;
  metadata: string;
  /** The attachment list as stored, JSON (null: none); covered by `mac`. */
  attachments: string | null;
}

/** A version row with its content and the previous version's tag (null for version 1, or when it is missing). */
export interface VersionRowWithContent extends VersionRow {
  content: string;
  prev_mac: Buffer | null;
}

/** Columns of {@link HeadRow}, table alias `d`. */
export const HEAD_COLUMNS =
  'd.doc, d.id, d.created_at, d.updated_at, d.version, d.title, d.type, d.tags, d.metadata, d.size, d.checksum, d.head_mac, d.author, d.trashed_at, d.version_mac';
/**
 * Columns of {@link HeadRow} for a `.raw()` statement (table alias `d`), read back by {@link headOf}. A cold
 * `get` spent more time building better-sqlite3's 17-key row object and three separately allocated BLOB
 * Buffers than in SQLite: arrays, and tags as hex text decoded into Node's pooled small Buffers, cost about
 * half (measured, bench/gc-probe.ts); verify reads every head this way too (100k heads: 0.52 s as objects,
 * 0.22 s as arrays).
 */
export const HEAD_COLUMNS_RAW =
  'd.doc, d.id, d.created_at, d.updated_at, d.version, d.title, d.type, d.tags, d.metadata, d.size, d.checksum, hex(d.head_mac), d.author, d.trashed_at, hex(d.version_mac)';
/** Columns of {@link HeadWithContent} for a `.raw()` statement (table aliases `d`, `v`), read back by {@link headWithContentOf}. */
export const CURRENT_COLUMNS_RAW = `${HEAD_COLUMNS_RAW}, v.content, hex(v.mac), (SELECT a.list FROM version_attachments a WHERE a.vid = v.vid)`;

/** A tag read as hex text: its bytes (null for anything else). */
export const macOf = (hex: unknown): Buffer | null => (typeof hex === 'string' ? Buffer.from(hex, 'hex') : null);

/** A row of {@link HEAD_COLUMNS_RAW} as a {@link HeadRow} (hex of a NULL tag is '', read as an empty tag). */
export function headOf(r: unknown[]): HeadRow {
  const versionMac = r[14] as string;
  return {
    doc: r[0] as number,
    id: r[1] as string,
    created_at: r[2] as number,
    updated_at: r[3] as number,
    version: r[4] as number,
    title: r[5] as string,
    type: r[6] as string,
    tags: r[7] as string,
    metadata: r[8] as string,
    size: r[9] as number,
    checksum: r[10] as string,
    head_mac: macOf(r[11]) ?? Buffer.alloc(0),
    author: r[12] as string | null,
    trashed_at: r[13] as number | null,
    // hex(NULL) is '': a head without the copy (schema 2 rows) reads as null, as the BLOB column did.
    version_mac: versionMac === '' ? null : macOf(versionMac),
  };
}

/** A row of {@link CURRENT_COLUMNS_RAW} as a {@link HeadWithContent}. */
export function headWithContentOf(r: unknown[]): HeadWithContent {
  const row = headOf(r) as HeadWithContent;
  row.content = r[15] as string | null;
  // No version row: the LEFT JOIN gives NULL, and hex(NULL) is ''.
  row.cur_mac = r[15] === null ? null : macOf(r[16]);
  row.cur_attachments = r[17] as string | null;
  return row;
}

/** Columns of {@link VersionRow}, aliases `d` (documents) and `v` (versions). */
export const VERSION_COLUMNS =
  'd.id, d.trashed_at, d.created_at AS doc_created_at, v.version, v.created_at, v.mac, v.size, v.checksum, v.comment, v.title, v.type, v.tags, v.metadata, (SELECT a.list FROM version_attachments a WHERE a.vid = v.vid) AS attachments';

/** The fields of a head row its tag covers. */
export function headFieldsOf(row: HeadRow): HeadFieldsV2 {
  return {
    author: row.author,
    trashedAt: row.trashed_at,
    versionMac: row.version_mac ?? Buffer.alloc(0),
    id: row.id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    title: row.title,
    type: row.type,
    tags: row.tags,
    metadata: row.metadata,
    size: row.size,
    checksum: row.checksum,
  };
}

/** The fields of a version row its tag covers. */
export function versionFieldsOf(row: VersionRow): VersionFields {
  return {
    id: row.id,
    version: row.version,
    docCreatedAt: row.doc_created_at,
    createdAt: row.created_at,
    title: row.title,
    type: row.type,
    tags: row.tags,
    metadata: row.metadata,
    size: row.size,
    checksum: row.checksum,
    comment: row.comment,
    attachments: row.attachments,
  };
}

/** `Integrity` for one version of one document. */
export function integrityError(id: string, version: number, what: string): DocvaultError {
  return new DocvaultError('Integrity', `Document "${id}" version ${version} failed its integrity check (${what}); it may have been altered outside docvault`, {
    id,
    version,
  });
}

/**
 * Throws `Integrity` unless the head row's tag matches its fields (author, Trash state and the current
 * version's tag included). Only v2 tags are accepted: a v1 row put back from an older copy is refused.
 */
export function checkHead(macKey: Uint8Array, row: HeadRow): void {
  if (tagAlg(row.head_mac) !== 2) throw integrityError(row.id, row.version, 'document record tag missing or from an older algorithm');
  if (!macEqual(headMacV2(macKey, headFieldsOf(row)), row.head_mac)) throw integrityError(row.id, row.version, 'document record tag mismatch');
}

/**
 * Throws `Integrity` unless the version row's tag matches its fields and the previous version's tag
 * (`prevMac`, null for version 1): a version removed, replaced or reordered breaks the chain.
 */
export function checkVersion(macKey: Uint8Array, row: VersionRow, prevMac: Uint8Array | null): void {
  if (tagAlg(row.mac) !== 2) throw integrityError(row.id, row.version, 'version tag missing or from an older algorithm');
  if (!macEqual(versionMacV2(macKey, versionFieldsOf(row), prevMac), row.mac))
    throw integrityError(row.id, row.version, prevMac === null && row.version > 1 ? 'the version before it is missing' : 'version tag mismatch (or the history before it was changed)');
}

/** Parses stored JSON that a tag covers; a text that does not parse is damage, reported as `Integrity`. */
function parseStored<T>(text: string, id: string, version: number, what: string, ok: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw integrityError(id, version, `stored ${what} are not valid JSON`);
  }
  if (!ok(value)) throw integrityError(id, version, `stored ${what} have the wrong shape`);
  return value;
}

const isAttachmentList = (v: unknown): v is AttachmentInfo[] =>
  Array.isArray(v) &&
  v.every(
    (a: unknown) =>
      typeof a === 'object' &&
      a !== null &&
      typeof (a as AttachmentInfo).name === 'string' &&
      Number.isSafeInteger((a as AttachmentInfo).size) &&
      typeof (a as AttachmentInfo).mediaType === 'string' &&
      typeof (a as AttachmentInfo).ref === 'string' &&
      /^[0-9a-f]{64}$/.test((a as AttachmentInfo).ref),
  );

/** A row's stored attachment list, parsed and checked (null: none). */
export function attachmentsOf(text: string | null, id: string, version: number): AttachmentInfo[] {
  return text === null ? [] : parseStored(text, id, version, 'attachments', isAttachmentList);
}

/** `{ attachments }` when the list is not empty, else nothing: documents without attachments look as they always did. */
function withAttachments(text: string | null, id: string, version: number): { attachments?: AttachmentInfo[] } {
  const list = attachmentsOf(text, id, version);
  return list.length === 0 ? {} : { attachments: list };
}

const isTags = (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === 'string');
const isMetadata = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A row's stored tag list, parsed and checked. */
export function tagsOf(text: string, id: string, version: number): string[] {
  return parseStored(text, id, version, 'tags', isTags);
}

/** A row's stored metadata, parsed and checked. */
export function metadataOf(text: string, id: string, version: number): Record<string, unknown> {
  return parseStored(text, id, version, 'metadata', isMetadata);
}

/** The document a verified head and its verified content make (`attachments`: the current version's list as stored). */
export function documentOf(row: HeadRow, content: string, attachments: string | null = null): Document {
  return {
    id: row.id,
    title: row.title,
    content,
    type: row.type,
    tags: tagsOf(row.tags, row.id, row.version),
    metadata: metadataOf(row.metadata, row.id, row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    size: row.size,
    checksum: row.checksum,
    ...withAttachments(attachments, row.id, row.version),
  };
}

/** The document a verified version row makes (`updatedAt` is that version's time). */
export function versionDocumentOf(row: VersionRowWithContent): Document {
  return {
    id: row.id,
    title: row.title,
    content: row.content,
    type: row.type,
    tags: tagsOf(row.tags, row.id, row.version),
    metadata: metadataOf(row.metadata, row.id, row.version),
    createdAt: row.doc_created_at,
    updatedAt: row.created_at,
    version: row.version,
    size: row.size,
    checksum: row.checksum,
    ...withAttachments(row.attachments, row.id, row.version),
  };
}

/** A verified version row as history shows it. */
export function versionInfoOf(row: VersionRow): VersionInfo {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    type: row.type,
    tags: tagsOf(row.tags, row.id, row.version),
    size: row.size,
    checksum: row.checksum,
    createdAt: row.created_at,
    comment: row.comment,
    ...withAttachments(row.attachments, row.id, row.version),
  };
}

/**
 * A head row as a list entry. One whose tag fails, whose stored JSON does not parse, or that a tag
 * filter found by a tag its own list does not have (a tag row added outside docvault) is listed,
 * marked `integrityFailed`, with its fields as stored: one damaged row never fails the whole page.
 */
export function summaryOf(macKey: Uint8Array, row: HeadRow, filterTag?: string): DocumentSummary {
  let failed = false;
  try {
    checkHead(macKey, row);
  } catch (err) {
    if (!isDocvaultError(err, 'Integrity')) throw err;
    failed = true;
  }
  let tags: string[] = [];
  let metadata: Record<string, unknown> = {};
  try {
    tags = tagsOf(row.tags, row.id, row.version);
    metadata = metadataOf(row.metadata, row.id, row.version);
  } catch (err) {
    if (!isDocvaultError(err, 'Integrity')) throw err;
    failed = true;
  }
  if (filterTag !== undefined && !tags.includes(filterTag)) failed = true;
  const summary: DocumentSummary = {
    id: row.id,
    title: row.title,
    type: row.type,
    tags,
    metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    size: row.size,
    checksum: row.checksum,
  };
  return failed ? { ...summary, integrityFailed: true } : summary;
}

/** The vault-wide totals (table `counters`), of live documents, and the Trash's count. */
export interface Counters {
  documents: number;
  versions: number;
  contentBytes: number;
  historyBytes: number;
  byType: Record<string, number>;
  /** Live documents per tag (schema 3). */
  byTag: Record<string, number>;
  trashed: number;
  /** Stored files and their bytes (schema step "attachment totals"; zeros before it). */
  attachments: { files: number; storedBytes: number; referencedBytes: number };
}

/** Reads the `counters` table with `SELECT key, n FROM counters`. */
export function readCounters(stmt: Database.Statement): Counters {
  const c: Counters = { documents: 0, versions: 0, contentBytes: 0, historyBytes: 0, byType: {}, byTag: {}, trashed: 0, attachments: { files: 0, storedBytes: 0, referencedBytes: 0 } };
  for (const { key, n } of stmt.all() as { key: string; n: number }[]) {
    if (key === 'documents') c.documents = n;
    else if (key === 'versions') c.versions = n;
    else if (key === 'content_bytes') c.contentBytes = n;
    else if (key === 'history_bytes') c.historyBytes = n;
    else if (key === 'trash_documents') c.trashed = n;
    else if (key === 'attachment_files') c.attachments.files = n;
    else if (key === 'attachment_stored_bytes') c.attachments.storedBytes = n;
    else if (key === 'attachment_referenced_bytes') c.attachments.referencedBytes = n;
    else if (key.startsWith('tag:')) c.byTag[key.slice(4)] = n;
    else if (key.startsWith('type:')) c.byType[key.slice(5)] = n;
  }
  return c;
}

/** `NotFound` for `id`; for a trashed document, says where it is (details.trashed). */
export function notFound(id: string, trashed: boolean): DocvaultError {
  return trashed
    ? new DocvaultError('NotFound', `Document "${id}" is in the Trash; undelete it to use it`, { id, trashed: true })
    : new DocvaultError('NotFound', `No document "${id}"`, { id });
}

/** `AlreadyExists` for an id whose document is in the Trash: a create never overwrites it. */
export function trashedExists(id: string): DocvaultError {
  return new DocvaultError('AlreadyExists', `A document "${id}" is in the Trash; undelete or purge it first`, { id, reason: 'trashed' });
}
