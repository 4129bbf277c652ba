/**
 * Writes: a new version and its head, create/update/put, the Trash (trash, undelete, purge). Every
 * function takes a {@link WriteContext}, whose connection is a `WritableDB`: a reader's cannot be passed.
 * Callers run them inside a transaction.
 */
import { DocvaultError } from '../../../shared/errors';
import type { AttachmentInfo } from '../../../shared/attachments';
import { LIMITS, type Document, type DocumentInput, type DocumentPatch, type WriteOptions } from '../../../shared/types';
import {
  assertInputObject,
  assertPatchObject,
  validateContent,
  validateId,
  validateMetadata,
  validateTags,
  validateTitle,
  validateType,
  validateWriteOptions,
} from '../../../shared/validation';
import { headMacV2, setTerm, sha256Hex, versionMacV2 } from '../integrity';
import { MAX_DOC, MAX_VERSION, versionKey } from '../migrations';
import { readCurrentRow, verifyCurrent } from './reads';
import { releaseDocBlobs, retainBlobs } from './blob-store';
import { checkHead, notFound, trashedExists, type HeadRow, type HeadWithContent } from './rows';
import type { WriteContext } from './statements';
import { heldAt, isReservedKey, reservedKeys } from '../search-queue-schema';
import { NEXT_SEQ_SQL } from '../versions-order-schema';
import { SEQ_AFTER_PURGE_SQL, SEQ_QUEUE_ONE_SQL } from '../search-seq-schema';

/** A validated, fully resolved version about to be written. */
interface NewVersion {
  title: string;
  type: string;
  tags: readonly string[];
  tagsJson: string;
  metadataJson: string;
  content: string;
  size: number;
  /** The attachment list (JSON, as stored in `version_attachments`), or null for none. */
  attachments: string | null;
}

function conflict(id: string, actual: number, expected: number): DocvaultError {
  return new DocvaultError('Conflict', `Document "${id}" is at version ${actual}, not ${expected}`, { id, expected, actual });
}

function resolve(ctx: WriteContext, base: NewVersion | undefined, patch: DocumentPatch): NewVersion {
  const content = patch.content ?? base?.content ?? '';
  const size = patch.content !== undefined || base === undefined ? validateContent(content, ctx.maxContentBytes) : base.size;
  const tags = patch.tags !== undefined ? validateTags(patch.tags) : (base?.tags ?? []);
  return {
    title: patch.title !== undefined ? validateTitle(patch.title) : (base?.title ?? ''),
    type: patch.type !== undefined ? validateType(patch.type) : (base?.type ?? ''),
    tags,
    tagsJson: patch.tags !== undefined || base === undefined ? JSON.stringify(tags) : base.tagsJson,
    metadataJson: patch.metadata !== undefined ? validateMetadata(patch.metadata) : (base?.metadataJson ?? '{}'),
    content,
    size,
    attachments: base?.attachments ?? null,
  };
}

/**
 * Writes a version of document `id` and points its head at it: version 1 of a new document when `old`
 * is undefined, else the version after `old` (the current head, already verified). Returns the new document.
 */
