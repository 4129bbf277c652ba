/**
 * The storage engine: one vault file in SQLCipher 4 format, every version of every document kept,
 * HMAC-tagged, behind a byte-bounded LRU cache. Synchronous (better-sqlite3); the async
 * StorageService puts it on worker threads. Never imports electron.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DocvaultError, isDocvaultError } from '../../shared/errors';
import {
  LIMITS,
  type BulkItemResult,
  type BulkResult,
  type Document,
  type DocumentInput,
  type DocumentPatch,
  type DocumentSummary,
  type ListPage,
  type ListQuery,
  type MemoryMode,
  type Progress,
  type VaultStats,
  type VerifyProblem,
  type VerifyReport,
  type VersionInfo,
  type WriteOptions,
} from '../../shared/types';
import {
  assertInputObject,
  assertPatchObject,
  validateBulk,
  validateContent,
  validateId,
  validateListQuery,
  validateMetadata,
  validateTags,
  validateTitle,
  validateType,
  validateVersion,
  validateWriteOptions,
} from '../../shared/validation';
import { DocumentCache } from './cache';
import { headMac, macEqual, sha256Hex, versionMac } from './integrity';
import {
  DEFAULT_KDF_PROFILE,
  KDF_PROFILES,
  deriveKey,
  deriveMacKey,
  newVaultSalt,
  parseRawKey,
  SQLITE_HEADER,
  readVaultHeader,
  resolveKey,
  wipe,
  type KeySpec,
  type ResolvedKey,
} from './keys';
import { tuningFor, type MemoryTuning } from './memory-modes';
import { MAX_DOC, MAX_VERSION, SCHEMA_VERSION, VERSION_BITS, migrate, versionKey } from './migrations';
import { OpRecorder } from './op-stats';

/** Options of {@link Vault.create} and {@link Vault.open}. */
export interface VaultOptions {
  /** Passphrase, raw key, or `{ encryption: false }` for a plain vault (only when asked for explicitly). */
  readonly key: KeySpec;
  /** Memory preset, default `standard`. */
  readonly memoryMode?: MemoryMode;
  /** Overrides of the preset's values. */
  readonly tuning?: Partial<MemoryTuning>;
  /** Largest content accepted, bytes. Default 16 MiB. */
  readonly maxContentBytes?: number;
  /**
   * `full` (default): every commit is fsynced before the call returns, so a power cut loses nothing
   * acknowledged. `normal`: survives a crash of docvault, may lose the last commits on power loss.
   */
  readonly durability?: 'full' | 'normal';
  /** Open read-only (reader threads). */
  readonly readonly?: boolean;
  /**
   * When cached reads ask SQLite whether another connection or process changed the vault (`PRAGMA
   * data_version`, ~2 µs, dearer than a cache hit). `0` (default): at the first read of every event-loop
   * turn, so a synchronous run of reads sees one state and any change from outside is seen after the next
   * `await` or event; `N > 0`: at most every N ms as well. Writes through this object keep the cache
   * exact at once, whatever this says. `refresh()` checks now.
   */
  readonly externalCheckMs?: number;
  /** Clock, ms since the epoch. For tests. */
  readonly now?: () => number;
  /**
   * Path of a `better_sqlite3.node` to load instead of node_modules' build: Electron's main process
   * passes its Electron-ABI build here (node_modules keeps the Node-ABI build for tests and the CLI).
   */
  readonly nativeBinding?: string;
}

/** What `open` learned about how the vault is keyed. */
interface Keying {
  readonly encrypted: boolean;
  readonly rawKey: Buffer | undefined;
}

/** A head row as read for a document. */
interface HeadRow {
  doc: number;
  id: string;
  created_at: number;
  updated_at: number;
  version: number;
  title: string;
  type: string;
  tags: string;
  metadata: string;
  size: number;
  checksum: string;
  head_mac: Buffer;
  author: string | null;
}

interface HeadWithContent extends HeadRow {
  content: string | null;
}

interface VersionRow {
  id: string;
  doc_created_at: number;
  version: number;
  created_at: number;
  mac: Buffer;
  size: number;
  checksum: string;
  comment: string | null;
  title: string;
  type: string;
  tags: string;
  metadata: string;
}

interface VersionRowWithContent extends VersionRow {
  content: string;
}

/** A validated, fully resolved version about to be written. */
interface NewVersion {
  title: string;
  type: string;
  tags: readonly string[];
  tagsJson: string;
  metadataJson: string;
  content: string;
  size: number;
}

/** Thrown inside a transaction to roll it back on purpose (bulk calls with a failed item). */
const ROLLBACK = Symbol('rollback');

/** Sort columns of list(). Creation order is rowid order (see migrations.ts), so `created` needs no index. */
const SORT_COLUMNS = { updated: 'updated_at', created: 'doc', title: 'title' } as const;

function now(): number {
  return performance.now();
}

/** Maps a SQLite error to a typed one. */
function mapSqliteError(err: unknown, context: string): DocvaultError {
  if (err instanceof DocvaultError) return err;
  const code = (err as { code?: string }).code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return new DocvaultError('NotAVault', `${context}: the vault file is damaged (${msg})`, undefined, { cause: err });
  if (code === 'SQLITE_FULL') return new DocvaultError('Internal', `${context}: the disk is full; nothing was written`, undefined, { cause: err });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new DocvaultError('Overloaded', `${context}: the vault is locked by another writer; try again`, undefined, { cause: err });
  if (code.startsWith('SQLITE_READONLY')) return new DocvaultError('Invalid', `${context}: the vault is open read-only`, undefined, { cause: err });
  if (code.startsWith('SQLITE_IOERR')) return new DocvaultError('Internal', `${context}: I/O error (${msg})`, undefined, { cause: err });
  return new DocvaultError('Internal', `${context}: ${msg}`, undefined, { cause: err });
}


function removeVaultFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

function encodeCursor(value: string | number, doc: number): string {
  return Buffer.from(JSON.stringify([value, doc]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, numeric: boolean): [string | number, number] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (numeric ? typeof parsed[0] === 'number' : typeof parsed[0] === 'string') &&
      Number.isSafeInteger(parsed[1])
    )
      return [parsed[0] as string | number, parsed[1] as number];
  } catch {
    // fall through
  }
  throw new DocvaultError('Invalid', 'cursor: not a cursor from this list (did the sort change?)', { field: 'cursor' });
}

/** The id of a bulk item, for its result line, whatever shape the item has. */
function idOfInput(item: unknown): string {
  return typeof item === 'object' && item !== null && 'id' in item ? String((item as { id: unknown }).id) : '';
}

function integrityError(id: string, version: number, what: string): DocvaultError {
  return new DocvaultError('Integrity', `Document "${id}" version ${version} failed its integrity check (${what}); it may have been altered outside docvault`, {
    id,
    version,
  });
}

