/**
 * The async storage API the backend runs on, and how to open one: the StorageService (engine on worker
 * threads, {@link serviceStoreFactory}, the default) or the synchronous {@link Vault} behind the same
 * interface ({@link vaultStoreFactory}, one thread; kept for environments without worker bundles).
 * No electron import: the web twin and the tests use this under plain Node.
 */
import { StorageService, Vault, resolveKey, type BackupOptions, type BatchOp, type BatchResults, type KeySpec, type ServiceOptions, type StorageCalls, type VaultOptions } from '../main/storage';
import type { SearchQuery } from '../shared/search';
import type { AuditQuery, AuditRecord } from '../shared/audit';
import type { AttachmentReadOptions, AttachmentStart } from '../shared/attachments';
import type { DocumentInput, DocumentPatch, ListQuery, MemoryMode, Progress, TrashQuery, WriteOptions } from '../shared/types';
import type { StatsSnapshot } from './live-stats';
import type { SyncVault } from './sync/team-sync';

/** The engine's calls the app uses. */
type StoreCall =
  | 'get' | 'exists' | 'create' | 'update' | 'put' | 'delete' | 'list' | 'count' | 'search' | 'versions' | 'getVersion' | 'restore' | 'bulkCreate' | 'bulkPut' | 'batch' | 'verify'
  | 'listTrash' | 'undelete' | 'purge' | 'emptyTrash' | 'backup' | 'auditLog' | 'recordAudit'
  | 'attachments' | 'readAttachment' | 'beginAttachment' | 'putAttachmentChunk' | 'commitAttachment' | 'abortAttachment' | 'detach' | 'putWithAttachments'
  | SyncCall | 'detachRemote';

/** The engine's team-sync calls (src/app/sync/team-sync.ts runs over them). */
type SyncCall = keyof SyncVault;

/**
 * The async storage API the app runs on: derived from the service's calls (themselves derived from the
 * engine's), so it cannot drift from either; plus stats, close and an optional check for other processes' writes.
 */
export type Store = Pick<StorageCalls, StoreCall> & {
  stats(): Promise<StatsSnapshot>;
  /** Looks for commits by other processes now (the StorageService; absent for a plain Vault). */
  refresh?(): Promise<void>;
  close(): Promise<void>;
};

/** Options the app passes when it opens a store. */
export interface StoreOptions {
  /** KDF profile of new passphrase vaults. Only tests lower it (see docs/app.md). */
  readonly kdfProfile?: number;
  /**
   * Path of an Electron-ABI build of better-sqlite3 (`.native/electron-<v>/better_sqlite3.node`).
   * Path of the Electron-ABI `better_sqlite3.node`, passed to the engine as `nativeBinding` (see docs/app.md).
   */
  readonly nativeBinding?: string;
  /** The engine's memory preset (see MEMORY_PRESETS). Default `standard`. */
  readonly memoryMode?: MemoryMode;
  /** Document cache budget in bytes, overriding the preset's. */
  readonly cacheBytes?: number;
  /** Reader threads of the service, overriding the preset's. */
  readonly readers?: number;
  /** The engine's search ranking window (`VaultOptions.searchRankWindow`). Only tests set it (a small one), like `kdfProfile`. */
  readonly searchRankWindow?: number;
  /** Progress of a schema upgrade while an older vault opens (`VaultOptions.onMigration`). */
  readonly onMigration?: (p: Progress) => void;
}

/** Opens and creates stores. */
export interface StoreFactory {
  create(path: string, key: KeySpec, opts: StoreOptions): Promise<Store>;
  open(path: string, key: KeySpec, opts: StoreOptions): Promise<Store>;
}