function writeVersion(ctx: WriteContext, id: string, old: HeadRow | undefined, v: NewVersion, comment: string | null): Document {
  const updatedAt = ctx.clock();
  const createdAt = old?.created_at ?? updatedAt;
  const version = (old?.version ?? 0) + 1;
  if (version > MAX_VERSION)
    throw new DocvaultError('TooLarge', `Document "${id}" has reached the most versions a document can have (${MAX_VERSION})`, { id, limit: MAX_VERSION });
  const checksum = sha256Hex(v.content);
  const metadata = JSON.parse(v.metadataJson) as Record<string, unknown>;
  const author = typeof metadata['author'] === 'string' ? (metadata['author'] as string) : null;
  const { title, type, tagsJson: tags, metadataJson, size } = v;
  // Objects written out, not spread: `{ ...fields, more }` took 1–9 µs in this V8 (Node 20) against ~25 ns.
  // The chain: this version's tag covers the current one's (the head's copy, verified with the head).
  const vf = { id, version, docCreatedAt: createdAt, createdAt: updatedAt, title, type, tags, metadata: metadataJson, size, checksum, comment, attachments: v.attachments };
  const mac = versionMacV2(ctx.macKey, vf, old?.version_mac ?? null);
  const hmac = headMacV2(ctx.macKey, { id, version, createdAt, updatedAt, title, type, tags, metadata: metadataJson, size, checksum, author, trashedAt: null, versionMac: mac });
  // The statements' named parameters (better-sqlite3 ignores the keys a statement does not name).
  const head = { doc: old?.doc ?? 0, id, version, title, type, tags, metadata: metadataJson, size, checksum, createdAt, updatedAt, author, headMac: hmac, versionMac: mac };
  let docKey: number;
  if (old === undefined) {
    const info = ctx.w.insertDoc.run(head);
    if (info.changes === 0) {
      if (ctx.r.state.get(id) !== null) throw trashedExists(id);
      throw new DocvaultError('AlreadyExists', `A document "${id}" already exists`, { id });
    }
    const inserted = Number(info.lastInsertRowid);
    if (inserted > MAX_DOC) throw new DocvaultError('TooLarge', `The vault has reached the most documents it can hold (${MAX_DOC})`, { limit: MAX_DOC });
    docKey = inserted;
    ctx.totals.add('documents', 1);
    ctx.totals.add('content_bytes', v.size);
    ctx.totals.add(`type:${v.type}`, 1);
  } else {
    docKey = old.doc;
    // SET only the indexed columns that changed: an unchanged title or author then costs no index write.
    // current_seq: the row the version below gets (../versions-order-schema.ts), a hint for current reads.
    const sets = ['updated_at = @updatedAt', 'version = @version', 'tags = @tags', 'metadata = @metadata', 'size = @size', 'checksum = @checksum', 'head_mac = @headMac', 'version_mac = @versionMac', `current_seq = ${NEXT_SEQ_SQL}`];
    if (v.title !== old.title) sets.push('title = @title');
    if (v.type !== old.type) sets.push('type = @type');
    if (author !== old.author) sets.push('author = @author');
    ctx.sql.get(`UPDATE documents SET ${sets.join(', ')} WHERE doc = @doc`).run(head);
    ctx.totals.add('content_bytes', v.size - old.size);
    if (v.type !== old.type) {
      ctx.totals.add(`type:${old.type}`, -1);
      ctx.totals.add(`type:${v.type}`, 1);
    }
  }
  ctx.w.insertVersion.run({
    vid: versionKey(docKey, version),
    version,
    createdAt: updatedAt,
    mac,
    size: v.size,
    checksum,
    comment,
    title: v.title,
    type: v.type,
    tags: v.tagsJson,
    metadata: v.metadataJson,
    content: v.content,
  });
  ctx.totals.add('versions', 1);
  ctx.totals.add('history_bytes', v.size);
  // The new version names its attachments: each stored file it lists gains a reference.
  if (v.attachments !== null) {
    ctx.sql.get('INSERT INTO version_attachments (vid, list) VALUES (?, ?)').run(versionKey(docKey, version), v.attachments);
    retainBlobs(ctx, v.attachments);
  }
  // Tag rows (keyed tag, the head's updated_at, doc) move with the search queue's flush, as the index's
  // entries do (../search-queue-schema.ts): a write changes the running totals only.
  if (old === undefined) countTags(ctx, v.tags, 1);
  else if (old.tags !== v.tagsJson) {
    const before = base(old.tags);
    const now = new Set(v.tags);
    countTags(ctx, before.filter((t) => !now.has(t)), -1);
    const had = new Set(before);
    countTags(ctx, v.tags.filter((t) => !had.has(t)), 1);
  }
  changeSet(ctx, id, old?.head_mac, hmac);
  const attachments = v.attachments === null ? undefined : (JSON.parse(v.attachments) as AttachmentInfo[]);
  return {
    id,
    title: v.title,
    content: v.content,
    type: v.type,
    tags: [...v.tags],
    metadata,
    createdAt,
    updatedAt,
    version,
    size: v.size,
    checksum,
    ...(attachments === undefined ? {} : { attachments }),
  };
}

/** A head's stored tag list, or undefined when it does not parse as a list of strings (altered outside docvault). */
function storedTags(tagsJson: string): string[] | undefined {
  let tags: unknown;
  try {
    tags = JSON.parse(tagsJson);
  } catch {
    return undefined;
  }
  return Array.isArray(tags) && tags.every((t) => typeof t === 'string') ? (tags as string[]) : undefined;
}

