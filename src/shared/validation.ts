/**
 * Input validation for documents. Plain functions so the engine's hot path stays cheap; the
 * contract's zod schemas (IPC/HTTP) and the CLI reuse them, so every door applies the same limits.
 */
import { DocvaultError } from './errors';
import { LIMITS, type DocumentInput, type DocumentPatch, type ListQuery, type WriteOptions } from './types';

const encoder = new TextEncoder();

/** UTF-8 byte length of a well-formed string, without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function invalid(field: string, message: string, limit?: number): DocvaultError {
  return new DocvaultError('Invalid', `${field}: ${message}`, limit === undefined ? { field } : { field, limit });
}

/** True for printable characters: no C0/C1 controls, no lone surrogates. */
const PRINTABLE = /^[^\p{Cc}\p{Cs}]+$/u;

/** Validates a document id: 1..200 printable characters, no leading/trailing space. */
export function validateId(id: unknown, field = 'id'): string {
  if (typeof id !== 'string') throw invalid(field, 'must be a string');
  if (id.length < LIMITS.idMinChars || id.length > LIMITS.idMaxChars)
    throw invalid(field, `must be ${LIMITS.idMinChars} to ${LIMITS.idMaxChars} characters (got ${id.length})`, LIMITS.idMaxChars);
  if (!PRINTABLE.test(id)) throw invalid(field, 'must contain printable characters only');
  if (id.trim() !== id) throw invalid(field, 'must not start or end with white space');
  return id;
}

function validateText(value: unknown, field: string, max: number, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.length > max) throw invalid(field, `must be at most ${max} characters (got ${value.length})`, max);
  if (!allowEmpty && value.length === 0) throw invalid(field, 'must not be empty');
  if (!value.isWellFormed()) throw invalid(field, 'must be valid Unicode (lone surrogate found)');
  return value;
}

/** Validates content: any well-formed string up to `maxBytes` UTF-8 bytes. Returns its byte size. */
export function validateContent(content: unknown, maxBytes: number): number {
  if (typeof content !== 'string') throw invalid('content', 'must be a string');
  if (!content.isWellFormed()) throw invalid('content', 'must be valid Unicode (lone surrogate found)');
  const size = utf8Length(content);
  if (size > maxBytes)
    throw new DocvaultError('TooLarge', `content: ${size} bytes exceeds the limit of ${maxBytes} bytes`, {
      field: 'content',
      limit: maxBytes,
      size,
    });
  return size;
}

/** Validates tags: at most 64, each 1..64 printable characters, no duplicates. */
export function validateTags(tags: unknown): readonly string[] {
  if (!Array.isArray(tags)) throw invalid('tags', 'must be an array of strings');
  if (tags.length > LIMITS.tagsMax) throw invalid('tags', `at most ${LIMITS.tagsMax} tags (got ${tags.length})`, LIMITS.tagsMax);
  const seen = new Set<string>();
  for (const [i, t] of tags.entries()) {
    if (typeof t !== 'string' || t.length === 0 || t.length > LIMITS.tagMaxChars || !PRINTABLE.test(t))
      throw invalid(`tags[${i}]`, `must be 1 to ${LIMITS.tagMaxChars} printable characters`, LIMITS.tagMaxChars);
    if (seen.has(t)) throw invalid(`tags[${i}]`, `duplicate tag "${t}"`);
    seen.add(t);
  }
  return tags as string[];
}

/** Validates metadata: a plain JSON object whose JSON text is at most 64 KiB. Returns that JSON text. */
export function validateMetadata(metadata: unknown): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw invalid('metadata', 'must be a JSON object');
  let json: string;
  try {
    json = JSON.stringify(metadata);
  } catch {
    throw invalid('metadata', 'must be serializable as JSON');
  }
  if (!json.isWellFormed()) throw invalid('metadata', 'must be valid Unicode');
  const bytes = encoder.encode(json).length;
  if (bytes > LIMITS.metadataMaxBytes)
    throw invalid('metadata', `JSON must be at most ${LIMITS.metadataMaxBytes} bytes (got ${bytes})`, LIMITS.metadataMaxBytes);
  return json;
}

/** Validates a title (<= 255 characters, may be empty). */
export function validateTitle(title: unknown): string {
  return validateText(title, 'title', LIMITS.titleMaxChars, true);
}

/** Validates a type (<= 64 characters, may be empty). */
export function validateType(type: unknown): string {
  const t = validateText(type, 'type', LIMITS.typeMaxChars, true);
  if (t.length > 0 && !PRINTABLE.test(t)) throw invalid('type', 'must contain printable characters only');
  return t;
}

/** Validates write options. */
export function validateWriteOptions(opts: WriteOptions | undefined): void {
  if (opts === undefined) return;
  if (opts.expectedVersion !== undefined && (!Number.isSafeInteger(opts.expectedVersion) || opts.expectedVersion < 0))
    throw invalid('expectedVersion', 'must be a whole number >= 0');
  if (opts.comment !== undefined) validateText(opts.comment, 'comment', LIMITS.commentMaxChars, true);
}

/** Validates a version number. */
export function validateVersion(version: unknown, field = 'version'): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    throw invalid(field, 'must be a whole number >= 1');
  return version;
}

/** Checks the shape of a full input (the engine then validates each field). */
export function assertInputObject(input: unknown): asserts input is DocumentInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('document', 'must be an object');
}

/** Checks the shape of a patch. */
export function assertPatchObject(patch: unknown): asserts patch is DocumentPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw invalid('patch', 'must be an object');
}

/** Validates a list query. Returns the limit to use. */
export function validateListQuery(q: ListQuery): number {
  if (q.type !== undefined) validateType(q.type);
  if (q.tag !== undefined) validateTags([q.tag]);
  if (q.author !== undefined) validateText(q.author, 'author', LIMITS.titleMaxChars, false);
  if (q.sort !== undefined && q.sort !== 'updated' && q.sort !== 'created' && q.sort !== 'title')
    throw invalid('sort', 'must be one of updated, created, title');
  if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') throw invalid('order', 'must be asc or desc');
  const limit = q.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIMITS.listMaxLimit)
    throw invalid('limit', `must be 1 to ${LIMITS.listMaxLimit}`, LIMITS.listMaxLimit);
  if (q.cursor !== undefined && (typeof q.cursor !== 'string' || q.cursor.length > 2048)) throw invalid('cursor', 'is not a cursor');
  return limit;
}

/** Validates a bulk call's size. */
export function validateBulk(items: unknown, field = 'items'): void {
  if (!Array.isArray(items)) throw invalid(field, 'must be an array');
  if (items.length > LIMITS.bulkMaxItems)
    throw invalid(field, `at most ${LIMITS.bulkMaxItems} items per call (got ${items.length})`, LIMITS.bulkMaxItems);
}