/** `versions.vid` of version `v` of document `d`, in SQL (see migrations.ts: doc * 2^24 + version). */
const VID = (d: string, v: string): string => `(${d} * ${2 ** VERSION_BITS} + ${v})`;

/** Prepared statements, made once per connection. */
function prepareStatements(db: Database.Database, ro: boolean) {
  const headCols = 'd.doc, d.id, d.created_at, d.updated_at, d.version, d.title, d.type, d.tags, d.metadata, d.size, d.checksum, d.head_mac, d.author';
  const versionCols = 'd.id, d.created_at AS doc_created_at, v.version, v.created_at, v.mac, v.size, v.checksum, v.comment, v.title, v.type, v.tags, v.metadata';
  return {
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    getCurrent: db.prepare(`SELECT ${headCols}, v.content FROM documents d LEFT JOIN versions v ON v.vid = ${VID('d.doc', 'd.version')} WHERE d.id = ?`),
    getHead: db.prepare(`SELECT ${headCols} FROM documents d WHERE d.id = ?`),
    exists: db.prepare('SELECT 1 FROM documents WHERE id = ?').pluck(),
    getVersion: db.prepare(`SELECT ${versionCols}, v.content FROM documents d JOIN versions v ON v.vid = ${VID('d.doc', '@version')} WHERE d.id = @id`),
    listVersions: db.prepare(
      `SELECT ${versionCols} FROM documents d JOIN versions v ON v.vid BETWEEN ${VID('d.doc', '1')} AND ${VID('d.doc', String(MAX_VERSION))} WHERE d.id = ? ORDER BY v.vid`,
    ),
    counters: db.prepare('SELECT key, n FROM counters'),
    documentCount: db.prepare("SELECT n FROM counters WHERE key = 'documents'").pluck(),
    ...(ro
      ? undefined
      : {
          insertDoc: db.prepare(
            `INSERT INTO documents (id, created_at, updated_at, version, title, type, tags, metadata, author, size, checksum, head_mac)
             VALUES (@id, @createdAt, @updatedAt, @version, @title, @type, @tags, @metadata, @author, @size, @checksum, @headMac)
             ON CONFLICT (id) DO NOTHING RETURNING doc`,
          ),
          insertVersion: db.prepare(
            `INSERT INTO versions (vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata, content)
             VALUES (@vid, @version, @createdAt, @mac, @size, @checksum, @comment, @title, @type, @tags, @metadata, @content)`,
          ),
          deleteTag: db.prepare('DELETE FROM document_tags WHERE tag = ? AND doc = ?'),
          insertTag: db.prepare('INSERT INTO document_tags (tag, doc) VALUES (?, ?)'),
          deleteVersions: db.prepare(`DELETE FROM versions WHERE vid BETWEEN ${VID('?', '1')} AND ${VID('?', String(MAX_VERSION))}`),
          deleteDoc: db.prepare('DELETE FROM documents WHERE doc = ?'),
        }),
  };
}

/** The vault-wide counters kept by triggers. */
interface Counters {
  documents: number;
  versions: number;
  contentBytes: number;
  historyBytes: number;
  byType: Record<string, number>;
}

