/**
 * Opening and creating a vault file: keying SQLCipher, proving the key, tuning the connection, migrating,
 * and deriving the tag key. Returns a branded connection: writable unless opened `readonly`.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DocvaultError } from '../../../shared/errors';
import type { MemoryMode, Progress } from '../../../shared/types';
import { appendAudit } from './audit';
import { DEFAULT_KDF_PROFILE, KDF_PROFILES, SQLITE_HEADER, deriveAuditKey, deriveKey, deriveMacKey, newVaultSalt, parseRawKey, profileOfSalt, readVaultHeader, resolveKey, wipe, type KeySpec, type ResolvedKey } from '../keys';
import { tuningFor, type MemoryTuning } from '../memory-modes';
import { SCHEMA_VERSION, migrate } from '../migrations';
import { asReadable, asWritable, mapSqliteError, type ReadableDB, type WritableDB } from './db';
import { readOnlyLocation, unwritableReason } from './vault-file';
import { WAL_CHECKPOINT_PAGES } from './checkpoint';

/** Options of `Vault.create` and `Vault.open` that concern the file and its connection. */
export interface OpenOptions {
  /** Passphrase, raw key, or `{ encryption: false }` for a plain vault (only when asked for explicitly). */
  readonly key: KeySpec;
  /** Memory preset, default `standard`. */
  readonly memoryMode?: MemoryMode;
  /** Overrides of the preset's values. */
  readonly tuning?: Partial<MemoryTuning>;
  /**
   * `full` (default): every commit is fsynced before the call returns, so a power cut loses nothing
   * acknowledged. `normal`: survives a crash of docvault, may lose the last commits on power loss.
   */
  readonly durability?: 'full' | 'normal';
  /** Open read-only (reader threads): the connection is a `ReadableDB`, and every write fails with `Invalid`. */
  readonly readonly?: boolean;
  /** Clock, ms since the epoch. For tests. */
  readonly now?: () => number;
  /**
   * Path of a `better_sqlite3.node` to load instead of node_modules' build: Electron's main process
   * passes its Electron-ABI build here (node_modules keeps the Node-ABI build for tests and the CLI).
   */
  readonly nativeBinding?: string;
  /**
   * With a passphrase, the salt to create the vault with instead of a new one (it names its KDF profile):
   * a team-vault clone takes the salt of the vault it clones, so the same passphrase gives the same key.
   */
  readonly kdfSalt?: Uint8Array;
  /**
   * Pages the WAL may grow to before a commit checkpoints it (`PRAGMA wal_autocheckpoint`; 0: never).
   * Default {@link WAL_CHECKPOINT_PAGES} (4,000; ~16 MiB): idle checkpoints keep it smaller (checkpoint.ts).
   */
  readonly walCheckpointPages?: number;
  /**
   * Progress of a schema upgrade while an older vault is opened (a writer only; see `MigrationContext.onProgress`):
   * steps that rebuild an index take minutes at a million documents. Not called when no upgrade is due.
   */
  readonly onMigration?: (p: Progress) => void;
}

/** An open, keyed, migrated connection. */
type KeyedConnection =
  | { readonly mode: 'write'; readonly db: WritableDB; readonly macKey: Buffer; readonly encrypted: boolean }
  | { readonly mode: 'read'; readonly db: ReadableDB; readonly macKey: Buffer; readonly encrypted: boolean };

/** An open, keyed, migrated connection and what it was keyed with. */
export type Opened = KeyedConnection & {
  /** A copy of the key it was opened with (no KDF needed to use it again): backups are verified with it. The owner wipes it. */
  readonly key: ResolvedKey;
};

/** What `open` learned about how the vault is keyed. */
interface Keying {
  readonly encrypted: boolean;
  readonly rawKey: Buffer | undefined;
}

function removeVaultFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/**
 * Maps an error from creating or opening `path`. SQLite reports a location it cannot write only as
 * CANTOPEN or READONLY (and mkdir as EROFS/EACCES): asking the file system says which, as `ReadOnly`.
 */
function openFailure(err: unknown, path: string, context: string): Error {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    const reason = unwritableReason(path);
    if (reason !== undefined) return readOnlyLocation(path, reason, err);
  }
  return mapSqliteError(err, context);
}

function tuneWriter(db: Database.Database, opts: OpenOptions, encrypted: boolean): void {
  const t = tuningFor(opts.memoryMode ?? 'standard', opts.tuning);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${Math.max(256, Math.floor(t.sqliteCacheKiB))}`);
  db.pragma(`mmap_size = ${encrypted ? 0 : Math.max(0, Math.floor(t.mmapBytes))}`);
  // A higher bound than SQLite's 1,000 pages, with idle checkpoints doing most of the work (checkpoint.ts).
  db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(opts.walCheckpointPages ?? WAL_CHECKPOINT_PAGES))}`);
}

