/**
 * Sealing for team vaults: what a device pushes to the server is a sealed row the server cannot read.
 *
 * Keys (all HKDF-SHA256 from the vault's raw key, salted with the remote vault's 16-byte id, each with its
 * own label so no two uses share a key): `seal` (AES-256-GCM), `docHash` (HMAC-SHA256 of a document id: the
 * row key the server sees, stable per document, meaningless without the key), `pushId` (HMAC of the row's
 * origin: a retry of the same push has the same push id, which the server's unique constraint turns into a
 * no-op), `check` (seals the vault's check value, so a wrong key is refused before anything is written).
 *
 * A sealed blob is `0x01 | nonce (12, random) | ciphertext | GCM tag (16)`. The additional data binds the
 * remote vault id, the document hash and the push id, so a row cannot be moved to another vault, another
 * document or another position by the server without failing its tag on pull.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { DocvaultError } from '../../../shared/errors';

/** Length of a remote vault id (a UUID's 16 bytes). */
export const REMOTE_VAULT_ID_BYTES = 16;
const FORMAT = 1;
const NONCE = 12;
const TAG = 16;
const AAD_LABEL = Buffer.from('docvault/v1/sync-row', 'utf8');
const CHECK_VALUE = Buffer.from('docvault team vault check v1', 'utf8');

/** The keys one device uses for one remote vault. Wipe them with {@link wipeSyncKeys}. */
export interface SyncKeys {
  readonly vaultId: Buffer;
  readonly seal: Buffer;
  readonly docHash: Buffer;
  readonly pushId: Buffer;
  readonly check: Buffer;
  /** Keys a file's id and its pieces' ids (HMAC): stable across devices, meaningless to the server. */
  readonly fileId: Buffer;
  /** Seals a file's pieces (AES-256-GCM), apart from the rows' key. */
  readonly fileSeal: Buffer;
}

/** Derives the sync keys from a vault's raw key for the remote vault `vaultId`. */
export function deriveSyncKeys(rawKey: Uint8Array, vaultId: Uint8Array): SyncKeys {
  if (vaultId.length !== REMOTE_VAULT_ID_BYTES) throw new DocvaultError('Invalid', 'remote vault id: 16 bytes expected');
  const k = (label: string): Buffer => Buffer.from(hkdfSync('sha256', rawKey, vaultId, `docvault/v1/sync/${label}`, 32));
  return { vaultId: Buffer.from(vaultId), seal: k('seal-aes-256-gcm'), docHash: k('doc-hash'), pushId: k('push-id'), check: k('check'), fileId: k('file-id'), fileSeal: k('file-seal-aes-256-gcm') };
}

/** Overwrites the keys in place. */
export function wipeSyncKeys(keys: SyncKeys | undefined): void {
  if (keys === undefined) return;
  for (const b of [keys.seal, keys.docHash, keys.pushId, keys.check, keys.fileId, keys.fileSeal]) b.fill(0);
}

/** The keyed hash of a document id the server stores instead of the id (32 bytes). */
export function docHash(keys: SyncKeys, id: string): Buffer {
  return createHmac('sha256', keys.docHash).update(id, 'utf8').digest();
}

/** The push id of a row (16 bytes): the same origin gives the same id, so a retried push adds nothing. */
export function pushId(keys: SyncKeys, origin: string): Buffer {
  return createHmac('sha256', keys.pushId).update(origin, 'utf8').digest().subarray(0, 16);
}

function aad(vaultId: Buffer, hash: Buffer, push: Buffer): Buffer {
  return Buffer.concat([AAD_LABEL, vaultId, hash, push]);
}

function sealWith(key: Buffer, plain: Buffer, ad: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(ad);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), nonce, body, c.getAuthTag()]);
}

function openWith(key: Buffer, blob: Buffer, ad: Buffer, what: string): Buffer {
  if (blob.length < 1 + NONCE + TAG || blob[0] !== FORMAT) throw new DocvaultError('Integrity', `${what}: not a sealed docvault row`);
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 1 + NONCE));
  d.setAAD(ad);
  d.setAuthTag(blob.subarray(blob.length - TAG));
  try {
    return Buffer.concat([d.update(blob.subarray(1 + NONCE, blob.length - TAG)), d.final()]);
  } catch {
    throw new DocvaultError('Integrity', `${what}: the sealed row fails its tag (altered on the server, or sealed with another key)`);
  }
}

