/**
 * Turns the caller's key into what workers get. A docvault passphrase is stretched here, once, exactly as
 * `Vault.open` does (profile from the vault header, Argon2id), so N workers do not each spend ~0.2 s on it.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { DocvaultError } from '../../../shared/errors';
import { KDF_PROFILES, deriveKey, parseRawKey, profileOfSalt, type KeySpec } from '../keys';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Key material kept by the service for starting (and restarting) workers. Wipe `rawKey` on close. */
export type ServiceKey = { readonly rawKey: Buffer } | { readonly sqlcipherPassphrase: string } | { readonly encryption: false };

function readSalt(path: string): Buffer {
  if (!existsSync(path)) throw new DocvaultError('NotFound', `No vault at ${path}`, { path });
  const header = Buffer.alloc(16);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    readSync(fd, header, 0, 16, 0);
  } catch (err) {
    throw new DocvaultError('NotAVault', `Cannot read ${path}: ${(err as Error).message}`, { path });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return header;
}

/** Resolves `key` for the vault at `path` (which must exist when `key` is a passphrase). */
export async function resolveServiceKey(path: string, key: KeySpec): Promise<ServiceKey> {
  if ('rawKey' in key) return { rawKey: parseRawKey(key.rawKey) };
  if ('encryption' in key) {
    if (key.encryption !== false) throw new DocvaultError('Invalid', 'key: use { encryption: false } for a plain vault', { field: 'key' });
    return { encryption: false };
  }
  const header = readSalt(path);
  if (header.equals(SQLITE_HEADER)) throw new DocvaultError('WrongKey', 'This vault is not encrypted: open it without a passphrase (no-encryption)');
  const profile = profileOfSalt(header);
  // Not made by docvault with a passphrase: SQLCipher's own KDF, run by each worker as stock SQLCipher would.
  if (profile === undefined) {
    if (typeof key.passphrase !== 'string' || key.passphrase.length === 0) throw new DocvaultError('Invalid', 'passphrase: must not be empty', { field: 'passphrase' });
    return { sqlcipherPassphrase: key.passphrase };
  }
  const params = KDF_PROFILES[profile];
  if (params === undefined) throw new DocvaultError('NotAVault', 'Unknown key-derivation profile in vault header');
  return { rawKey: await deriveKey(key.passphrase, header, params) };
}
