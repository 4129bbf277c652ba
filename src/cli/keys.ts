/**
 * Where the CLI gets the vault key: `--key-file` (raw key, 64 hex), `--passphrase-file` (first
 * line), or `$DOCVAULT_PASSPHRASE`; none means a plain vault. Secrets never reach output: every
 * secret read is also returned so the error printer can redact it, as a second line of defence.
 */
import { writeFileSync } from 'node:fs';
import { DocvaultError } from '../shared/errors';
import { generateRawKey, parseRawKey, type KeySpec } from '../main/storage';
import { stringOpt, usageError, type ParsedValues } from './args';
import { decodeUtf8, fsError, looseModeBits, readFileLimited, type CliIo } from './io';

/** Environment variable holding the passphrase. */
export const PASSPHRASE_ENV = 'DOCVAULT_PASSPHRASE';

/** Where a key came from. */
export type KeySource = 'key-file' | 'passphrase-file' | 'passphrase-env' | 'none';

/** A resolved key. */
export interface ResolvedKey {
  readonly spec: KeySpec;
  readonly source: KeySource;
  /** The secrets in play (passphrase, key hex), for redaction. */
  readonly secrets: readonly string[];
}

const MAX_KEY_FILE_BYTES = 4096;
const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

function warnLoose(io: CliIo, path: string, what: string): void {
  const bits = looseModeBits(path);
  if (bits !== 0)
    io.stderr.write(`warning: ${what} ${path} is readable by group or others (mode ...${bits.toString(8).padStart(2, '0')}); run: chmod 600 ${path}\n`);
}

/** Reads a raw key file: 64 hex characters, surrounding white space ignored. */
export function readKeyFile(io: CliIo, path: string): ResolvedKey {
  const text = decodeUtf8(readFileLimited(path, MAX_KEY_FILE_BYTES, `key file ${path}`), `key file ${path}`);
  warnLoose(io, path, 'key file');
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new DocvaultError('Invalid', `key file ${path}: must hold a raw key of 64 hexadecimal characters (32 bytes)`, { field: 'key-file' });
  return { spec: { rawKey: hex }, source: 'key-file', secrets: [hex.toLowerCase(), hex.toUpperCase(), hex] };
}

/** Reads a passphrase file: its first line, without the line ending. */
export function readPassphraseFile(io: CliIo, path: string, kdfProfile?: number): ResolvedKey {
  const text = decodeUtf8(readFileLimited(path, MAX_PASSPHRASE_FILE_BYTES, `passphrase file ${path}`), `passphrase file ${path}`);
  warnLoose(io, path, 'passphrase file');
  const passphrase = (text.split('\n')[0] ?? '').replace(/\r$/, '');
  if (passphrase.length === 0) throw new DocvaultError('Invalid', `passphrase file ${path}: the first line is empty`, { field: 'passphrase-file' });
  return passphraseKey(passphrase, 'passphrase-file', kdfProfile);
}

function passphraseKey(passphrase: string, source: KeySource, kdfProfile: number | undefined): ResolvedKey {
  return { spec: kdfProfile === undefined ? { passphrase } : { passphrase, kdfProfile }, source, secrets: [passphrase] };
}

/**
 * The key for a command from its options and environment. Flags win over the environment; two flags
 * at once are a usage error. With no key at all, the vault is opened (or, for init, created) plain.
 */
export function resolveKey(io: CliIo, values: ParsedValues, command: string, kdfProfile?: number): ResolvedKey {
  const keyFile = stringOpt(values, 'key-file');
  const passFile = stringOpt(values, 'passphrase-file');
  if (keyFile !== undefined && passFile !== undefined) throw usageError('give --key-file or --passphrase-file, not both', command);
  if (keyFile !== undefined) {
    if (kdfProfile !== undefined) throw usageError('--kdf-profile applies to a passphrase, not to --key-file', command);
    return readKeyFile(io, keyFile);
  }
  if (passFile !== undefined) return readPassphraseFile(io, passFile, kdfProfile);
  const env = io.env[PASSPHRASE_ENV];
  if (env !== undefined) {
    if (env.length === 0) throw new DocvaultError('Invalid', `${PASSPHRASE_ENV} is set but empty`, { field: PASSPHRASE_ENV });
    return passphraseKey(env, 'passphrase-env', kdfProfile);
  }
  if (kdfProfile !== undefined) throw usageError('--kdf-profile needs a passphrase ($DOCVAULT_PASSPHRASE or --passphrase-file)', command);
  return { spec: { encryption: false }, source: 'none', secrets: [] };
}

/**
 * Writes a fresh random raw key to `path` (created exclusively, mode 0600) and returns it. Fails with
 * `AlreadyExists` rather than replace a file that appeared meanwhile.
 */
export function writeNewKeyFile(path: string): ResolvedKey {
  const key = generateRawKey();
  const hex = key.toString('hex');
  key.fill(0);
  try {
    writeFileSync(path, `${hex}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DocvaultError('NotFound', `key file ${path}: its directory does not exist`, undefined, { cause: err });
    throw fsError(err, `key file ${path}`);
  }
  // Validate what we wrote the same way the engine will read it.
  parseRawKey(hex).fill(0);
  return { spec: { rawKey: hex }, source: 'key-file', secrets: [hex, hex.toUpperCase()] };
}