/** A version or tombstone's identity across devices: the device that wrote it and its number there. */
export type GlobalId = readonly [device: string, version: number];

/** One document version, as sealed for the server. */
export interface SealedVersion {
  readonly k: 'v';
  /** The device that wrote it, and its version number there. */
  readonly dev: string;
  readonly ver: number;
  readonly id: string;
  /** The version it was written on top of (null for a first version). */
  readonly parent: GlobalId | null;
  /** Versions this one settles (a conflict the writer saw and wrote over). */
  readonly merged: readonly GlobalId[];
  readonly title: string;
  readonly type: string;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly content: string;
  readonly comment: string | null;
  /** When it was written on its device (ms since the epoch). */
  readonly at: number;
  /** SHA-256 of the content (hex), checked on pull. */
  readonly sum: string;
  /** The version's integrity tag on its device (hex): provenance, kept inside the seal. */
  readonly mac: string;
  /**
   * Its attachment list, exactly (empty for none). Absent in rows sealed by a docvault without attachment
   * sync: the receiver then keeps the list its own head has.
   */
  readonly att?: readonly SealedAttachment[];
}

/** One attachment of a sealed version: its file is named by its size and SHA-256 (stable across devices). */
export interface SealedAttachment {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  /** SHA-256 of the file's bytes, hex: inside the seal only; the server sees {@link fileId}s. */
  readonly sha: string;
}

/** A Trash move, a return from the Trash, or a purge, as sealed for the server. */
export interface SealedTombstone {
  readonly k: 'trash' | 'undelete' | 'purge';
  readonly dev: string;
  /** The device's outbox number: unique per device, so the push id is too. */
  readonly n: number;
  readonly id: string;
  /** The head the device saw when it did this. */
  readonly head: GlobalId | null;
  readonly at: number;
}

/** What a sealed row holds. */
export type SealedPayload = SealedVersion | SealedTombstone;

/** The origin string a row's push id is made from. */
export function originOf(p: SealedPayload): string {
  return p.k === 'v' ? `v:${p.dev}:${p.id}:${p.ver}:${p.sum}` : `t:${p.dev}:${p.n}`;
}

/** A row ready to push. */
export interface SealedRow {
  readonly docHash: Buffer;
  readonly pushId: Buffer;
  readonly sealed: Buffer;
}

/** Seals a payload into a row. */
export function sealRow(keys: SyncKeys, p: SealedPayload): SealedRow {
  const hash = docHash(keys, p.id);
  const push = pushId(keys, originOf(p));
  return { docHash: hash, pushId: push, sealed: sealWith(keys.seal, Buffer.from(JSON.stringify(p), 'utf8'), aad(keys.vaultId, hash, push)) };
}

function isGlobalId(v: unknown): v is GlobalId {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isSafeInteger(v[1]);
}

function isSealedAttachment(a: unknown): a is SealedAttachment {
  if (typeof a !== 'object' || a === null) return false;
  const x = a as Record<string, unknown>;
  return typeof x['name'] === 'string' && typeof x['type'] === 'string' && Number.isSafeInteger(x['size']) && (x['size'] as number) >= 0 && typeof x['sha'] === 'string' && /^[0-9a-f]{64}$/.test(x['sha']);
}

/** Opens a pulled row: `Integrity` when its tag, its shape, its document hash or its checksum is wrong. */
export function openRow(keys: SyncKeys, row: SealedRow, seq: number): SealedPayload {
  const what = `Remote row ${seq}`;
  const plain = openWith(keys.seal, row.sealed, aad(keys.vaultId, row.docHash, row.pushId), what);
  let p: SealedPayload;
  try {
    p = JSON.parse(plain.toString('utf8')) as SealedPayload;
  } catch {
    throw new DocvaultError('Integrity', `${what}: the sealed row does not parse`);
  }
  const ok =
    typeof p === 'object' && p !== null && typeof p.id === 'string' && typeof p.dev === 'string' &&
    (p.k === 'v'
      ? Number.isSafeInteger(p.ver) && (p.parent === null || isGlobalId(p.parent)) && Array.isArray(p.merged) && p.merged.every(isGlobalId) &&
        typeof p.content === 'string' && typeof p.title === 'string' && typeof p.type === 'string' && Array.isArray(p.tags) && typeof p.metadata === 'object' && typeof p.sum === 'string' &&
        (p.att === undefined || (Array.isArray(p.att) && p.att.every(isSealedAttachment)))
      : (p.k === 'trash' || p.k === 'undelete' || p.k === 'purge') && (p.head === null || isGlobalId(p.head)));
  if (!ok) throw new DocvaultError('Integrity', `${what}: the sealed row has an unknown shape`);
  if (!docHash(keys, p.id).equals(row.docHash)) throw new DocvaultError('Integrity', `${what}: its document hash does not match the document inside`);
  if (!pushId(keys, originOf(p)).equals(row.pushId)) throw new DocvaultError('Integrity', `${what}: its push id does not match its origin`);
  if (p.k === 'v' && createHash('sha256').update(p.content, 'utf8').digest('hex') !== p.sum)
    throw new DocvaultError('Integrity', `${what}: its content does not match its checksum`);
  return p;
}