function tuneReader(db: Database.Database, opts: OpenOptions, encrypted: boolean): void {
  const t = tuningFor(opts.memoryMode ?? 'standard', opts.tuning);
  db.pragma('busy_timeout = 5000');
  db.pragma('query_only = ON');
  db.pragma(`cache_size = -${Math.max(256, Math.floor(t.sqliteCacheKiB))}`);
  db.pragma(`mmap_size = ${encrypted ? 0 : Math.max(0, Math.floor(t.mmapBytes))}`);
}

/** Creates a vault file (a passphrase runs the KDF: async). Fails with `AlreadyExists` if anything is at `path`. */
export async function createVaultFile(path: string, opts: OpenOptions): Promise<Opened> {
  if ('passphrase' in opts.key) {
    const given = opts.kdfSalt === undefined ? undefined : Buffer.from(opts.kdfSalt);
    const profile = given === undefined ? (opts.key.kdfProfile ?? DEFAULT_KDF_PROFILE) : profileOfSalt(given);
    if (profile === undefined) throw new DocvaultError('Invalid', 'kdfSalt: not a docvault KDF salt');
    const salt = given ?? newVaultSalt(profile);
    const params = KDF_PROFILES[profile];
    if (params === undefined) throw new DocvaultError('Invalid', `kdfProfile: unknown profile ${profile}`);
    const key = await deriveKey(opts.key.passphrase, salt, params);
    try {
      return createKeyed(path, opts, { encrypted: true, rawKey: key }, salt, { alg: 'argon2id', profile, ...params });
    } finally {
      wipe(key);
    }
  }
  return createVaultFileSync(path, opts);
}

/** Creates a vault keyed by a raw key or unencrypted. */
export function createVaultFileSync(path: string, opts: OpenOptions): Opened {
  if ('passphrase' in opts.key) throw new DocvaultError('Invalid', 'A passphrase needs the KDF: use Vault.create()');
  if ('rawKey' in opts.key) {
    const key = parseRawKey(opts.key.rawKey);
    try {
      return createKeyed(path, opts, { encrypted: true, rawKey: key }, randomBytes(16), { alg: 'raw' });
    } finally {
      wipe(key);
    }
  }
  return createKeyed(path, opts, { encrypted: false, rawKey: undefined }, undefined, { alg: 'none' });
}

function createKeyed(path: string, opts: OpenOptions, keying: Keying, salt: Buffer | undefined, kdf: Record<string, string | number>): Opened {
  if (existsSync(path)) throw new DocvaultError('AlreadyExists', `A file already exists at ${path}; docvault will not overwrite it`, { path });
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let raw: Database.Database | undefined;
  try {
    raw = new Database(path, opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding });
    chmodSync(path, 0o600);
    if (keying.encrypted && keying.rawKey !== undefined && salt !== undefined) {
      raw.pragma("cipher = 'sqlcipher'");
      raw.pragma('legacy = 4');
      raw.pragma(`key = "x'${keying.rawKey.toString('hex')}${salt.toString('hex')}'"`);
    }
    tuneWriter(raw, opts, keying.encrypted);
    const db = asWritable(raw);
    const vaultId = randomBytes(16);
    const plainMacKey = keying.encrypted ? undefined : randomBytes(32);
    const macKey = deriveMacKey(keying.rawKey ?? plainMacKey ?? Buffer.alloc(32), vaultId);
    migrate(db, SCHEMA_VERSION, { macKey });
    const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      setMeta.run('app', 'docvault');
      setMeta.run('vault_id', vaultId);
      setMeta.run('created_at', (opts.now ?? Date.now)());
      setMeta.run('encrypted', keying.encrypted ? 1 : 0);
      setMeta.run('kdf', JSON.stringify(kdf));
      // In a plain vault the tags still catch corruption, but anyone who can read the file can forge them.
      if (plainMacKey !== undefined) setMeta.run('mac_key', plainMacKey);
      const auditKey = deriveAuditKey(macKey);
      appendAudit(db, auditKey, { event: 'vault.create', outcome: 'ok' }, (opts.now ?? Date.now)());
      wipe(auditKey);
    })();
    const key: ResolvedKey = keying.rawKey === undefined ? { encryption: false } : { rawKey: Buffer.from(keying.rawKey) };
    return { mode: 'write', db, macKey, encrypted: keying.encrypted, key };
  } catch (err) {
    raw?.close();
    const failure = openFailure(err, path, 'Creating the vault');
    removeVaultFiles(path);
    throw failure;
  }
}

/** Opens an existing vault. With a passphrase, runs the vault's KDF (about 0.2 s by default). */
export async function openVaultFile(path: string, opts: OpenOptions): Promise<Opened> {
  return openResolved(path, opts, await resolveKey(path, opts.key));
}

