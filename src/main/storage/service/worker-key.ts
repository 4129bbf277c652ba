/**
 * Turns the caller's key into what workers get. A docvault passphrase is stretched here, once, by the
 * engine's `resolveKey` (the same code `Vault.open` runs), so N workers do not each spend the KDF's time.
 */
import { DocvaultError } from '../../../shared/errors';
import { parseRawKey, resolveKey, type KeySpec, type ResolvedKey } from '../keys';
import { Vault } from '../vault';
import type { ServiceOptions } from './types';

/** Key material kept by the service for starting (and restarting) workers. Wipe `rawKey` on close. */
export type ServiceKey = ResolvedKey;

/**
 * Resolves `key` for the vault at `path`. A passphrase needs the vault to exist (its header names the
 * KDF); a raw key or no encryption is taken as given, so the writer can create the vault with it.
 */
export function resolveServiceKey(path: string, key: KeySpec): Promise<ServiceKey> {
  if ('rawKey' in key) return Promise.resolve({ rawKey: parseRawKey(key.rawKey) });
  if ('encryption' in key) {
    if (key.encryption !== false) throw new DocvaultError('Invalid', 'key: use { encryption: false } for a plain vault', { field: 'key' });
    return Promise.resolve({ encryption: false });
  }
  return resolveKey(path, key);
}

/**
 * `StorageService.create` with a passphrase: the engine creates the vault in this thread (Argon2id on
 * libuv's pool, its KDF profile written into the header) and closes it; the service then opens it like any
 * vault. Returns false, making nothing, for any other key: the writer thread creates those vaults.
 */
export async function createWithPassphrase(path: string, opts: ServiceOptions): Promise<boolean> {
  if (!('passphrase' in opts.key)) return false;
  const vault = await Vault.create(path, {
    key: opts.key,
    memoryMode: opts.memoryMode,
    tuning: opts.tuning,
    maxContentBytes: opts.maxContentBytes,
    durability: opts.durability,
    ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
  });
  vault.close();
  return true;
}