/** The tags of a verified head (its list parses). */
function base(tagsJson: string): string[] {
  return storedTags(tagsJson) ?? [];
}

/** Adds `sign` to the running total of each of `tags`. */
function countTags(ctx: WriteContext, tags: readonly string[], sign: 1 | -1): void {
  for (const t of tags) ctx.totals.add(`tag:${t}`, sign);
}

/** The tag list of `head`'s current version, or undefined when it does not parse. */
function versionTagList(ctx: WriteContext, head: HeadRow): string[] | undefined {
  const row = ctx.w.versionTags.get(versionKey(head.doc, head.version)) as { tags: string } | undefined;
  return row === undefined ? undefined : storedTags(row.tags);
}

/**
 * Deletes the tag rows the vault holds for `doc` (`live`: its head when live), and the rows of its reserved
 * keys (../time-rows-schema.ts, ../title-rows-schema.ts), now, before its versions
 * go: those of the version the search queue says the index holds when the document is queued (none after
 * the search mark), else its live head's. Each by its full key; a row whose time differs (altered outside
 * docvault) is found by a walk of its tag's range; a list that does not parse falls back to a scan of every
 * row, whose tags it returns, so a damaged document can still be purged.
 */
function deleteHeldTags(ctx: WriteContext, doc: number, live: HeadRow | undefined): string[] | undefined {
  const indexed = ctx.w.queuedVersion.get(doc) as number | undefined;
  let held: { tags: string; at: number; type: string; title: string } | undefined;
  if (indexed === undefined) held = live === undefined ? undefined : { tags: live.tags, at: live.updated_at, type: live.type, title: live.title };
  else if (indexed !== 0) held = ctx.w.versionTags.get(indexed) as { tags: string; at: number; type: string; title: string } | undefined;
  if (held === undefined) return undefined;
  const tags = storedTags(held.tags);
  // The scan's rows include the reserved keys' (../time-rows-schema.ts): they are no tags.
  if (tags === undefined) return (ctx.w.deleteAllTags.all(doc) as string[]).filter((t) => !isReservedKey(t));
  for (const t of [...tags, ...reservedKeys(held.type, held.title)]) if (ctx.w.deleteTag.run(t, heldAt(t, held.at), doc).changes === 0) ctx.w.deleteTagAnyTime.run(t, doc);
  return undefined;
}

/**
 * Moves a document and its versions out of the live totals (`sign` -1: to the Trash) or back into them
 * (+1: undeleted); the Trash's own count moves the other way.
 */
function moveTotals(ctx: WriteContext, head: HeadRow, sign: 1 | -1): void {
  const versions = ctx.w.versionTotals.get(head.doc, head.doc) as { n: number; bytes: number };
  ctx.totals.add('documents', sign);
  ctx.totals.add('trash_documents', -sign);
  ctx.totals.add('content_bytes', sign * head.size);
  ctx.totals.add('versions', sign * versions.n);
  ctx.totals.add('history_bytes', sign * versions.bytes);
  ctx.totals.add(`type:${head.type}`, sign);
}

/**
 * Keeps the vault state (vault-state.ts) in step with a head change, in O(1): the old head's term out,
 * the new one's in (undefined: none). The state row is written once at the end of the operation (totals.ts).
 */
function changeSet(ctx: WriteContext, id: string, oldHead: Uint8Array | undefined, newHead: Uint8Array | undefined): void {
  if (oldHead !== undefined) ctx.totals.term(setTerm(ctx.macKey, id, oldHead));
  if (newHead !== undefined) ctx.totals.term(setTerm(ctx.macKey, id, newHead));
}

/** The head tag of `head` with its Trash state set to `trashedAt`. */
function retagHead(ctx: WriteContext, head: HeadRow, trashedAt: number | null): Buffer {
  return headMacV2(ctx.macKey, {
    id: head.id,
    version: head.version,
    createdAt: head.created_at,
    updatedAt: head.updated_at,
    title: head.title,
    type: head.type,
    tags: head.tags,
    metadata: head.metadata,
    size: head.size,
    checksum: head.checksum,
    author: head.author,
    trashedAt,
    versionMac: head.version_mac ?? Buffer.alloc(0),
  });
}