/** The vault's check value, sealed: stored with the remote vault so a wrong key is known at once. */
export function sealCheck(keys: SyncKeys): Buffer {
  return sealWith(keys.check, CHECK_VALUE, Buffer.concat([AAD_LABEL, keys.vaultId]));
}

/** Throws `WrongKey` unless `blob` is this vault's check value sealed with these keys. */
export function verifyCheck(keys: SyncKeys, blob: Buffer): void {
  let plain: Buffer;
  try {
    plain = openWith(keys.check, blob, Buffer.concat([AAD_LABEL, keys.vaultId]), 'check');
  } catch {
    throw new DocvaultError('WrongKey', 'This key does not open the remote vault');
  }
  if (!plain.equals(CHECK_VALUE)) throw new DocvaultError('WrongKey', 'This key does not open the remote vault');
}

// ------------------------------------------------------------------ files

/**
 * Size of a file's pieces on the server: the vault's own chunk size (a device reads its stored chunks and
 * sends each as one piece). A protocol constant: a receiver cuts a file at these offsets.
 */
export const SYNC_PIECE_BYTES = 256 * 1024;
const PIECE_AAD = Buffer.from('docvault/v1/sync-piece', 'utf8');

/** Pieces of a file of `size` bytes: one for an empty file (an empty piece marks it as there). */
export function pieceCount(size: number): number {
  return Math.max(1, Math.ceil(size / SYNC_PIECE_BYTES));
}

/**
 * The server's name for a file (32 bytes): HMAC of its size and SHA-256 under the file-id key. Equal files
 * get equal ids on every device of the vault, so a file is pushed once; without the key the server cannot
 * tell which file it is, nor confirm a guess (it never sees the plain hash).
 */
export function fileId(keys: SyncKeys, size: number, sha: string): Buffer {
  return createHmac('sha256', keys.fileId).update(`docvault/v1/sync-file\0${size}\0${sha}`, 'utf8').digest();
}

/** The id of piece `index` of file `file` (32 bytes): the server's key for it. */
export function pieceId(keys: SyncKeys, file: Buffer, index: number): Buffer {
  const i = Buffer.alloc(4);
  i.writeUInt32BE(index);
  return createHmac('sha256', keys.fileId).update('docvault/v1/sync-piece\0').update(file).update(i).digest();
}

function pieceAad(keys: SyncKeys, id: Buffer): Buffer {
  return Buffer.concat([PIECE_AAD, keys.vaultId, id]);
}

/** Seals one piece of a file; the AAD binds the vault and the piece id (so its file and position). */
export function sealPiece(keys: SyncKeys, id: Buffer, data: Uint8Array): Buffer {
  return sealWith(keys.fileSeal, Buffer.from(data.buffer, data.byteOffset, data.length), pieceAad(keys, id));
}

/**
 * Opens piece `index` of a file of `size` bytes: `Integrity` when its tag fails (altered, moved to another
 * file or position, another key) or its length is not the one that position has. The file's SHA-256 is
 * checked by the receiver over all pieces.
 */
export function openPiece(keys: SyncKeys, id: Buffer, sealed: Buffer, size: number, index: number): Buffer {
  const data = openWith(keys.fileSeal, sealed, pieceAad(keys, id), `File piece ${index}`);
  const want = index < pieceCount(size) - 1 ? SYNC_PIECE_BYTES : size - SYNC_PIECE_BYTES * (pieceCount(size) - 1);
  if (data.length !== want) throw new DocvaultError('Integrity', `File piece ${index}: ${data.length} bytes where ${want} belong`);
  return data;
}
