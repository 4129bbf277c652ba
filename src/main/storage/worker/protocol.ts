/**
 * The storage worker protocol: what the main thread and a storage worker say to each other.
 * Every message is a discriminated union member (`t`); every call carries a sequence number that its
 * result echoes. Errors travel in their wire form ({@link SerializedError}) so their `kind` survives.
 * Shared by the service (main thread) and the worker entry; type-only apart from the method lists.
 */
import type { SerializedError } from '../../../shared/errors';
import type { MemoryMode, Progress, VaultStats } from '../../../shared/types';
import type { MemoryTuning } from '../memory-modes';
import type { Vault } from '../vault';

/** Engine methods a reader serves (read-only connection). */
export const READ_METHODS = [
  'get', 'exists', 'getVersion', 'versions', 'list', 'count', 'bulkGet', 'verify', 'listTrash', 'search', 'backup',
  // Team sync (engine/sync.ts): the local state, the outbox to seal, the sync keys.
  'syncState', 'syncConflicts', 'syncOutbox', 'syncKeys', 'kdfSalt', 'syncFileChunk', 'syncFilesHere', 'syncHeld',
  // The audit log (engine/audit.ts).
  'auditLog',
  // Attachments (engine/attachments.ts).
  'attachments', 'readAttachment',
] as const;

/**
 * Long reads: no default timeout, never answered by the writer (they would hold up every write), and
 * their progress callback stays in the main thread (functions cannot cross to a worker): `verify(onProgress)`,
 * `backup(out, { onProgress })`.
 */
export const LONG_READS: ReadonlySet<string> = new Set(['verify', 'backup']);
/** Engine methods only the writer serves; they run inside a group commit. */
export const WRITE_METHODS = [
  'create', 'update', 'put', 'delete', 'restore', 'bulkCreate', 'bulkPut', 'bulkDelete', 'undelete', 'purge', 'emptyTrash',
  // Team sync: attach, acknowledge pushed rows, apply pulled ones, record a finished sync.
  'attachRemote', 'detachRemote', 'markPushed', 'applyPulled', 'markSynced', 'recordSyncDigests', 'beginSyncFile',
  // An app-level security event (engine/audit.ts).
  'recordAudit',
  // Attachment uploads and detach (engine/attachments.ts).
  'beginAttachment', 'putAttachmentChunk', 'commitAttachment', 'abortAttachment', 'detach',
  // Import: a version with the files uploaded for it (the app's import job; never a channel).
  'putWithAttachments',
] as const;

/** A read method name. */
export type ReadMethod = (typeof READ_METHODS)[number];
/** A write method name. */
export type WriteMethod = (typeof WRITE_METHODS)[number];
/** Every engine method the service forwards. */
export type EngineMethod = ReadMethod | WriteMethod;

/** One write inside {@link StorageService.batch}: an engine write method and its arguments. */
export type BatchOp = { [K in WriteMethod]: { readonly op: K; readonly args: Parameters<Vault[K]> } }[WriteMethod];

/** The result of one {@link BatchOp}, by its method. */
export type BatchOpResult<O extends BatchOp> = ReturnType<Vault[O['op']]>;

/** Results of a batch, position by position. */
export type BatchResults<T extends readonly BatchOp[]> = { -readonly [I in keyof T]: T[I] extends BatchOp ? BatchOpResult<T[I]> : never };

/** How a worker keys its connection. The raw key travels once, in `workerData`; it is never logged. */
export type WorkerKey =
  | { readonly rawKey: Uint8Array }
  /** A SQLCipher passphrase for a vault not made by docvault (SQLCipher's own PBKDF2 runs in the worker). */
  | { readonly sqlcipherPassphrase: string }
  | { readonly encryption: false };

/** `workerData` of a storage worker. */
export interface WorkerInit {
  readonly role: 'reader' | 'writer';
  /** Name in logs and stats, e.g. `reader-1`. */
  readonly name: string;
  readonly path: string;
  readonly key: WorkerKey;
  /** Writer only: create the vault (raw key or plain) instead of opening it. */
  readonly create: boolean;
  readonly memoryMode: MemoryMode;
  readonly tuning: Partial<MemoryTuning>;
  readonly maxContentBytes: number | undefined;
  /** The engine's attachment limit and upload idle time-out (undefined: its defaults). */
  readonly maxAttachmentBytes: number | undefined;
  readonly uploadIdleMs: number | undefined;
  /** The engine's search ranking window (undefined: its default). */
  readonly searchRankWindow: number | undefined;
  readonly durability: 'full' | 'normal';
  /** Writer only: how often to look for commits by other processes (`PRAGMA data_version`). */
  readonly externalCheckMs: number;
  /**
   * Int32Array over a SharedArrayBuffer: slot 0 is bumped (Atomics) by the writer when another process
   * changed the vault, so the main thread notices with one atomic load and no message.
   */
  readonly signal: SharedArrayBuffer;
  /** Calls slower than this are logged to stderr. */
  readonly slowCallMs: number;
  /** Path of a `better_sqlite3.node` to load instead of node_modules' build (Electron). */
  readonly nativeBinding: string | undefined;
}

/** One call as sent to a worker. */
export interface WireCall {
  readonly seq: number;
  readonly method: EngineMethod | 'batch';
  readonly args: readonly unknown[];
  /** Long reads only (verify, backup): send `progress` messages. */
  readonly progress?: boolean;
}

/** The outcome of one call, timed in the worker. */
export type WireResult =
  | { readonly seq: number; readonly ok: true; readonly result: unknown; readonly durationMs: number }
  | { readonly seq: number; readonly ok: false; readonly error: SerializedError; readonly durationMs: number };

/** Main thread -> worker. */
export type ToWorker =
  /** Reader: run these calls, each on its own. */
  | { readonly t: 'calls'; readonly calls: readonly WireCall[] }
  /** Writer: run these writes in one transaction (a group commit: `Vault.writeGroup`, no savepoint per write); reply after the commit. */
  | { readonly t: 'commit'; readonly calls: readonly WireCall[] }
  /** Writer: the engine's stats. */
  | { readonly t: 'stats'; readonly seq: number }
  /** Writer: look for outside changes now. */
  | { readonly t: 'refresh'; readonly seq: number }
  /** Writer: bring the search index up to date with every commit (`Vault.indexSearch`), before a search or verify on a reader. */
  | { readonly t: 'indexSearch'; readonly seq: number }
  /** Close the connection (checkpoint on the writer), then reply `closed` and exit. */
  | { readonly t: 'close' };

/** Worker -> main thread. */
export type FromWorker =
  | { readonly t: 'ready' }
  /** The writer, while it opens an older vault: how the schema upgrade stands (before `ready`). */
  | { readonly t: 'migrating'; readonly progress: Progress }
  /** The worker could not open the vault; it exits after this. */
  | { readonly t: 'fatal'; readonly error: SerializedError }
  | { readonly t: 'results'; readonly results: readonly WireResult[]; readonly commit?: { readonly size: number; readonly durationMs: number } }
  | { readonly t: 'progress'; readonly seq: number; readonly progress: Progress }
  | { readonly t: 'stats'; readonly seq: number; readonly stats: VaultStats }
  | { readonly t: 'refreshed'; readonly seq: number; readonly changed: boolean }
  | { readonly t: 'indexed'; readonly seq: number }
  /** A message that is not a {@link ToWorker} was refused (`Invalid`); nothing was done. */
  | { readonly t: 'refused'; readonly error: SerializedError }
  | { readonly t: 'closed' };