/** Wraps a synchronous Vault; each call runs to completion on the calling thread. */
class VaultStore implements Store {
  readonly #v: Vault;
  constructor(v: Vault) {
    this.#v = v;
  }
  async get(id: string) { return this.#v.get(id); }
  async exists(id: string) { return this.#v.exists(id); }
  async create(input: DocumentInput, opts?: WriteOptions) { return this.#v.create(input, opts); }
  async update(id: string, patch: DocumentPatch, opts?: WriteOptions) { return this.#v.update(id, patch, opts); }
  async put(input: DocumentInput, opts?: WriteOptions) { return this.#v.put(input, opts); }
  async delete(id: string, opts?: WriteOptions) { this.#v.delete(id, opts); }
  async list(query?: ListQuery) { return this.#v.list(query); }
  async count(query?: Pick<ListQuery, 'type' | 'tag' | 'author'>) { return this.#v.count(query); }
  async search(query: SearchQuery) { return this.#v.search(query); }
  async versions(id: string) { return this.#v.versions(id); }
  async getVersion(id: string, version: number) { return this.#v.getVersion(id, version); }
  async restore(id: string, version: number, opts?: WriteOptions) { return this.#v.restore(id, version, opts); }
  async bulkCreate(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>) { return this.#v.bulkCreate(inputs, opts); }
  async bulkPut(inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>) { return this.#v.bulkPut(inputs, opts); }
  /** The service's `batch` on one thread: the ops in one transaction, all or nothing. */
  async batch<const T extends readonly BatchOp[]>(ops: T): Promise<BatchResults<T>> {
    const v = this.#v;
    return v.transaction(() => ops.map((o) => (v[o.op] as (...a: readonly unknown[]) => unknown).apply(v, o.args))) as BatchResults<T>;
  }
  async listTrash(query?: TrashQuery) { return this.#v.listTrash(query); }
  async undelete(id: string) { return this.#v.undelete(id); }
  async purge(id: string) { this.#v.purge(id); }
  async emptyTrash() { return this.#v.emptyTrash(); }
  async stats() { return this.#v.stats(); }
  async verify(onProgress?: (p: Progress) => void) { return this.#v.verify(onProgress); }
  async backup(out: string, opts?: BackupOptions) { return this.#v.backup(out, opts); }
  async auditLog(query?: AuditQuery) { return this.#v.auditLog(query); }
  async recordAudit(record: AuditRecord) { this.#v.recordAudit(record); }
  async attachments(id: string, version?: number) { return this.#v.attachments(id, version); }
  async readAttachment(id: string, name: string, opts?: AttachmentReadOptions) { return this.#v.readAttachment(id, name, opts); }
  async beginAttachment(id: string, start: AttachmentStart, opts?: WriteOptions) { return this.#v.beginAttachment(id, start, opts); }
  async putAttachmentChunk(uploadId: string, offset: number, data: Uint8Array) { return this.#v.putAttachmentChunk(uploadId, offset, data); }
  async commitAttachment(id: string, uploadId: string, opts?: WriteOptions) { return this.#v.commitAttachment(id, uploadId, opts); }
  async abortAttachment(uploadId: string) { this.#v.abortAttachment(uploadId); }
  async detach(id: string, name: string, opts?: WriteOptions) { return this.#v.detach(id, name, opts); }
  async putWithAttachments(input: DocumentInput, uploads: readonly string[], opts?: WriteOptions) { return this.#v.putWithAttachments(input, uploads, opts); }
  async close() { this.#v.close(); }
  async syncState() { return this.#v.syncState(); }
  async syncConflicts() { return this.#v.syncConflicts(); }
  async attachRemote(...a: Parameters<Vault['attachRemote']>) { this.#v.attachRemote(...a); }
  async detachRemote() { return this.#v.detachRemote(); }
  async syncOutbox(...a: Parameters<Vault['syncOutbox']>) { return this.#v.syncOutbox(...a); }
  async markPushed(...a: Parameters<Vault['markPushed']>) { this.#v.markPushed(...a); }
  async applyPulled(...a: Parameters<Vault['applyPulled']>) { return this.#v.applyPulled(...a); }
  async markSynced(...a: Parameters<Vault['markSynced']>) { this.#v.markSynced(...a); }
  async syncKeys(...a: Parameters<Vault['syncKeys']>) { return this.#v.syncKeys(...a); }
  async kdfSalt() { return this.#v.kdfSalt(); }
  async syncFileChunk(...a: Parameters<Vault['syncFileChunk']>) { return this.#v.syncFileChunk(...a); }
  async syncFilesHere(...a: Parameters<Vault['syncFilesHere']>) { return this.#v.syncFilesHere(...a); }
  async syncHeld() { return this.#v.syncHeld(); }
  async recordSyncDigests(...a: Parameters<Vault['recordSyncDigests']>) { this.#v.recordSyncDigests(...a); }
  async beginSyncFile(...a: Parameters<Vault['beginSyncFile']>) { return this.#v.beginSyncFile(...a); }
}

/** The engine options the app's settings choose (memory mode, cache size), and the search window tests lower. */
function tuningOptions(opts: StoreOptions): Pick<VaultOptions, 'memoryMode' | 'tuning' | 'nativeBinding' | 'searchRankWindow' | 'onMigration'> {
  return {
    ...(opts.onMigration === undefined ? {} : { onMigration: opts.onMigration }),
    ...(opts.searchRankWindow === undefined ? {} : { searchRankWindow: opts.searchRankWindow }),
    ...(opts.memoryMode === undefined ? {} : { memoryMode: opts.memoryMode }),
    ...(opts.cacheBytes === undefined ? {} : { tuning: { cacheBytes: opts.cacheBytes } }),
    ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
  };
}

function vaultOptions(key: KeySpec, opts: StoreOptions): VaultOptions {
  return { key: 'passphrase' in key && opts.kdfProfile !== undefined ? { ...key, kdfProfile: opts.kdfProfile } : key, ...tuningOptions(opts) };
}

/**
 * Checks that `key` opens the vault at `path`, on a connection of its own that is closed at once (`WrongKey`
 * otherwise). Used when the vault is already open, so a wrong key never disturbs the open store.
 */
export async function checkKey(path: string, key: KeySpec, opts: StoreOptions): Promise<void> {
  (await Vault.open(path, vaultOptions(key, opts))).close();
}

/** Opens stores as synchronous Vaults behind the async {@link Store} interface. */
export const vaultStoreFactory: StoreFactory = {
  async create(path, key, opts) {
    return new VaultStore(await Vault.create(path, vaultOptions(key, opts)));
  },
  async open(path, key, opts) {
    return new VaultStore(await Vault.open(path, vaultOptions(key, opts)));
  },
};

function serviceOptions(key: KeySpec, opts: StoreOptions): ServiceOptions {
  return { ...vaultOptions(key, opts), ...(opts.readers === undefined ? {} : { readers: opts.readers }) };
}

/** Opens stores as {@link StorageService}s: reads on a reader pool, writes group-committed on one writer thread. */
export const serviceStoreFactory: StoreFactory = {
  async create(path, key, opts) {
    return StorageService.create(path, serviceOptions(key, opts));
  },
  async open(path, key, opts) {
    return StorageService.open(path, serviceOptions(key, opts));
  },
};

/**
 * The raw key of a docvault passphrase vault (the key SQLCipher is keyed with), so it can be remembered on
 * this device and later open the vault without the passphrase. Uses the engine's own `resolveKey` (one
 * KDF run). Undefined for a vault keyed by stock SQLCipher's own passphrase KDF, whose raw key is not
 * known. Throws `WrongKey`/`NotFound`/`NotAVault` as opening would.
 */
export async function deriveRawKeyHex(path: string, passphrase: string): Promise<string | undefined> {
  const key = await resolveKey(path, { passphrase });
  if (!('rawKey' in key)) return undefined;
  try {
    return key.rawKey.toString('hex');
  } finally {
    key.rawKey.fill(0);
  }
}
