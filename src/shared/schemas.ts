/**
 * zod schemas of every channel's input. Both transports (IPC and HTTP) parse with these before
 * anything reaches the storage layer. The field rules are the engine's own validators from
 * ./validation.ts, so every door applies the same limits and reports the same error kinds.
 */
import { AUDIT_MAX_ENTRIES } from './audit';
import { z } from 'zod';
import type { Channel, ChannelInputs } from './contract';
import { DocvaultError, isDocvaultError, type ErrorKind } from './errors';
import { BENCH_SIZES } from './bench';
import { SETTING_LIMITS } from './live';
import { LIMITS, MEMORY_MODES } from './types';
import { SEARCH_MAX_QUERY_CHARS } from './search';
import { ATTACHMENT_LIMITS, validateAttachmentName, validateMediaType } from './attachments';
import {
  validateId,
  validateMetadata,
  validateTags,
  validateTitle,
  validateType,
  validateVersion,
  utf8Length,
} from './validation';

/** Longest passphrase accepted (characters). The KDF does not care; this only bounds the work. */
export const PASSPHRASE_MAX_CHARS = 1024;

/** Longest remote URL accepted (characters). */
export const REMOTE_URL_MAX_CHARS = 2048;

/** Longest `ca` of `remote.set` (PEM text of a few certificates, or a path). */
export const CA_MAX_CHARS = 64 * 1024;

/** A new vault's file name: a plain name ending in `.dvault`, no folder, not hidden. */
export const VAULT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,94}\.dvault$/;

/** Runs one of the shared validators inside zod, keeping its message and error kind. */
function check<T>(validator: (value: T) => unknown) {
  return (value: T, ctx: z.RefinementCtx): void => {
    try {
      validator(value);
    } catch (err) {
      if (!isDocvaultError(err)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message, params: { kind: err.kind } });
    }
  };
}

const id = z.string().superRefine(check((v: string) => validateId(v)));
const version = z.number().superRefine(check((v: number) => validateVersion(v)));
const expectedVersion = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const comment = z.string().max(LIMITS.commentMaxChars);
const title = z.string().superRefine(check(validateTitle));
const type = z.string().superRefine(check(validateType));
const tags = z.array(z.string()).max(LIMITS.tagsMax).superRefine(check(validateTags));
/**
 * Metadata is checked by the engine's own validator and passed on as the very object received. zod's
 * `record` would copy it key by key, and assigning `__proto__` on the copy drops that key silently.
 */
const metadata = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'metadata: must be a JSON object' })
  .superRefine(check(validateMetadata));
/** Content: any well-formed string. The vault's own byte limit is applied by the engine (kind `TooLarge`). */
const content = z.string().superRefine((v, ctx) => {
  if (!v.isWellFormed()) ctx.addIssue({ code: 'custom', message: 'content: must be valid Unicode (lone surrogate found)' });
  // A hard ceiling far above any vault's limit, so a transport never hands the engine something absurd.
  else if (v.length > 4 * LIMITS.defaultMaxContentBytes && utf8Length(v) > 4 * LIMITS.defaultMaxContentBytes)
    ctx.addIssue({ code: 'custom', message: 'content: too large', params: { kind: 'TooLarge' } });
});
const passphrase = z.string().min(1, 'passphrase: must not be empty').max(PASSPHRASE_MAX_CHARS);
const empty = z.strictObject({});
const remoteUrl = z.string().min(1).max(REMOTE_URL_MAX_CHARS).regex(/^postgres(ql)?:\/\//, 'the URL must start with postgresql://');
const dbPassword = z.string().min(1).max(PASSPHRASE_MAX_CHARS);
/** A time in ms since the epoch. */
const time = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A file name inside the backups folder: no path separators, no dot files, nothing that climbs out of it. */
const backupName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name: a backup file name (letters, digits, . _ -), not a path');

/** A path the window names: a grant from the system dialog, or (web twin only) a typed absolute path. */
const pathRef = z.union([
  z.strictObject({ grant: z.string().regex(/^[0-9a-f]{32}$/, 'grant: not a path grant') }),
  // Checked again by the app (absolute, exists, no symbolic link); here only its size and no NUL byte.
  z.strictObject({ path: z.string().min(1, 'path: type a path').max(4096).refine((p) => !p.includes('\0'), 'path: must not contain a NUL character') }),
]);
/** Most documents an export of a selection names one by one. */
export const EXPORT_MAX_IDS = 10_000;
const attachmentName = z.string().superRefine(check(validateAttachmentName));
const uploadId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'uploadId: the id `attachments.begin` returned');
const byteOffset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** One upload piece, base64 (standard alphabet, padded): at most `chunkBytes` once decoded. */
const base64Piece = z
  .string()
  .max(Math.ceil(ATTACHMENT_LIMITS.chunkBytes / 3) * 4)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'data: base64 (A-Z a-z 0-9 + /, padded with =)');