/** Opens a vault with a raw key or an unencrypted one; takes milliseconds. */
export function openVaultFileSync(path: string, opts: OpenOptions): Opened {
  if ('passphrase' in opts.key) throw new DocvaultError('Invalid', 'A passphrase needs the KDF: use Vault.open()');
  // Without a passphrase, resolveKey finishes synchronously: no KDF runs.
  const header = readVaultHeader(path);
  const plain = header.equals(SQLITE_HEADER);
  if ('rawKey' in opts.key) {
    if (plain) throw new DocvaultError('WrongKey', 'This vault is not encrypted: open it without a passphrase or key');
    return openResolved(path, opts, { rawKey: parseRawKey(opts.key.rawKey) });
  }
  if (!plain) throw new DocvaultError('WrongKey', 'This vault is encrypted: a passphrase or key is needed');
  return openResolved(path, opts, { encryption: false });
}

/** Opens a vault with a key already resolved (no KDF): the rest of open's work. `key.rawKey` is wiped. */
export function openResolved(path: string, opts: OpenOptions, key: ResolvedKey): Opened {
  if ('encryption' in key) return Object.assign(openKeyed(path, opts, { encrypted: false, rawKey: undefined }), { key });
  if ('sqlcipherPassphrase' in key)
    return Object.assign(openKeyed(path, opts, { encrypted: true, rawKey: undefined }, Buffer.from(key.sqlcipherPassphrase, 'utf8')), { key });
  try {
    return Object.assign(openKeyed(path, opts, { encrypted: true, rawKey: key.rawKey }), { key: { rawKey: Buffer.from(key.rawKey) } });
  } finally {
    wipe(key.rawKey);
  }
}

function openKeyed(path: string, opts: OpenOptions, keying: Keying, sqlcipherPassphrase?: Buffer): KeyedConnection {
  let raw: Database.Database | undefined;
  try {
    // Nothing below writes to the file until the key is proven right, so a failed open leaves it byte-identical.
    raw = new Database(path, {
      fileMustExist: true,
      readonly: opts.readonly ?? false,
      ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
    });
    if (keying.encrypted) {
      raw.pragma("cipher = 'sqlcipher'");
      raw.pragma('legacy = 4');
      if (keying.rawKey !== undefined) raw.pragma(`key = "x'${keying.rawKey.toString('hex')}'"`);
      else if (sqlcipherPassphrase !== undefined) raw.key(sqlcipherPassphrase);
    }
    try {
      raw.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'SQLITE_NOTADB')
        throw keying.encrypted
          ? new DocvaultError('WrongKey', 'Wrong passphrase or key for this vault (or the file is not a vault)')
          : new DocvaultError('NotAVault', `${path} is not a vault`);
      throw err;
    }
    const isDocvault = raw.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
    const app = isDocvault ? (raw.prepare("SELECT value FROM meta WHERE key = 'app'").pluck().get() as string | undefined) : undefined;
    if (app !== 'docvault') throw new DocvaultError('NotAVault', `${path} is a database but not a docvault vault`, { path });
    const vaultId = raw.prepare("SELECT value FROM meta WHERE key = 'vault_id'").pluck().get() as Buffer;
    let macKey: Buffer;
    if (keying.rawKey !== undefined) macKey = deriveMacKey(keying.rawKey, vaultId);
    else if (sqlcipherPassphrase !== undefined) macKey = deriveMacKey(sqlcipherPassphrase, vaultId);
    else macKey = deriveMacKey(raw.prepare("SELECT value FROM meta WHERE key = 'mac_key'").pluck().get() as Buffer, vaultId);
    let opened: { readonly mode: 'write'; readonly db: WritableDB } | { readonly mode: 'read'; readonly db: ReadableDB };
    if (opts.readonly !== true) {
      tuneWriter(raw, opts, keying.encrypted);
      opened = { mode: 'write', db: asWritable(raw) };
      // Migration 3 rewrites tags, so it runs with the tag key.
      const from = raw.pragma('user_version', { simple: true }) as number;
      try {
        migrate(opened.db, SCHEMA_VERSION, { macKey, ...(opts.onMigration === undefined ? {} : { onProgress: opts.onMigration }) });
      } catch (err) {
        // A step that rebuilds a table (22: versions) holds the whole copy in the WAL until it commits.
        throw mapSqliteError(err, `Upgrading the vault from schema ${from} to ${SCHEMA_VERSION} (an upgrade can need free space about the size of the vault; the step that failed wrote nothing)`);
      }
    } else {
      tuneReader(raw, opts, keying.encrypted);
      const v = raw.pragma('user_version', { simple: true }) as number;
      if (v !== SCHEMA_VERSION)
        throw new DocvaultError('NotAVault', `Vault schema ${v} needs migrating by a writer first`, { reason: 'needsMigration', schemaVersion: v });
      opened = { mode: 'read', db: asReadable(raw) };
    }
    return { ...opened, macKey, encrypted: keying.encrypted };
  } catch (err) {
    raw?.close();
    throw openFailure(err, path, 'Opening the vault');
  }
}

/** The key spec that opens a vault with an already resolved key (no KDF for a raw key). */
export function specOf(key: ResolvedKey): KeySpec {
  if ('rawKey' in key) return { rawKey: key.rawKey };
  if ('sqlcipherPassphrase' in key) return { passphrase: key.sqlcipherPassphrase };
  return { encryption: false };
}
