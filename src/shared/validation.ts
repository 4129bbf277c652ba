/**
 * Input validation for documents. Plain functions so the engine's hot path stays cheap; the
 * contract's zod schemas (IPC/HTTP) and the CLI reuse them, so every door applies the same limits.
 */
import { DocvaultError } from './errors';
import { LIMITS, type DocumentInput, type DocumentPatch, type ListQuery, type WriteOptions } from './types';

const encoder = new TextEncoder();

/** Only characters below U+0080 (each one UTF-8 byte); without the `u` flag each surrogate is one unit, so never matches. */
const ASCII_ONLY = /^[^\u0080-\uffff]*$/;

/** UTF-8 byte length of a well-formed string, without allocating. */
export function utf8Length(s: string): number {
  // The regex runs natively: ~0.36 µs for 1 KB of text against ~1.8 µs for the loop below (every write measures its content).
  if (ASCII_ONLY.test(s)) return s.length;
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

/**
 * Characters an id must not hold: controls, lone surrogates, line/paragraph separators and invisible
 * format characters, bidirectional overrides above all (`abc\u202Etxt.exe` displays as `abcexe.txt`).
 * Zero-width (non-)joiners stay allowed: emoji sequences and several scripts need them.
 */
const ID_FORBIDDEN = /(?![\u200C\u200D])[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}]/u;

/** `U+202E` for a code point. */
function codePointName(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Validates a document id: 1..200 characters, no leading/trailing space, and nothing that changes how
 * it displays — no control, bidirectional or other invisible format characters.
 */
export function validateId(id: unknown, field = 'id'): string {
  if (typeof id !== 'string') throw invalid(field, 'must be a string');
  if (id.length < LIMITS.idMinChars || id.length > LIMITS.idMaxChars)
    throw invalid(field, `must be ${LIMITS.idMinChars} to ${LIMITS.idMaxChars} characters (got ${id.length})`, LIMITS.idMaxChars);
  const bad = ID_FORBIDDEN.exec(id);
  if (bad !== null)
    throw invalid(
      field,
      `must not contain control, bidirectional or invisible format characters (found ${codePointName(bad[0])} at position ${bad.index})`,
    );
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

/** Deepest nesting accepted in metadata: JSON itself has no limit, but a parser's stack does. */
const METADATA_MAX_DEPTH = 64;

/** True for `{}` and `Object.create(null)` objects: the only objects JSON can represent. */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Walks a metadata value and throws `Invalid` naming the first part JSON would silently drop or change:
 * `undefined`, functions, symbols, bigints, non-finite numbers, Dates/Maps/class instances, inherited
 * properties. Keys such as `__proto__` are ordinary own keys here and are kept.
 */
function assertJsonValue(value: unknown, path: string, depth: number): void {
  switch (typeof value) {
    case 'string':
      // JSON.stringify escapes a lone surrogate (so the JSON text looks well formed), but a string read from
      // metadata into a column (author) would reach SQLite as U+FFFD and no longer match its tag.
      if (!value.isWellFormed()) throw invalid(path, 'must be valid Unicode (lone surrogate found)');
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, 'must be a finite number (JSON has no NaN or Infinity)');
      return;
    case 'object':
      break;
    default:
      throw invalid(path, `a ${typeof value} cannot be stored as JSON`);
  }
  if (value === null) return;
  if (depth >= METADATA_MAX_DEPTH) throw invalid(path, `nested deeper than ${METADATA_MAX_DEPTH} levels`, METADATA_MAX_DEPTH);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, i)) throw invalid(`${path}[${i}]`, 'must not be a hole in an array');
      assertJsonValue(value[i], `${path}[${i}]`, depth + 1);
    }
    return;
  }
  if (!isPlainObject(value)) throw invalid(path, 'must be a plain JSON object (not a Date, Map or class instance)');
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') throw invalid(path, 'must not have symbol keys');
    if (!key.isWellFormed()) throw invalid(path, 'keys must be valid Unicode (lone surrogate found)');
    assertJsonValue((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
  }
}

/**
 * Validates metadata: a plain JSON object whose JSON text is at most 64 KiB. Returns that JSON text.
 * Every own key is kept, `__proto__`, `constructor` and `prototype` included; anything JSON would drop
 * or alter silently is refused with `Invalid` instead, so what is read back is what was saved.
 */
export function validateMetadata(metadata: unknown): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw invalid('metadata', 'must be a JSON object');
  assertJsonValue(metadata, 'metadata', 0);
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
