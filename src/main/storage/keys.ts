/**
 * Key material: passphrase KDF (Argon2id), raw keys, and the HMAC key derived from the vault key.
 *
 * Where the KDF salt lives: a SQLCipher 4 file starts with its 16-byte database salt, in clear.
 * docvault chooses that salt when it creates a vault (SQLCipher takes it from a raw key given as
 * `x'<64 hex key><32 hex salt>'`): 14 random bytes, then a marker byte and a KDF profile id. Opening
 * with a passphrase reads those 16 bytes, derives the key with the profile they name, and keys the
 * database with the raw key. No sidecar file can be lost, no salt is fixed, and stock SQLCipher 4 opens
 * the vault with `PRAGMA key = "x'<64 hex>'"`.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { DocvaultError } from '../../shared/errors';
import { forgetHmacKey } from './hmac';

/** Argon2id parameters. */
export interface KdfParams {
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/**
 * Known KDF profiles by id (the id is stored in the vault header). Never change an entry: add one.
 * 1: the default, Argon2id 64 MiB, 3 passes, 1 lane (~0.2 s here), above OWASP's 2024 minimums.
 * 2: a light profile for tests and scripts that ask for it explicitly (8 MiB, 1 pass).
 */
export const KDF_PROFILES: Readonly<Record<number, KdfParams>> = {
  1: { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 },
  2: { memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 },
};

/** The profile new vaults use unless told otherwise. */
export const DEFAULT_KDF_PROFILE = 1;

/** Marks a salt whose last byte is a docvault KDF profile id. */
const SALT_MARKER = 0xd5;

/** How a vault is keyed. */
export type KeySpec =
  | { readonly passphrase: string; readonly kdfProfile?: number }
  | { readonly rawKey: Uint8Array | string }
  | { readonly encryption: false };

/** Length of the raw key in bytes. */
export const RAW_KEY_BYTES = 32;

/** Parses a raw key given as 32 bytes or 64 hex characters. */
export function parseRawKey(raw: Uint8Array | string): Buffer {
  if (typeof raw === 'string') {
    const hex = raw.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex))
      throw new DocvaultError('Invalid', 'key: a raw key is 64 hexadecimal characters (32 bytes)', { field: 'key' });
    return Buffer.from(hex, 'hex');
  }
  if (raw.length !== RAW_KEY_BYTES)
    throw new DocvaultError('Invalid', `key: a raw key is ${RAW_KEY_BYTES} bytes (got ${raw.length})`, { field: 'key' });
  return Buffer.from(raw);
}

/** A fresh random raw key. */
export function generateRawKey(): Buffer {
  return randomBytes(RAW_KEY_BYTES);
}

/** A new vault salt carrying the KDF profile id. */
export function newVaultSalt(kdfProfile: number): Buffer {
  if (KDF_PROFILES[kdfProfile] === undefined) throw new DocvaultError('Invalid', `kdfProfile: unknown profile ${kdfProfile}`);
  const salt = randomBytes(16);
  salt[14] = SALT_MARKER;
  salt[15] = kdfProfile;
  return salt;
}

/** The KDF profile named by a vault salt, or undefined when the salt carries none. */
export function profileOfSalt(salt: Uint8Array): number | undefined {
  if (salt.length !== 16 || salt[14] !== SALT_MARKER) return undefined;
  const id = salt[15];
  return id !== undefined && KDF_PROFILES[id] !== undefined ? id : undefined;
}

/** Derives the raw vault key from a passphrase with Argon2id (runs on libuv's thread pool). */
export async function deriveKey(passphrase: string, salt: Uint8Array, params: KdfParams): Promise<Buffer> {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    throw new DocvaultError('Invalid', 'passphrase: must not be empty', { field: 'passphrase' });
  // Loaded on first use: a storage worker keyed with a raw key never needs the native Argon2 module.
  const { hashRaw } = await import('@node-rs/argon2');
  return hashRaw(passphrase, {
    algorithm: 2, // Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax)
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: RAW_KEY_BYTES,
    salt: Buffer.from(salt),
  });
}