function readCounters(stmt: Database.Statement): Counters {
  const c: Counters = { documents: 0, versions: 0, contentBytes: 0, historyBytes: 0, byType: {} };
  for (const { key, n } of stmt.all() as { key: string; n: number }[]) {
    if (key === 'documents') c.documents = n;
    else if (key === 'versions') c.versions = n;
    else if (key === 'content_bytes') c.contentBytes = n;
    else if (key === 'history_bytes') c.historyBytes = n;
    else if (key.startsWith('type:')) c.byType[key.slice(5)] = n;
  }
  return c;
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * An open vault. Create or open one with {@link Vault.create} / {@link Vault.open} (or the `Sync`
 * variants with a raw key). Every method throws {@link DocvaultError}; after {@link Vault.close},
 * every method throws `Closed`.
 */
export class Vault {
  readonly path: string;
  readonly encrypted: boolean;
  readonly memoryMode: MemoryMode;
  readonly tuning: MemoryTuning;
  readonly maxContentBytes: number;
  readonly readonly: boolean;

  #db: Database.Database | undefined;
  #macKey: Buffer;
  readonly #cache: DocumentCache;
  readonly #ops = new OpRecorder();
  readonly #clock: () => number;
  readonly #externalCheckMs: number;
  readonly #openedAt: number;
  #lastExternalCheck = 0;
  /** Set at the first cached read of an event-loop turn; cleared by a microtask when the turn ends. */
  #turnChecked = false;
  readonly #endTurn = (): void => {
    this.#turnChecked = false;
  };
  #dataVersion = 0;
  #cachedGets = 0;
  #cachedExists = 0;
  /** list/count statements by SQL text: the filters and sorts make a small, bounded set of shapes. */
  readonly #dynamic = new Map<string, Database.Statement>();
  /** Depth of transactions this object opened (see `#counted`). */
  #txDepth = 0;
  readonly #stmts: Statements;

  private constructor(path: string, db: Database.Database, macKey: Buffer, encrypted: boolean, opts: VaultOptions) {
    this.path = path;
    this.#db = db;
    this.#macKey = macKey;
    this.encrypted = encrypted;
    this.memoryMode = opts.memoryMode ?? 'standard';
    this.tuning = tuningFor(this.memoryMode, opts.tuning);
    this.maxContentBytes = opts.maxContentBytes ?? LIMITS.defaultMaxContentBytes;
    this.readonly = opts.readonly ?? false;
    this.#clock = opts.now ?? Date.now;
    this.#externalCheckMs = opts.externalCheckMs ?? 0;
    this.#cache = new DocumentCache(this.tuning.cacheEntries, this.tuning.cacheBytes, this.tuning.existsEntries);
    this.#stmts = prepareStatements(db, this.readonly);
    this.#dataVersion = this.#stmts.dataVersion.get() as number;
    this.#lastExternalCheck = now();
    this.#openedAt = this.#clock();
  }

  // ---------------------------------------------------------------- opening

  /** Creates a new vault file at `path` (fails with `AlreadyExists` if anything is there). */
  static async create(path: string, opts: VaultOptions): Promise<Vault> {
    if ('passphrase' in opts.key) {
      const profile = opts.key.kdfProfile ?? DEFAULT_KDF_PROFILE;
      const salt = newVaultSalt(profile);
      const params = KDF_PROFILES[profile];
      if (params === undefined) throw new DocvaultError('Invalid', `kdfProfile: unknown profile ${profile}`);
      const key = await deriveKey(opts.key.passphrase, salt, params);
      try {
        return Vault.#createKeyed(path, opts, { encrypted: true, rawKey: key }, salt, { alg: 'argon2id', profile, ...params });
      } finally {
        wipe(key);
      }
    }
    return Vault.createSync(path, opts);
  }

  /** Creates a vault keyed by a raw key or unencrypted (a passphrase needs the async {@link Vault.create}). */
  static createSync(path: string, opts: VaultOptions): Vault {
    if ('passphrase' in opts.key) throw new DocvaultError('Invalid', 'A passphrase needs the KDF: use Vault.create()');
    if ('rawKey' in opts.key) {
      const key = parseRawKey(opts.key.rawKey);
      try {
        return Vault.#createKeyed(path, opts, { encrypted: true, rawKey: key }, randomBytes(16), { alg: 'raw' });
      } finally {
        wipe(key);
      }
    }
    return Vault.#createKeyed(path, opts, { encrypted: false, rawKey: undefined }, undefined, { alg: 'none' });
  }

  static #createKeyed(path: string, opts: VaultOptions, keying: Keying, salt: Buffer | undefined, kdf: Record<string, string | number>): Vault {
    if (existsSync(path)) throw new DocvaultError('AlreadyExists', `A file already exists at ${path}; docvault will not overwrite it`, { path });
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    let db: Database.Database | undefined;
    try {
      db = new Database(path, opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding });
      chmodSync(path, 0o600);
      if (keying.encrypted && keying.rawKey !== undefined && salt !== undefined) {
        db.pragma("cipher = 'sqlcipher'");
        db.pragma('legacy = 4');
        db.pragma(`key = "x'${keying.rawKey.toString('hex')}${salt.toString('hex')}'"`);
      }
      Vault.#tune(db, opts, keying.encrypted);
      migrate(db);
      const vaultId = randomBytes(16);
      const plainMacKey = keying.encrypted ? undefined : randomBytes(32);
      const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        setMeta.run('app', 'docvault');
        setMeta.run('vault_id', vaultId);
        setMeta.run('created_at', (opts.now ?? Date.now)());
        setMeta.run('encrypted', keying.encrypted ? 1 : 0);
        setMeta.run('kdf', JSON.stringify(kdf));
        // In a plain vault the tags still catch corruption, but anyone who can read the file can forge them.
        if (plainMacKey !== undefined) setMeta.run('mac_key', plainMacKey);
      })();
      const macKey = keying.rawKey !== undefined ? deriveMacKey(keying.rawKey, vaultId) : deriveMacKey(plainMacKey ?? Buffer.alloc(32), vaultId);
      return new Vault(path, db, macKey, keying.encrypted, opts);
    } catch (err) {
      db?.close();
      removeVaultFiles(path);
      throw mapSqliteError(err, 'Creating the vault');
    }
  }

  /** Opens an existing vault. With a passphrase, runs the vault's KDF (about 0.2 s by default). */
  static async open(path: string, opts: VaultOptions): Promise<Vault> {
    return Vault.#openResolved(path, opts, await resolveKey(path, opts.key));
  }

  /** Opens a vault with a raw key or an unencrypted one; takes milliseconds. */
  static openSync(path: string, opts: VaultOptions): Vault {
    if ('passphrase' in opts.key) throw new DocvaultError('Invalid', 'A passphrase needs the KDF: use Vault.open()');
    // Without a passphrase, resolveKey finishes synchronously: no KDF runs.
    const header = readVaultHeader(path);
    const plain = header.equals(SQLITE_HEADER);
    if ('rawKey' in opts.key) {
      if (plain) throw new DocvaultError('WrongKey', 'This vault is not encrypted: open it without a passphrase or key');
      return Vault.#openResolved(path, opts, { rawKey: parseRawKey(opts.key.rawKey) });
    }
    if (!plain) throw new DocvaultError('WrongKey', 'This vault is encrypted: a passphrase or key is needed');
    return Vault.#openResolved(path, opts, { encryption: false });
  }

  static #openResolved(path: string, opts: VaultOptions, key: ResolvedKey): Vault {
    if ('encryption' in key) return Vault.#openKeyed(path, opts, { encrypted: false, rawKey: undefined });
    if ('sqlcipherPassphrase' in key)
      return Vault.#openKeyed(path, opts, { encrypted: true, rawKey: undefined }, Buffer.from(key.sqlcipherPassphrase, 'utf8'));
    try {
      return Vault.#openKeyed(path, opts, { encrypted: true, rawKey: key.rawKey });
    } finally {
      wipe(key.rawKey);
    }
  }

  static #openKeyed(path: string, opts: VaultOptions, keying: Keying, sqlcipherPassphrase?: Buffer): Vault {
    let db: Database.Database | undefined;
    try {
      // Nothing below writes to the file until the key is proven right, so a failed open leaves it byte-identical.
      db = new Database(path, {
        fileMustExist: true,
        readonly: opts.readonly ?? false,
        ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
      });
      if (keying.encrypted) {
        db.pragma("cipher = 'sqlcipher'");
        db.pragma('legacy = 4');
        if (keying.rawKey !== undefined) db.pragma(`key = "x'${keying.rawKey.toString('hex')}'"`);
        else if (sqlcipherPassphrase !== undefined) db.key(sqlcipherPassphrase);
      }
      try {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (code === 'SQLITE_NOTADB')
          throw keying.encrypted
            ? new DocvaultError('WrongKey', 'Wrong passphrase or key for this vault (or the file is not a vault)')
            : new DocvaultError('NotAVault', `${path} is not a vault`);
        throw err;
      }
      const isDocvault = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
      const app = isDocvault ? (db.prepare("SELECT value FROM meta WHERE key = 'app'").pluck().get() as string | undefined) : undefined;
      if (app !== 'docvault') throw new DocvaultError('NotAVault', `${path} is a database but not a docvault vault`, { path });
      if (!opts.readonly) {
        Vault.#tune(db, opts, keying.encrypted);
        migrate(db);
      } else {
        Vault.#tuneReader(db, opts, keying.encrypted);
        const v = db.pragma('user_version', { simple: true }) as number;
        if (v !== SCHEMA_VERSION)
          throw new DocvaultError('NotAVault', `Vault schema ${v} needs migrating by a writer first`, { reason: 'needsMigration', schemaVersion: v });
      }
      const vaultId = db.prepare("SELECT value FROM meta WHERE key = 'vault_id'").pluck().get() as Buffer;
      let macKey: Buffer;
      if (keying.rawKey !== undefined) macKey = deriveMacKey(keying.rawKey, vaultId);
      else if (sqlcipherPassphrase !== undefined) macKey = deriveMacKey(sqlcipherPassphrase, vaultId);
      else macKey = deriveMacKey(db.prepare("SELECT value FROM meta WHERE key = 'mac_key'").pluck().get() as Buffer, vaultId);
      return new Vault(path, db, macKey, keying.encrypted, opts);
    } catch (err) {
      db?.close();
      throw mapSqliteError(err, 'Opening the vault');
    }
  }

  static #tune(db: Database.Database, opts: VaultOptions, encrypted: boolean): void {
    const t = tuningFor(opts.memoryMode ?? 'standard', opts.tuning);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('secure_delete = ON');
    db.pragma('temp_store = MEMORY');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${Math.max(256, Math.floor(t.sqliteCacheKiB))}`);
    db.pragma(`mmap_size = ${encrypted ? 0 : Math.max(0, Math.floor(t.mmapBytes))}`);
  }

  static #tuneReader(db: Database.Database, opts: VaultOptions, encrypted: boolean): void {
    const t = tuningFor(opts.memoryMode ?? 'standard', opts.tuning);
    db.pragma('busy_timeout = 5000');
    db.pragma('query_only = ON');
    db.pragma(`cache_size = -${Math.max(256, Math.floor(t.sqliteCacheKiB))}`);
    db.pragma(`mmap_size = ${encrypted ? 0 : Math.max(0, Math.floor(t.mmapBytes))}`);
  }

  // ---------------------------------------------------------------- plumbing

  #conn(): Database.Database {
    const db = this.#db;
    if (db === undefined) throw new DocvaultError('Closed', 'The vault is closed');
    return db;
  }

  #w<K extends 'insertDoc' | 'insertVersion' | 'deleteTag' | 'insertTag' | 'deleteVersions' | 'deleteDoc'>(
    name: K,
  ): Database.Statement {
    const s = (this.#stmts as Record<string, Database.Statement | undefined>)[name];
    if (s === undefined) throw new DocvaultError('Invalid', 'This vault connection is read-only');
    return s;
  }

  /** Drops the cache if another connection committed since this turn began (see `externalCheckMs`). */
  #checkExternal(): void {
    if (this.#turnChecked) return;
    this.#turnChecked = true;
    queueMicrotask(this.#endTurn);
    if (this.#externalCheckMs > 0) {
      const t = now();
      if (t - this.#lastExternalCheck < this.#externalCheckMs) return;
      this.#lastExternalCheck = t;
    }
    this.#syncDataVersion();
  }

  #syncDataVersion(): boolean {
    const v = this.#stmts.dataVersion.get() as number;
    if (v === this.#dataVersion) return false;
    this.#dataVersion = v;
    this.#cache.clear();
    return true;
  }

  /** Runs `fn` as a timed operation, mapping stray SQLite errors to typed ones. */
  #op<T>(name: string, fn: () => T): T {
    this.#conn();
    const t0 = now();
    try {
      const r = fn();
      this.#ops.record(name, (now() - t0) * 1000);
      return r;
    } catch (err) {
      this.#ops.record(name, (now() - t0) * 1000, true);
      throw mapSqliteError(err, name);
    }
  }

  /** Runs a write in its own transaction (or a savepoint inside the caller's). */
  #write<T>(fn: () => T): T {
    const db = this.#conn();
    if (this.readonly) throw new DocvaultError('Invalid', 'This vault connection is read-only');
    return db.transaction(this.#counted(fn)).immediate();
  }

  /**
   * Wraps a transaction body so `#txDepth` says whether we are inside one. Cheaper than asking SQLite
   * (`db.inTransaction` is a native call), which matters on the cache-hit path.
   */
  #counted<T>(fn: () => T): () => T {
    return () => {
      this.#txDepth++;
      try {
        return fn();
      } finally {
        this.#txDepth--;
      }
    };
  }

  /** After a write to `id`: cache the new state, or forget it while a transaction may still roll back. */
  #afterWrite(id: string, doc: Document | null): void {
    if (this.#txDepth > 0) {
      this.#cache.invalidate(id);
      return;
    }
    if (doc === null) {
      this.#cache.invalidate(id);
      this.#cache.setExists(id, false);
    } else this.#cache.set(doc);
  }

  // ---------------------------------------------------------------- reading

  #readCurrent(id: string): Document | undefined {
    const row = this.#stmts.getCurrent.get(id) as HeadWithContent | undefined;
    if (row === undefined) return undefined;
    return this.#verifyCurrent(row);
  }

  #checkHead(row: HeadRow): void {
    const expected = headMac(this.#macKey, {
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      title: row.title,
      type: row.type,
      tags: row.tags,
      metadata: row.metadata,
      size: row.size,
      checksum: row.checksum,
    });
    if (!macEqual(expected, row.head_mac)) throw integrityError(row.id, row.version, 'document record tag mismatch');
  }

  #verifyCurrent(row: HeadWithContent): Document {
    this.#checkHead(row);
    if (row.content === null) throw integrityError(row.id, row.version, 'the current version is missing');
    if (sha256Hex(row.content) !== row.checksum) throw integrityError(row.id, row.version, 'content checksum mismatch');
    return {
      id: row.id,
      title: row.title,
      content: row.content,
      type: row.type,
      tags: JSON.parse(row.tags) as string[],
      metadata: JSON.parse(row.metadata) as Record<string, unknown>,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      version: row.version,
      size: row.size,
      checksum: row.checksum,
    };
  }

  #checkVersion(row: VersionRow): void {
    const expected = versionMac(this.#macKey, {
      id: row.id,
      version: row.version,
      docCreatedAt: row.doc_created_at,
      createdAt: row.created_at,
      title: row.title,
      type: row.type,
      tags: row.tags,
      metadata: row.metadata,
      size: row.size,
      checksum: row.checksum,
      comment: row.comment,
    });
    if (!macEqual(expected, row.mac)) throw integrityError(row.id, row.version, 'version tag mismatch');
  }

  /** The current version of `id`. Throws `NotFound`, or `Integrity` if the stored bytes were altered. */
  get(id: string): Document {
    this.#conn();
    if (this.#txDepth === 0) {
      this.#checkExternal();
      const hit = this.#cache.get(id);
      if (hit !== undefined) {
        this.#cachedGets++;
        return hit;
      }
    }
    return this.#op('get', () => {
      validateId(id);
      const doc = this.#readCurrent(id);
      if (doc === undefined) throw new DocvaultError('NotFound', `No document "${id}"`, { id });
      return this.#txDepth > 0 ? doc : this.#cache.set(doc);
    });
  }

  /** Whether a document with `id` exists. */
  exists(id: string): boolean {
    this.#conn();
    if (this.#txDepth === 0) {
      this.#checkExternal();
      const known = this.#cache.exists(id);
      if (known !== undefined) {
        this.#cachedExists++;
        return known;
      }
    }
    return this.#op('exists', () => {
      validateId(id);
      const present = this.#stmts.exists.get(id) !== undefined;
      if (this.#txDepth === 0) this.#cache.setExists(id, present);
      return present;
    });
  }

  /** Version `version` of `id`, as it was written. */
  getVersion(id: string, version: number): Document {
    return this.#op('getVersion', () => {
      validateId(id);
      validateVersion(version);
      const row = this.#stmts.getVersion.get({ id, version }) as VersionRowWithContent | undefined;
      if (row === undefined) {
        if (this.#stmts.exists.get(id) === undefined) throw new DocvaultError('NotFound', `No document "${id}"`, { id });
        throw new DocvaultError('NotFound', `Document "${id}" has no version ${version}`, { id, version });
      }
      this.#checkVersion(row);
      if (sha256Hex(row.content) !== row.checksum) throw integrityError(id, version, 'content checksum mismatch');
      return {
        id,
        title: row.title,
        content: row.content,
        type: row.type,
        tags: JSON.parse(row.tags) as string[],
        metadata: JSON.parse(row.metadata) as Record<string, unknown>,
        createdAt: row.doc_created_at,
        updatedAt: row.created_at,
        version: row.version,
        size: row.size,
        checksum: row.checksum,
      };
    });
  }

  /** Every version of `id`, oldest first (content excluded). */
  versions(id: string): VersionInfo[] {
    return this.#op('versions', () => {
      validateId(id);
      const rows = this.#stmts.listVersions.all(id) as VersionRow[];
      if (rows.length === 0) throw new DocvaultError('NotFound', `No document "${id}"`, { id });
      return rows.map((row) => {
        this.#checkVersion(row);
        return {
          id,
          version: row.version,
          title: row.title,
          type: row.type,
          tags: JSON.parse(row.tags) as string[],
          size: row.size,
          checksum: row.checksum,
          createdAt: row.created_at,
          comment: row.comment,
        };
      });
    });
  }

  /** One page of document summaries, filtered and sorted, with a cursor for the next page. */
  list(query: ListQuery = {}): ListPage {
    return this.#op('list', () => {
      const limit = validateListQuery(query);
      const sort = query.sort ?? 'updated';
      const order = query.order ?? (sort === 'title' ? 'asc' : 'desc');
      const col = SORT_COLUMNS[sort];
      const { where, params } = this.#filters(query);
      const total = this.#countWhere(where, params);
      const conds = [...where];
      const pageParams = [...params];
      if (query.cursor !== undefined) {
        const [value, doc] = decodeCursor(query.cursor, sort !== 'title');
        conds.push(`(d.${col}, d.doc) ${order === 'desc' ? '<' : '>'} (?, ?)`);
        pageParams.push(value, doc);
      }
      const dir = order === 'desc' ? 'DESC' : 'ASC';
      const sql =
        `SELECT d.doc, d.id, d.created_at, d.updated_at, d.version, d.title, d.type, d.tags, d.metadata, d.size, d.checksum, d.head_mac, d.author ` +
        `FROM documents d ${conds.length > 0 ? 'WHERE ' + conds.join(' AND ') : ''} ORDER BY d.${col} ${dir}, d.doc ${dir} LIMIT ?`;
      const rows = this.#prepared(sql).all(...pageParams, limit + 1) as HeadRow[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const items: DocumentSummary[] = page.map((row) => {
        let failed = false;
        try {
          this.#checkHead(row);
        } catch (err) {
          if (!isDocvaultError(err, 'Integrity')) throw err;
          failed = true;
        }
        const summary: DocumentSummary = {
          id: row.id,
          title: row.title,
          type: row.type,
          tags: JSON.parse(row.tags) as string[],
          metadata: JSON.parse(row.metadata) as Record<string, unknown>,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
          version: row.version,
          size: row.size,
          checksum: row.checksum,
        };
        return failed ? { ...summary, integrityFailed: true } : summary;
      });
      const last = page[page.length - 1];
      const nextCursor = more && last !== undefined ? encodeCursor(sort === 'title' ? last.title : sort === 'created' ? last.doc : last.updated_at, last.doc) : null;
      return { items, nextCursor, total };
    });
  }

  /** Number of documents matching the filters of `query`. */
  count(query: Pick<ListQuery, 'type' | 'tag' | 'author'> = {}): number {
    return this.#op('count', () => {
      validateListQuery(query);
      const { where, params } = this.#filters(query);
      return this.#countWhere(where, params);
    });
  }

  /** A statement for `sql`, prepared once per connection (list and count build a few dozen shapes at most). */
  #prepared(sql: string, pluck = false): Database.Statement {
    let stmt = this.#dynamic.get(sql);
    if (stmt === undefined) {
      stmt = this.#conn().prepare(sql);
      if (pluck) stmt.pluck();
      this.#dynamic.set(sql, stmt);
    }
    return stmt;
  }

  #filters(q: ListQuery): { where: string[]; params: (string | number)[] } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.type !== undefined) {
      where.push('d.type = ?');
      params.push(q.type);
    }
    if (q.author !== undefined) {
      where.push('d.author = ?');
      params.push(q.author);
    }
    if (q.tag !== undefined) {
      where.push('d.doc IN (SELECT doc FROM document_tags WHERE tag = ?)');
      params.push(q.tag);
    }
    return { where, params };
  }

  #countWhere(where: string[], params: (string | number)[]): number {
    if (where.length === 0) return this.#stmts.documentCount.get() as number;
    return this.#prepared(`SELECT count(*) FROM documents d WHERE ${where.join(' AND ')}`, true).get(...params) as number;
  }

  // ---------------------------------------------------------------- writing

  #resolve(base: NewVersion | undefined, patch: DocumentPatch): NewVersion {
    const content = patch.content ?? base?.content ?? '';
    const size = patch.content !== undefined || base === undefined ? validateContent(content, this.maxContentBytes) : base.size;
    const tags = patch.tags !== undefined ? validateTags(patch.tags) : (base?.tags ?? []);
    return {
      title: patch.title !== undefined ? validateTitle(patch.title) : (base?.title ?? ''),
      type: patch.type !== undefined ? validateType(patch.type) : (base?.type ?? ''),
      tags,
      tagsJson: patch.tags !== undefined || base === undefined ? JSON.stringify(tags) : base.tagsJson,
      metadataJson: patch.metadata !== undefined ? validateMetadata(patch.metadata) : (base?.metadataJson ?? '{}'),
      content,
      size,
    };
  }

  /**
   * Writes a version of document `id` and points its head at it: version 1 of a new document when `old`
   * is undefined, else the version after `old` (the current head, already verified). Returns the new document.
   */
  #writeVersion(id: string, old: HeadRow | undefined, v: NewVersion, comment: string | null): Document {
    const updatedAt = this.#clock();
    const createdAt = old?.created_at ?? updatedAt;
    const version = (old?.version ?? 0) + 1;
    const checksum = sha256Hex(v.content);
    const metadata = JSON.parse(v.metadataJson) as Record<string, unknown>;
    const author = typeof metadata['author'] === 'string' ? (metadata['author'] as string) : null;
    const mac = versionMac(this.#macKey, {
      id,
      version,
      docCreatedAt: createdAt,
      createdAt: updatedAt,
      title: v.title,
      type: v.type,
      tags: v.tagsJson,
      metadata: v.metadataJson,
      size: v.size,
      checksum,
      comment,
    });
    const hmac = headMac(this.#macKey, {
      id,
      version,
      createdAt,
      updatedAt,
      title: v.title,
      type: v.type,
      tags: v.tagsJson,
      metadata: v.metadataJson,
      size: v.size,
      checksum,
    });
    const head = { id, createdAt, updatedAt, version, title: v.title, type: v.type, tags: v.tagsJson, metadata: v.metadataJson, author, size: v.size, checksum, headMac: hmac };
    if (version > MAX_VERSION)
      throw new DocvaultError('TooLarge', `Document "${id}" has reached the most versions a document can have (${MAX_VERSION})`, { id, limit: MAX_VERSION });
    const versionRow = {
      vid: 0,
      version,
      createdAt: updatedAt,
      mac,
      size: v.size,
      checksum,
      comment,
      title: v.title,
      type: v.type,
      tags: v.tagsJson,
      metadata: v.metadataJson,
      content: v.content,
    };
    let docKey: number;
    if (old === undefined) {
      const inserted = this.#w('insertDoc').pluck().get(head) as number | undefined;
      if (inserted === undefined) throw new DocvaultError('AlreadyExists', `A document "${id}" already exists`, { id });
      if (inserted > MAX_DOC) throw new DocvaultError('TooLarge', `The vault has reached the most documents it can hold (${MAX_DOC})`, { limit: MAX_DOC });
      docKey = inserted;
    } else {
      docKey = old.doc;
      // SET only the indexed columns that changed: an unchanged title or author then costs no index write.
      const sets = ['updated_at = @updatedAt', 'version = @version', 'tags = @tags', 'metadata = @metadata', 'size = @size', 'checksum = @checksum', 'head_mac = @headMac'];
      if (v.title !== old.title) sets.push('title = @title');
      if (v.type !== old.type) sets.push('type = @type');
      if (author !== old.author) sets.push('author = @author');
      this.#prepared(`UPDATE documents SET ${sets.join(', ')} WHERE doc = @doc`).run({ ...head, doc: docKey });
    }
    versionRow.vid = versionKey(docKey, version);
    this.#w('insertVersion').run(versionRow);
    if (old?.tags !== v.tagsJson) {
      if (old !== undefined) this.#deleteTags(old.tags, docKey);
      const insertTag = this.#w('insertTag');
      for (const t of v.tags) insertTag.run(t, docKey);
    }
    return { id, title: v.title, content: v.content, type: v.type, tags: [...v.tags], metadata, createdAt, updatedAt, version, size: v.size, checksum };
  }

  /**
   * Removes a document's tag rows, named by the tag list stored in its head. A head whose list does not
   * parse (altered outside docvault) falls back to a scan, so a damaged document can still be deleted.
   */
  #deleteTags(tagsJson: string, doc: number): void {
    let tags: unknown;
    try {
      tags = JSON.parse(tagsJson);
    } catch {
      tags = undefined;
    }
    if (Array.isArray(tags) && tags.every((t) => typeof t === 'string')) {
      const del = this.#w('deleteTag');
      for (const t of tags as string[]) del.run(t, doc);
    } else this.#conn().prepare('DELETE FROM document_tags WHERE doc = ?').run(doc);
  }

  #createOne(input: DocumentInput, opts: WriteOptions | undefined): Document {
    assertInputObject(input);
    const id = validateId(input.id);
    validateWriteOptions(opts);
    if (opts?.expectedVersion !== undefined && opts.expectedVersion !== 0) {
      const cur = this.#stmts.getHead.get(id) as HeadRow | undefined;
      throw new DocvaultError('Conflict', `Document "${id}" is at version ${cur?.version ?? 0}, not ${opts.expectedVersion}`, {
        id,
        expected: opts.expectedVersion,
        actual: cur?.version ?? 0,
      });
    }
    const v = this.#resolve(undefined, { content: input.content, title: input.title, type: input.type, tags: input.tags, metadata: input.metadata ?? {} });
    return this.#writeVersion(id, undefined, v, opts?.comment ?? null);
  }

  /** Reads the current head of `id` with its content, verified, for building the next version on it. */
  #currentForUpdate(id: string): { row: HeadWithContent; base: NewVersion } | undefined {
    const row = this.#stmts.getCurrent.get(id) as HeadWithContent | undefined;
    if (row === undefined) return undefined;
    // Verify before building on it: never launder altered content into a freshly tagged version.
    const doc = this.#verifyCurrent(row);
    return {
      row,
      base: { title: doc.title, type: doc.type, tags: doc.tags, tagsJson: row.tags, metadataJson: row.metadata, content: doc.content, size: doc.size },
    };
  }

  #updateOne(id: string, patch: DocumentPatch, opts: WriteOptions | undefined): Document {
    validateId(id);
    assertPatchObject(patch);
    validateWriteOptions(opts);
    const cur = this.#currentForUpdate(id);
    if (cur === undefined) {
      if (opts?.expectedVersion !== undefined && opts.expectedVersion !== 0)
        throw new DocvaultError('Conflict', `Document "${id}" does not exist (expected version ${opts.expectedVersion})`, {
          id,
          expected: opts.expectedVersion,
          actual: 0,
        });
      throw new DocvaultError('NotFound', `No document "${id}"`, { id });
    }
    const { row, base } = cur;
    if (opts?.expectedVersion !== undefined && opts.expectedVersion !== row.version)
      throw new DocvaultError('Conflict', `Document "${id}" is at version ${row.version}, not ${opts.expectedVersion}`, {
        id,
        expected: opts.expectedVersion,
        actual: row.version,
      });
    const v = this.#resolve(base, patch);
    return this.#writeVersion(id, row, v, opts?.comment ?? null);
  }

  #putOne(input: DocumentInput, opts: WriteOptions | undefined): Document {
    assertInputObject(input);
    const id = validateId(input.id);
    if (this.#stmts.exists.get(id) === undefined) return this.#createOne(input, opts);
    const { id: _id, ...patch } = input;
    return this.#updateOne(id, patch, opts);
  }

  #deleteOne(id: string, opts: WriteOptions | undefined): void {
    validateId(id);
    validateWriteOptions(opts);
    const head = this.#stmts.getHead.get(id) as HeadRow | undefined;
    if (head === undefined) throw new DocvaultError('NotFound', `No document "${id}"`, { id });
    if (opts?.expectedVersion !== undefined && opts.expectedVersion !== head.version)
      throw new DocvaultError('Conflict', `Document "${id}" is at version ${head.version}, not ${opts.expectedVersion}`, {
        id,
        expected: opts.expectedVersion,
        actual: head.version,
      });
    this.#deleteTags(head.tags, head.doc);
    this.#w('deleteVersions').run(head.doc, head.doc);
    this.#w('deleteDoc').run(head.doc);
  }

  /** Creates a document at version 1. `AlreadyExists` if the id is taken. */
  create(input: DocumentInput, opts?: WriteOptions): Document {
    return this.#op('create', () => {
      const doc = this.#write(() => this.#createOne(input, opts));
      this.#afterWrite(doc.id, doc);
      return doc;
    });
  }

  /** Writes a new version with the fields of `patch` changed. `expectedVersion` guards against lost updates. */
  update(id: string, patch: DocumentPatch, opts?: WriteOptions): Document {
    return this.#op('update', () => {
      const doc = this.#write(() => this.#updateOne(id, patch, opts));
      this.#afterWrite(doc.id, doc);
      return doc;
    });
  }

  /** Creates the document, or writes a new version with the given fields changed (absent fields keep their value). */
  put(input: DocumentInput, opts?: WriteOptions): Document {
    return this.#op('put', () => {
      const doc = this.#write(() => this.#putOne(input, opts));
      this.#afterWrite(doc.id, doc);
      return doc;
    });
  }

  /** Deletes a document and every version of it (overwritten on disk: `secure_delete` is on). */
  delete(id: string, opts?: WriteOptions): void {
    this.#op('delete', () => {
      this.#write(() => this.#deleteOne(id, opts));
      this.#afterWrite(id, null);
    });
  }

  /** Writes a new version equal to version `version`, commented "restored from version N". */
  restore(id: string, version: number, opts?: Omit<WriteOptions, 'comment'>): Document {
    return this.#op('restore', () => {
      const doc = this.#write(() => {
        const old = this.getVersion(id, version);
        return this.#updateOne(
          id,
          { content: old.content, title: old.title, type: old.type, tags: old.tags, metadata: old.metadata },
          { ...opts, comment: `restored from version ${version}` },
        );
      });
      this.#afterWrite(doc.id, doc);
      return doc;
    });
  }

  // ---------------------------------------------------------------- bulk

  #bulk<I, T extends Document | null>(op: string, items: readonly I[], idOf: (item: I) => string, one: (item: I) => T): BulkResult<T> {
    return this.#op(op, () => {
      validateBulk(items);
      const results: BulkItemResult<T>[] = [];
      let failed = false;
      try {
        this.#write(() => {
          for (const item of items) {
            const id = idOf(item);
            try {
              results.push({ id, status: 'ok', value: one(item) });
            } catch (err) {
              if (!isDocvaultError(err)) throw err;
              failed = true;
              results.push({ id, status: 'error', error: { kind: err.kind, message: err.message } });
            }
          }
          if (failed) throw ROLLBACK;
        });
      } catch (err) {
        if (err !== ROLLBACK) throw err;
        // Nothing was committed; the items that did not fail are reported as rolled back.
        const rolled = results.map((r): BulkItemResult<T> => (r.status === 'ok' ? { id: r.id, status: 'rolledBack' } : r));
        for (const r of rolled) this.#cache.invalidate(r.id);
        return { committed: false, items: rolled };
      }
      for (const r of results) if (r.status === 'ok') this.#afterWrite(r.id, r.value);
      return { committed: true, items: results };
    });
  }

  /** Creates every document in one transaction: all or nothing, a result per item. */
  bulkCreate(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
    return this.#bulk('bulkCreate', inputs, idOfInput, (i) => this.#createOne(i, opts));
  }

  /** Puts every document in one transaction: all or nothing, a result per item. */
  bulkPut(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
    return this.#bulk('bulkPut', inputs, idOfInput, (i) => this.#putOne(i, opts));
  }

  /** Deletes every listed document in one transaction: all or nothing, a result per item. */
  bulkDelete(ids: readonly string[]): BulkResult<null> {
    return this.#bulk('bulkDelete', ids, (id) => String(id), (id) => {
      this.#deleteOne(id, undefined);
      return null;
    });
  }

  /** Reads many documents; a result per id (NotFound and Integrity are per item). */
  bulkGet(ids: readonly string[]): BulkItemResult<Document>[] {
    const db = this.#conn();
    validateBulk(ids, 'ids');
    const out: BulkItemResult<Document>[] = new Array<BulkItemResult<Document>>(ids.length);
    const missing: number[] = [];
    const inTx = this.#txDepth > 0;
    if (!inTx) this.#checkExternal();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const hit = inTx ? undefined : this.#cache.get(id);
      if (hit !== undefined) out[i] = { id, status: 'ok', value: hit };
      else missing.push(i);
    }
    this.#cachedGets += ids.length - missing.length;
    if (missing.length === 0) return out;
    return this.#op('bulkGet', () => {
      // One read transaction: the misses come from one consistent snapshot.
      db.transaction(
        this.#counted(() => {
          for (const i of missing) {
            const id = ids[i] as string;
            try {
              validateId(id);
              const doc = this.#readCurrent(id);
              if (doc === undefined) throw new DocvaultError('NotFound', `No document "${id}"`, { id });
              out[i] = { id, status: 'ok', value: doc };
            } catch (err) {
              if (!isDocvaultError(err)) throw err;
              out[i] = { id: String(id), status: 'error', error: { kind: err.kind, message: err.message } };
            }
          }
        }),
      ).deferred();
      if (!inTx)
        for (const i of missing) {
          const r = out[i];
          if (r?.status === 'ok') out[i] = { id: r.id, status: 'ok', value: this.#cache.set(r.value) };
        }
      return out;
    });
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `fn` in a transaction; nested calls become savepoints. If `fn` throws, its writes roll back
   * (an inner failure caught by the outer function rolls back only the inner part). `fn` must be
   * synchronous. The cache is exact after any rollback: writes inside a transaction invalidate
   * instead of caching, and reads inside one never populate the cache.
   */
  transaction<T>(fn: () => T): T {
    const db = this.#conn();
    if (this.readonly) throw new DocvaultError('Invalid', 'This vault connection is read-only');
    const wrapped = db.transaction(
      this.#counted(() => {
        const r = fn();
        if (r instanceof Promise) throw new DocvaultError('Invalid', 'transaction(): the function must be synchronous');
        return r;
      }),
    );
    try {
      return this.#txDepth > 0 ? wrapped() : wrapped.immediate();
    } catch (err) {
      throw mapSqliteError(err, 'transaction');
    }
  }

  // ---------------------------------------------------------------- maintenance

  /** Checks every version's tag and checksum, every head, and SQLite's own structure. */
  verify(onProgress?: (p: Progress) => void): VerifyReport {
    return this.#op('verify', () => {
      const db = this.#conn();
      const t0 = now();
      const problems: VerifyProblem[] = [];
      const totals = readCounters(this.#stmts.counters);
      const total = totals.versions + totals.documents;
      let done = 0;
      let versions = 0;
      let documents = 0;
      const tick = (phase: string): void => {
        done++;
        if (onProgress !== undefined && (done % 1000 === 0 || done === total)) onProgress({ done, total, phase });
      };
      db.transaction(this.#counted(() => {
        const rows = db
          .prepare(
            `SELECT d.id, d.created_at AS doc_created_at, v.version, v.created_at, v.mac, v.size, v.checksum, v.comment, v.title, v.type, v.tags, v.metadata, v.content
             FROM versions v LEFT JOIN documents d ON d.doc = v.vid >> ${VERSION_BITS} ORDER BY v.vid`,
          )
          .iterate() as IterableIterator<VersionRowWithContent & { id: string | null }>;
        for (const row of rows) {
          versions++;
          if (row.id === null) {
            problems.push({ kind: 'Head', version: row.version, message: `version ${row.version} belongs to no document` });
            tick('versions');
            continue;
          }
          try {
            this.#checkVersion(row as VersionRowWithContent);
            if (sha256Hex(row.content) !== row.checksum) problems.push({ kind: 'Checksum', id: row.id, version: row.version, message: 'content checksum mismatch' });
            else if (Buffer.byteLength(row.content, 'utf8') !== row.size)
              problems.push({ kind: 'Checksum', id: row.id, version: row.version, message: 'size mismatch' });
          } catch (err) {
            problems.push({ kind: 'Integrity', id: row.id, version: row.version, message: (err as Error).message });
          }
          tick('versions');
        }
        const heads = db
          .prepare(
            `SELECT d.doc, d.id, d.created_at, d.updated_at, d.version, d.title, d.type, d.tags, d.metadata, d.size, d.checksum, d.head_mac,
                    (SELECT max(vid) & ${MAX_VERSION} FROM versions WHERE vid BETWEEN ${VID('d.doc', '1')} AND ${VID('d.doc', String(MAX_VERSION))}) AS newest,
                    v.checksum AS v_checksum
             FROM documents d LEFT JOIN versions v ON v.vid = ${VID('d.doc', 'd.version')}`,
          )
          .iterate() as IterableIterator<HeadRow & { newest: number | null; v_checksum: string | null }>;
        for (const row of heads) {
          documents++;
          try {
            this.#checkHead(row);
            if (row.newest !== row.version) problems.push({ kind: 'Head', id: row.id, version: row.version, message: `head is at version ${row.version} but version ${row.newest ?? 'none'} exists` });
            else if (row.v_checksum !== row.checksum) problems.push({ kind: 'Head', id: row.id, version: row.version, message: 'head does not match its version' });
          } catch (err) {
            problems.push({ kind: 'Head', id: row.id, version: row.version, message: (err as Error).message });
          }
          tick('documents');
        }
      })).deferred();
      for (const line of db.pragma('integrity_check') as { integrity_check: string }[])
        if (line.integrity_check !== 'ok') problems.push({ kind: 'Sqlite', message: line.integrity_check });
      for (const t of db.prepare('SELECT t.tag, t.doc FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE d.doc IS NULL').all() as {
        tag: string;
        doc: number;
      }[])
        problems.push({ kind: 'Sqlite', message: `tag "${t.tag}" belongs to no document (row ${t.doc})` });
      onProgress?.({ done: total, total, phase: 'done' });
      return { ok: problems.length === 0, documents, versions, problems, durationMs: now() - t0 };
    });
  }

  /** Counters, sizes and latencies. Reads two small tables and a few pragmas: fine to poll every second. */
  stats(): VaultStats {
    const db = this.#conn();
    const totals = readCounters(this.#stmts.counters);
    const fileSize = (p: string): number => {
      try {
        return statSync(p).size;
      } catch {
        return 0;
      }
    };
    const ops = this.#ops.snapshot();
    const merge = (name: string, cached: number): void => {
      const o = ops[name];
      ops[name] = o === undefined ? { count: cached, errors: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 } : { ...o, count: o.count + cached };
    };
    if (this.#cachedGets > 0) merge('get', this.#cachedGets);
    if (this.#cachedExists > 0) merge('exists', this.#cachedExists);
    return {
      path: this.path,
      encrypted: this.encrypted,
      cipher: this.encrypted ? 'sqlcipher4 (AES-256-CBC, HMAC-SHA512)' : null,
      memoryMode: this.memoryMode,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      documents: totals.documents,
      versions: totals.versions,
      contentBytes: totals.contentBytes,
      historyBytes: totals.historyBytes,
      byType: totals.byType,
      fileBytes: fileSize(this.path),
      walBytes: fileSize(this.path + '-wal'),
      pageSize: db.pragma('page_size', { simple: true }) as number,
      pageCount: db.pragma('page_count', { simple: true }) as number,
      freelistCount: db.pragma('freelist_count', { simple: true }) as number,
      cache: this.#cache.stats(),
      ops,
      openedAt: this.#openedAt,
    };
  }

  /**
   * Drops the cache now if another connection changed the vault (reads do this on their own, throttled).
   * Returns whether it did (the async service's writer uses this to tell the main thread's cache).
   */
  refresh(): boolean {
    this.#conn();
    this.#lastExternalCheck = now();
    return this.#syncDataVersion();
  }

  /** True until {@link Vault.close}. */
  get isOpen(): boolean {
    return this.#db !== undefined;
  }

  /** Checkpoints the WAL, runs `PRAGMA optimize`, closes. Idempotent; every later call throws `Closed`. */
  close(): void {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    try {
      if (!this.readonly) {
        db.pragma('optimize');
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
    } catch (err) {
      // Typed like every other engine error: a lock held elsewhere is Overloaded, a damaged page
      // NotAVault, a full disk says so. Every commit is already durable; only the checkpoint is lost.
      throw mapSqliteError(err, 'Closing the vault');
    } finally {
      db.close();
      this.#cache.clear();
      wipe(this.#macKey);
      this.#macKey = Buffer.alloc(0);
    }
  }
}