/**
 * Creates a document at version 1. `AlreadyExists` if the id is taken (reason `trashed` if by a trashed one).
 * `attachments`: its attachment list as stored (import), default none.
 */
export function createOne(ctx: WriteContext, input: DocumentInput, opts: WriteOptions | undefined, attachments: string | null = null): Document {
  assertInputObject(input);
  const id = validateId(input.id);
  validateWriteOptions(opts);
  if (opts?.expectedVersion !== undefined && opts.expectedVersion !== 0) {
    const cur = ctx.r.getHead.get(id) as HeadRow | undefined;
    if (cur !== undefined && cur.trashed_at !== null) throw trashedExists(id);
    throw conflict(id, cur?.version ?? 0, opts.expectedVersion);
  }
  const v = resolve(ctx, undefined, { content: input.content, title: input.title, type: input.type, tags: input.tags, metadata: input.metadata ?? {} });
  v.attachments = attachments;
  return writeVersion(ctx, id, undefined, v, opts?.comment ?? null);
}

/**
 * Writes the next version of a live document with the fields of `patch` changed. Its attachments are
 * the current version's, or `attachments` (a list as stored, null for none) when given: attach, detach and
 * restore say what the new version carries.
 */
export function updateOne(ctx: WriteContext, id: string, patch: DocumentPatch, opts: WriteOptions | undefined, attachments?: string | null): Document {
  validateId(id);
  assertPatchObject(patch);
  validateWriteOptions(opts);
  const row = readCurrentRow(ctx, id);
  if (row === undefined) {
    if (opts?.expectedVersion !== undefined && opts.expectedVersion !== 0)
      throw new DocvaultError('Conflict', `Document "${id}" does not exist (expected version ${opts.expectedVersion})`, { id, expected: opts.expectedVersion, actual: 0 });
    throw notFound(id, false);
  }
  if (row.trashed_at !== null) throw notFound(id, true);
  // Verify before building on it: never launder altered content into a freshly tagged version.
  const doc = verifyCurrent(ctx, row);
  if (opts?.expectedVersion !== undefined && opts.expectedVersion !== row.version) throw conflict(id, row.version, opts.expectedVersion);
  // verifyCurrent checked the version's tag (which covers the list) whenever the row has one.
  const carried = doc.attachments === undefined ? null : row.cur_attachments;
  const base: NewVersion = {
    title: doc.title,
    type: doc.type,
    tags: doc.tags,
    tagsJson: row.tags,
    metadataJson: row.metadata,
    content: doc.content,
    size: doc.size,
    attachments: attachments === undefined ? carried : attachments,
  };
  return writeVersion(ctx, id, row, resolve(ctx, base, patch), opts?.comment ?? null);
}

/** Creates the document, or writes its next version. */
export function putOne(ctx: WriteContext, input: DocumentInput, opts: WriteOptions | undefined): Document {
  assertInputObject(input);
  const id = validateId(input.id);
  const state = ctx.r.state.get(id) as number | null | undefined;
  if (state === undefined) return createOne(ctx, input, opts);
  if (state !== null) throw trashedExists(id);
  const { id: _id, ...patch } = input;
  return updateOne(ctx, id, patch, opts);
}

/** Moves a live document to the Trash: its head and versions stay; its tag rows go at the search queue's next flush. */
export function trashOne(ctx: WriteContext, id: string, opts: WriteOptions | undefined): void {
  validateId(id);
  validateWriteOptions(opts);
  const head = ctx.r.getHead.get(id) as HeadRow | undefined;
  if (head === undefined || head.trashed_at !== null) throw notFound(id, head !== undefined);
  if (opts?.expectedVersion !== undefined && opts.expectedVersion !== head.version) throw conflict(id, head.version, opts.expectedVersion);
  // Verified before re-tagging: never launder an altered head into a freshly tagged one.
  checkHead(ctx.macKey, head);
  const trashedAt = ctx.clock();
  const tag = retagHead(ctx, head, trashedAt);
  // Its tag rows leave with the queue's flush, as its index entry does (the lists skip trashed documents).
  countTags(ctx, base(head.tags), -1);
  ctx.w.setTrashed.run(trashedAt, tag, head.doc);
  moveTotals(ctx, head, -1);
  changeSet(ctx, id, head.head_mac, tag);
}