const documentInput = z.strictObject({ id, content, title: title.optional(), type: type.optional(), tags: tags.optional(), metadata: metadata.optional() });
const documentPatch = z.strictObject({ content: content.optional(), title: title.optional(), type: type.optional(), tags: tags.optional(), metadata: metadata.optional() });
const filters = {
  type: type.optional(),
  tag: z.string().superRefine(check((t: string) => validateTags([t]))).optional(),
  author: z.string().min(1).max(LIMITS.titleMaxChars).optional(),
};

/** The input schema of every channel; `satisfies` keeps each in step with {@link ChannelInputs}. */
export const INPUT_SCHEMAS = {
  'vault.status': empty,
  'vault.create': z.strictObject({ passphrase, remember: z.boolean().optional() }),
  'vault.unlock': z.union([
    z.strictObject({ passphrase, remember: z.boolean().optional() }),
    z.strictObject({ rawKey: z.string().regex(/^[0-9a-fA-F]{64}$/, 'rawKey: a raw key is 64 hex characters'), remember: z.boolean().optional() }),
    z.strictObject({ encryption: z.literal(false) }),
  ]),
  'vault.lock': empty,
  'vault.forget': empty,
  'vault.stats': empty,
  'vault.verify': empty,
  'doc.get': z.strictObject({ id }),
  'doc.create': z.strictObject({ document: documentInput, comment: comment.optional() }),
  'doc.update': z.strictObject({ id, patch: documentPatch, expectedVersion, comment: comment.optional() }),
  'doc.put': z.strictObject({ document: documentInput, expectedVersion: expectedVersion.optional(), comment: comment.optional() }),
  'doc.delete': z.strictObject({ id, expectedVersion: expectedVersion.optional() }),
  'doc.trash': z.strictObject({ limit: z.number().int().min(1).max(LIMITS.listMaxLimit).optional(), cursor: z.string().max(2048).optional() }),
  'doc.undelete': z.strictObject({ id }),
  'doc.purge': z.strictObject({ id }),
  'doc.emptyTrash': empty,
  'doc.list': z.strictObject({
    ...filters,
    sort: z.enum(['updated', 'created', 'title']).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(LIMITS.listMaxLimit).optional(),
    cursor: z.string().max(2048).optional(),
  }),
  'doc.count': z.strictObject(filters),
  'doc.search': z.strictObject({
    query: z.string().max(SEARCH_MAX_QUERY_CHARS),
    type: filters.type,
    tags: z.array(z.string()).max(LIMITS.tagsMax).superRefine(check(validateTags)).optional(),
    tagMode: z.enum(['any', 'all']).optional(),
    author: filters.author,
    createdFrom: time.optional(),
    createdTo: time.optional(),
    updatedFrom: time.optional(),
    updatedTo: time.optional(),
    limit: z.number().int().min(1).max(LIMITS.listMaxLimit).optional(),
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    rankAll: z.boolean().optional(),
  }),
  'doc.versions': z.strictObject({ id }),
  'doc.getVersion': z.strictObject({ id, version }),
  'doc.restore': z.strictObject({ id, version, expectedVersion: expectedVersion.optional(), comment: comment.optional() }),
  'doc.bulkPut': z.strictObject({ documents: z.array(documentInput).max(LIMITS.bulkMaxItems), comment: comment.optional() }),
  'vault.facts': empty,
  'stats.subscribe': empty,
  'stats.unsubscribe': z.strictObject({ id: z.string().min(1).max(64) }),
  'settings.get': empty,
  'settings.set': z.strictObject({
    memoryMode: z.enum(MEMORY_MODES).optional(),
    cacheMiB: z.number().int().min(SETTING_LIMITS.cacheMiB.min).max(SETTING_LIMITS.cacheMiB.max).nullable().optional(),
    readers: z.number().int().min(SETTING_LIMITS.readers.min).max(SETTING_LIMITS.readers.max).nullable().optional(),
    // Fractions of a minute are accepted (tests use a few seconds); the window offers whole minutes.
    autoLockMinutes: z.number().min(SETTING_LIMITS.autoLockMinutes.min).max(SETTING_LIMITS.autoLockMinutes.max).optional(),
    showTicker: z.boolean().optional(),
    syncSeconds: z.number().int().min(SETTING_LIMITS.syncSeconds.min).max(SETTING_LIMITS.syncSeconds.max).optional(),
  }),
  'app.activity': empty,
  'bench.catalog': empty,
  'bench.start': z.strictObject({
    trials: z.array(z.string().min(1).max(64)).min(1).max(64),
    drivers: z.array(z.string().min(1).max(64)).min(1).max(16),
    size: z.enum(BENCH_SIZES),
  }),
  'bench.cancel': empty,
  'bench.runs': empty,
  'bench.export': z.strictObject({ id: z.string().min(1).max(64), format: z.enum(['json', 'markdown']) }),
  'vault.changePassphrase': z.strictObject({ passphrase, newPassphrase: passphrase }),
  'backup.create': empty,
  'backup.list': empty,
  'backup.restore': z.strictObject({ name: backupName, passphrase }),
  'audit.list': z.strictObject({ limit: z.number().int().min(1).max(AUDIT_MAX_ENTRIES).optional() }),
  'transfer.info': empty,
  'transfer.pick': z.strictObject({ purpose: z.enum(['importFolder', 'importFile', 'exportFolder']) }),
  'transfer.import': z.strictObject({ source: pathRef }),
  'transfer.export': z.strictObject({
    target: pathRef,
    format: z.enum(['md', 'json']),
    versions: z.boolean(),
    selection: z.strictObject({ ids: z.array(id).min(1).max(EXPORT_MAX_IDS).optional(), ...filters }).optional(),
  }),
  'transfer.cancel': z.strictObject({ jobId: z.string().min(1).max(64) }),
  'attachments.list': z.strictObject({ id, version: version.optional() }),
  'attachments.begin': z.strictObject({
    id,
    name: attachmentName,
    mediaType: z.string().superRefine(check(validateMediaType)).optional(),
    size: byteOffset.optional(),
    expectedVersion: expectedVersion.optional(),
  }),
  'attachments.chunk': z.strictObject({ uploadId, offset: byteOffset, data: base64Piece }),
  'attachments.commit': z.strictObject({ id, uploadId, expectedVersion: expectedVersion.optional(), comment: comment.optional() }),
  'attachments.abort': z.strictObject({ uploadId }),
  'attachments.read': z.strictObject({
    id,
    name: attachmentName,
    version: version.optional(),
    offset: byteOffset.optional(),
    length: z.number().int().min(1).max(ATTACHMENT_LIMITS.readMaxBytes).optional(),
  }),
  'attachments.detach': z.strictObject({ id, name: attachmentName, expectedVersion: expectedVersion.optional(), comment: comment.optional() }),
  'sync.status': empty,
  'sync.now': empty,
  'sync.conflicts': empty,
  'remote.set': z.strictObject({ url: remoteUrl, ca: z.string().min(1).max(CA_MAX_CHARS).optional(), password: dbPassword.optional() }),
  'remote.clear': empty,
  'clone.start': z
    .strictObject({
      url: remoteUrl,
      ca: z.string().min(1).max(CA_MAX_CHARS).optional(),
      password: dbPassword.optional(),
      name: z.string().regex(VAULT_FILE_NAME, 'a file name ending in .dvault (letters, digits, space, . _ -), no folder'),
      passphrase: z.string().min(1).max(PASSPHRASE_MAX_CHARS).optional(),
      rawKey: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hexadecimal characters').optional(),
      remoteVault: z.string().regex(/^[0-9a-f]{32}$/, '32 hexadecimal characters').optional(),
    })
    .refine((v) => (v.passphrase === undefined) !== (v.rawKey === undefined), { message: 'give exactly one of passphrase or rawKey', path: ['passphrase'] }),
  'clone.cancel': empty,
} as const satisfies { [C in Channel]: z.ZodType<ChannelInputs[C]> };

/**
 * Parses the input of `channel`. Throws a {@link DocvaultError}: `Invalid` (or the validator's own kind,
 * e.g. `TooLarge`) naming the first bad field.
 */
export function parseInput<C extends Channel>(channel: C, raw: unknown): ChannelInputs[C] {
  const schema = INPUT_SCHEMAS[channel] as unknown as z.ZodType<ChannelInputs[C]>;
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const params = issue !== undefined && 'params' in issue ? (issue.params as { kind?: ErrorKind } | undefined) : undefined;
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
  // Validator messages already start with their field name; zod's own do not.
  const message = issue === undefined ? 'invalid input' : params?.kind !== undefined || issue.code === 'custom' ? issue.message : where + issue.message;
  return failInput(channel, params?.kind ?? 'Invalid', message);
}

function failInput(channel: string, kind: ErrorKind, message: string): never {
  throw new DocvaultError(kind, `${channel}: ${message}`, { channel });
}