/** Derives the per-version HMAC key from the vault key (HKDF-SHA256, salted with the vault id). */
export function deriveMacKey(vaultKey: Uint8Array, vaultId: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', vaultKey, vaultId, 'docvault/v1/version-hmac', 32));
}

/**
 * Derives the audit log's HMAC key from the tag key (HKDF-SHA256, its own label): derived from the vault
 * key like the tag key, so a re-key re-derives it, and separate from it, so no audit tag is a valid row tag.
 */
export function deriveAuditKey(macKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', macKey, Buffer.alloc(0), 'docvault/v1/audit-hmac', 32));
}

/** Overwrites key material in place (best effort: JS strings cannot be wiped), and any HMAC pads kept for it. */
export function wipe(buf: Uint8Array | undefined): void {
  if (buf === undefined) return;
  buf.fill(0);
  forgetHmacKey(buf);
}

/** The first 16 bytes of a plain (unencrypted) SQLite file. */
export const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads the first 16 bytes of a vault file (the SQLCipher salt, or the plain SQLite header) after the
 * checks every open makes: `NotFound` when there is no file, `NotAVault` when it is empty, unreadable or
 * not a whole number of pages (truncated).
 */
export function readVaultHeader(path: string): Buffer {
  if (!existsSync(path)) throw new DocvaultError('NotFound', `No vault at ${path}`, { path });
  const header = Buffer.alloc(16);
  let size: number;
  let fd: number | undefined;
  try {
    size = statSync(path).size;
    fd = openSync(path, 'r');
    readSync(fd, header, 0, 16, 0);
  } catch (err) {
    throw new DocvaultError('NotAVault', `Cannot read ${path}: ${(err as Error).message}`, { path });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size === 0) throw new DocvaultError('NotAVault', `${path} is empty: not a vault`, { path });
  if (size < 512 || size % 512 !== 0)
    throw new DocvaultError('NotAVault', `${path} is not a vault, or is truncated (${size} bytes is not a whole number of pages)`, { path });
  return header;
}

/** What a {@link KeySpec} resolves to for an existing vault: what SQLCipher is keyed with. */
export type ResolvedKey =
  | { readonly rawKey: Buffer }
  /** A vault made by stock SQLCipher with a passphrase: SQLCipher's own KDF (PBKDF2) applies. */
  | { readonly sqlcipherPassphrase: string }
  | { readonly encryption: false };

/**
 * Resolves `key` for the existing vault at `path`: checks the file, refuses a key for a plain vault and
 * no key for an encrypted one (`WrongKey`), and stretches a passphrase with the KDF profile named in the
 * vault header. The one place that turns a passphrase into a key: `Vault.open`, the storage service and
 * the app's "remember on this device" all use it. Wipe a returned `rawKey` when done.
 */
export async function resolveKey(path: string, key: KeySpec): Promise<ResolvedKey> {
  const header = readVaultHeader(path);
  const plain = header.equals(SQLITE_HEADER);
  if ('encryption' in key) {
    if (key.encryption !== false) throw new DocvaultError('Invalid', 'key: use { encryption: false } for a plain vault', { field: 'key' });
    if (!plain) throw new DocvaultError('WrongKey', 'This vault is encrypted: a passphrase or key is needed');
    return { encryption: false };
  }
  if (plain) throw new DocvaultError('WrongKey', 'This vault is not encrypted: open it without a passphrase or key');
  if ('rawKey' in key) return { rawKey: parseRawKey(key.rawKey) };
  if (typeof key.passphrase !== 'string' || key.passphrase.length === 0)
    throw new DocvaultError('Invalid', 'passphrase: must not be empty', { field: 'passphrase' });
  const profile = profileOfSalt(header);
  if (profile === undefined) return { sqlcipherPassphrase: key.passphrase };
  const params = KDF_PROFILES[profile];
  if (params === undefined) throw new DocvaultError('NotAVault', 'Unknown key-derivation profile in vault header');
  return { rawKey: await deriveKey(key.passphrase, header, params) };
}