/**
 * Deletes a document's versions, then its head (the search and sync triggers read the head while its
 * versions go), and takes them out of the totals: a live document's (`live`: its head) from the live
 * totals, a trashed one from the Trash's count. Stored files no version names any more go too.
 */
function purgeRows(ctx: WriteContext, doc: number, live: HeadRow | undefined): void {
  releaseDocBlobs(ctx, doc);
  if (live !== undefined) {
    const versions = ctx.w.versionTotals.get(doc, doc) as { n: number; bytes: number };
    ctx.totals.add('versions', -versions.n);
    ctx.totals.add('history_bytes', -versions.bytes);
  }
  ctx.w.deleteVersions.run(doc, doc);
  // Deleted at the end of the table, their numbers are handed out again: the search's sequence mark goes below them.
  ctx.sql.get(SEQ_AFTER_PURGE_SQL).run();
  if (ctx.w.deleteDoc.run(doc).changes === 0) return;
  if (live === undefined) ctx.totals.add('trash_documents', -1);
  else {
    ctx.totals.add('documents', -1);
    ctx.totals.add('content_bytes', -live.size);
    ctx.totals.add(`type:${live.type}`, -1);
  }
}

/** Deletes a document, live or trashed, with every version, forever. */
export function purgeOne(ctx: WriteContext, id: string): void {
  validateId(id);
  const head = ctx.r.getHead.get(id) as HeadRow | undefined;
  if (head === undefined) throw notFound(id, false);
  const live = head.trashed_at === null ? head : undefined;
  // Updated since the search queue's last flush: queued now, with the version the index holds, which its
  // entry and tag rows go by (../search-seq-schema.ts); its versions are about to go.
  if (live !== undefined) ctx.sql.get(SEQ_QUEUE_ONE_SQL).run(head.doc);
  const scanned = deleteHeldTags(ctx, head.doc, live);
  // The totals counted the head's list; one that does not parse (altered outside docvault) is its version's.
  if (live !== undefined) countTags(ctx, storedTags(live.tags) ?? versionTagList(ctx, live) ?? scanned ?? [], -1);
  purgeRows(ctx, head.doc, live);
  changeSet(ctx, id, head.head_mac, undefined);
}

/** Purges every trashed document; returns their ids. */
export function emptyTrash(ctx: WriteContext): string[] {
  const rows = ctx.w.trashedDocs.all() as { doc: number; id: string; head_mac: Buffer }[];
  for (const r of rows) {
    // Tag rows it had when trashed stay until the queue's flush, which a purge cannot wait for.
    deleteHeldTags(ctx, r.doc, undefined);
    purgeRows(ctx, r.doc, undefined);
    changeSet(ctx, r.id, r.head_mac, undefined);
  }
  return rows.map((r) => r.id);
}

/** Brings a trashed document back: verified first, then live again (its tag rows come back with the search queue's next flush). */
export function undeleteOne(ctx: WriteContext, id: string): Document {
  validateId(id);
  const row: HeadWithContent | undefined = readCurrentRow(ctx, id);
  if (row === undefined || row.trashed_at === null)
    throw new DocvaultError('NotFound', row === undefined ? `No document "${id}"` : `Document "${id}" is not in the Trash`, { id, trashed: false });
  const doc = verifyCurrent(ctx, row);
  const tag = retagHead(ctx, row, null);
  ctx.w.setTrashed.run(null, tag, row.doc);
  moveTotals(ctx, row, 1);
  countTags(ctx, doc.tags, 1);
  changeSet(ctx, id, row.head_mac, tag);
  return doc;
}

/** The comment of a restored version: where it came from, then the caller's words if any. */
export function restoreComment(version: number, extra: string | undefined): string {
  const note = `restored from version ${version}`;
  if (extra === undefined || extra === '') return note;
  const comment = `${note}: ${extra}`;
  if (comment.length > LIMITS.commentMaxChars)
    throw new DocvaultError('Invalid', `comment: at most ${LIMITS.commentMaxChars - note.length - 2} characters for a restore ("${note}: " takes the rest)`, {
      field: 'comment',
    });
  return comment;
}
