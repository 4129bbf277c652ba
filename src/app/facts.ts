/**
 * The facts of a vault for the window: how it is encrypted and keyed (from its header, which is in clear),
 * its schema, sizes, counts and creation time (from the engine's stats).
 */
import { KDF_PROFILES, SQLITE_HEADER, profileOfSalt, readVaultHeader } from '../main/storage/keys';
import type { VaultFacts } from '../shared/live';
import type { VaultStats } from '../shared/types';

/**
 * How the key of the vault at `path` is made, read from its header: a docvault passphrase vault names its
 * Argon2id profile there; any other encrypted vault is opened with a raw key (a key file) or stock
 * SQLCipher's own passphrase KDF (PBKDF2-HMAC-SHA512).
 */
export function kdfOf(path: string): string {
  let header: Buffer;
  try {
    header = readVaultHeader(path);
  } catch {
    return 'unknown (the file cannot be read)';
  }
  if (header.equals(SQLITE_HEADER)) return 'none (not encrypted)';
  const id = profileOfSalt(header);
  const p = id === undefined ? undefined : KDF_PROFILES[id];
  if (p === undefined) return 'raw 256-bit key (key file), or SQLCipher PBKDF2-HMAC-SHA512 for a stock SQLCipher passphrase';
  return `Argon2id, ${p.memoryKiB / 1024} MiB, ${p.iterations} pass${p.iterations === 1 ? '' : 'es'}, ${p.parallelism} lane${p.parallelism === 1 ? '' : 's'} (profile ${id})`;
}

/** True / false for an encrypted / plain vault file; null when there is no readable vault at `path`. */
export function isEncryptedFile(path: string): boolean | null {
  try {
    return !readVaultHeader(path).equals(SQLITE_HEADER);
  } catch {
    return null;
  }
}

/** The facts of the open vault from its stats. */
export function vaultFacts(stats: VaultStats & { readonly createdAt?: number | null }): VaultFacts {
  return {
    path: stats.path,
    encrypted: stats.encrypted,
    cipher: stats.cipher,
    kdf: kdfOf(stats.path),
    schemaVersion: stats.schemaVersion,
    memoryMode: stats.memoryMode,
    fileBytes: stats.fileBytes,
    walBytes: stats.walBytes,
    documents: stats.documents,
    versions: stats.versions,
    attachments: stats.attachments,
    createdAt: stats.createdAt ?? null,
  };
}
