/**
 * The one API contract between the UI and the app: every channel with its request and response
 * types, the push events, and the result envelope. Both transports are built from this file — IPC
 * (src/main/ipc.ts + src/preload) and loopback HTTP (src/web) — so they cannot drift.
 *
 * Pure types and constants (no zod here: the sandboxed preload bundles this file and must stay tiny;
 * the input schemas live in ./schemas.ts and are checked against these types at compile time).
 */
import type { AuditPage } from './audit';
import type { SerializedError } from './errors';
import type { SearchPage, SearchQuery } from './search';
import type {
  Document,
  DocumentInput,
  DocumentPatch,
  ListPage,
  ListQuery,
  Progress,
  VaultStats,
  VerifyReport,
  VersionInfo,
  BulkResult,
  TrashPage,
  TrashQuery,
} from './types';
import type { AppSettings, LiveSample, VaultFacts } from './live';
import type { BenchCatalog, BenchProgress, BenchRequest, BenchRun } from './bench';
import type { ExportRequest, PathGrant, PathPurpose, PathRef, TransferInfo, TransferProgress, TransferSummary } from './transfer';
import type { AttachmentInfo, UploadTicket } from './attachments';
import type { SyncConflict, SyncReport, SyncStatus } from './team';

/** Where the vault stands, as the UI needs to know it. Never carries key material. */
export interface VaultStatus {
  /** `missing`: no vault file at `path` yet (offer "create"); `locked`: file exists, no key; `unlocked`: open. */
  readonly state: 'missing' | 'locked' | 'unlocked';
  /** Absolute path of the vault file. */
  readonly path: string;
  /** True when this app can remember the key on this device (Electron with an OS keychain). */
  readonly canRemember: boolean;
  /** True when a remembered key is stored for this vault. */
  readonly remembered: boolean;
  /** Whether the file is encrypted (read from its header, no key needed); null while there is no file. */
  readonly encrypted: boolean | null;
}

/**
 * How `vault.unlock` is keyed: a passphrase, the raw 256-bit key of a key-file vault (`docvault init --key-file`,
 * 64 hex characters), or nothing for a plain vault.
 */
export type UnlockInput =
  | { readonly passphrase: string; readonly remember?: boolean }
  | { readonly rawKey: string; readonly remember?: boolean }
  | { readonly encryption: false };

/** Request body of every channel. `{}` for channels without parameters. */
export interface ChannelInputs {
  'vault.status': Record<string, never>;
  /** Creates a new vault at the current path with this passphrase (the UI asks for it twice). */
  'vault.create': { readonly passphrase: string; readonly remember?: boolean };
  /** With the vault already unlocked, only checks the key (`WrongKey` leaves it unlocked for every window). */
  'vault.unlock': UnlockInput;
  /** Closes the store and forgets the key held in memory (a remembered key stays remembered). */
  'vault.lock': Record<string, never>;
  /** Deletes the remembered key of this vault, if any. */
  'vault.forget': Record<string, never>;
  'doc.get': { readonly id: string };
  'doc.create': { readonly document: DocumentInput; readonly comment?: string };
  /** `expectedVersion` is required: the UI always says which version it edited, so a concurrent write is a `Conflict`. */
  'doc.update': { readonly id: string; readonly patch: DocumentPatch; readonly expectedVersion: number; readonly comment?: string };
  'doc.put': { readonly document: DocumentInput; readonly expectedVersion?: number; readonly comment?: string };
  /** Moves the document, with every version, to the Trash (nothing is erased; `doc.undelete` brings it back). */
  'doc.delete': { readonly id: string; readonly expectedVersion?: number };
  /** One page of the Trash, the most recently trashed first. */
  'doc.trash': TrashQuery;
  /** Brings a document back from the Trash as it was (same version and history). */
  'doc.undelete': { readonly id: string };
  /** Deletes a document (live or in the Trash) and every version of it, forever. */
  'doc.purge': { readonly id: string };
  /** Purges every document in the Trash; the value is how many. */
  'doc.emptyTrash': Record<string, never>;
  'doc.list': ListQuery;
  'doc.count': Pick<ListQuery, 'type' | 'tag' | 'author'>;
  /** Full-text search over live documents, with the list's filters; see `Vault.search`. */
  'doc.search': SearchQuery;
  'doc.versions': { readonly id: string };
  'doc.getVersion': { readonly id: string; readonly version: number };
  /** Writes a new version equal to `version`, commented "restored from version N" (then ": comment" when given). */
  'doc.restore': { readonly id: string; readonly version: number; readonly expectedVersion?: number; readonly comment?: string };
  /** Creates or updates many documents in one transaction (import, seeding); all or nothing. */
  'doc.bulkPut': { readonly documents: readonly DocumentInput[]; readonly comment?: string };
  'vault.stats': Record<string, never>;
  'vault.verify': Record<string, never>;
  /** Path, encryption, KDF, schema, sizes, counts, creation time of the open vault. */
  'vault.facts': Record<string, never>;
  /** Starts `stats.tick` pushes (about 1/s) for one watcher; ticks stop when the last watcher unsubscribes. */
  'stats.subscribe': Record<string, never>;
  'stats.unsubscribe': { readonly id: string };
  'settings.get': Record<string, never>;
  /** Changes some settings; returns them all. */
  'settings.set': Partial<AppSettings>;
  /** The user did something in a window (typing, clicking): postpones the auto-lock. Sent at most every few seconds. */
  'app.activity': Record<string, never>;
  /** Trials, drivers (with why one cannot run here) and sizes of the benchmark panel. */
  'bench.catalog': Record<string, never>;
  /** Starts a run in a worker thread on a scratch vault; `Conflict` while another run is going. */
  'bench.start': BenchRequest;
  /** Stops the current run (within a second) and deletes its scratch folder. */
  'bench.cancel': Record<string, never>;
  /** Past runs, newest first. */
  'bench.runs': Record<string, never>;
  /** A past run as JSON or a Markdown table. */
  'bench.export': { readonly id: string; readonly format: 'json' | 'markdown' };
  /**
   * Changes the vault's passphrase (re-encrypts it, re-derives every integrity tag). Locks the vault for the
   * change and opens it again with the new passphrase; a remembered key is replaced by the new one.
   */
  'vault.changePassphrase': { readonly passphrase: string; readonly newPassphrase: string };
  /** Writes a verified backup of the open vault into its backups folder (`<vault dir>/backups/`). */
  'backup.create': Record<string, never>;
  /** The backups in the vault's backups folder, newest first. */
  'backup.list': Record<string, never>;
  /**
   * Replaces the vault with a backup from its backups folder (by file name), after verifying it with
   * `passphrase` (the backup's: the vault's passphrase when it was taken). Locks the vault, keeps the replaced
   * file as `<vault>.before-restore-<time>`, then opens the restored vault.
   */
  'backup.restore': { readonly name: string; readonly passphrase: string };
  /** The newest entries of the vault's audit log (default 200), and every break in its chain. */
  'audit.list': { readonly limit?: number };
  /** How this window names paths (system dialog or typed), the job under way and the last summary. */
  'transfer.info': Record<string, never>;
  /** Opens the system dialog (Electron); null when the user cancels it. `Invalid` where there is none (web twin). */
  'transfer.pick': { readonly purpose: PathPurpose };
  /**
   * Starts importing a folder of Markdown/text files or a docvault JSON export (`docvault-export.jsonl`) as a
   * job; progress as `transfer.progress`, the end as `transfer.done`. `Conflict` while another job runs.
   */
  'transfer.import': { readonly source: PathRef };
  /** Starts an export job into a new folder inside `target` (see {@link ExportRequest}). */
  'transfer.export': ExportRequest;
  /** Stops the job between two documents; its `transfer.done` says what stayed. Unknown or finished: no-op. */
  'transfer.cancel': { readonly jobId: string };
  /** The attachments of a document's current version, or of `version`. */
  'attachments.list': { readonly id: string; readonly version?: number };
  /**
   * Opens an upload of a file to attach to `id` (a new version when committed). `size`, when given, is
   * checked against the limit at once (`TooLarge` before any byte is sent). Uploads end with `commit` or
   * `abort`; one idle for 15 minutes, or open when the vault locks, is dropped.
   */
  'attachments.begin': {
    readonly id: string;
    readonly name: string;
    readonly mediaType?: string;
    readonly size?: number;
    readonly expectedVersion?: number;
  };
  /**
   * One piece of an upload, base64: exactly `chunkBytes` (from `begin`) decoded bytes, but the last, which
   * may be shorter. `offset` is the bytes sent before it (`Conflict` with `details.received` otherwise).
   */
  'attachments.chunk': { readonly uploadId: string; readonly offset: number; readonly data: string };
  /** Ends the upload: the document's next version, with the file under its name (replacing one of that name). */
  'attachments.commit': { readonly id: string; readonly uploadId: string; readonly expectedVersion?: number; readonly comment?: string };
  /** Drops an upload and what it stored. */
  'attachments.abort': { readonly uploadId: string };
  /** Up to `length` bytes (default and most 4 MiB) of an attachment from `offset`, base64, verified. */
  'attachments.read': { readonly id: string; readonly name: string; readonly version?: number; readonly offset?: number; readonly length?: number };
  /** The document's next version without attachment `name` (history keeps it). */
  'attachments.detach': { readonly id: string; readonly name: string; readonly expectedVersion?: number; readonly comment?: string };
  /** The team-vault status (remote, last sync, pending, conflicts, last error). Never waits on the network. */
  'sync.status': Record<string, never>;
  /** Pushes and pulls now (joins a sync under way); progress as `progress` events with `op: 'sync.now'`. */
  'sync.now': Record<string, never>;
  /** Documents changed here and on another device from the same base, each with the two versions to compare. */
  'sync.conflicts': Record<string, never>;
  /**
   * Attaches the vault to a team vault on PostgreSQL (`postgresql://user@host/db`, no password: it comes from
   * the OS key store, PGPASSWORD or ~/.pgpass). `ca`: the server's CA as PEM text (the window reads the file
   * the user picks), kept beside the vault as `<vault>.remote-ca.pem`; or an absolute path to a CA file.
   * `password`: where the app has an OS keychain (`SyncStatus.canKeepPassword`), kept there once the server
   * accepts it (`Invalid` elsewhere); never stored in clear, logged, or sent back.
   */
  'remote.set': { readonly url: string; readonly ca?: string; readonly password?: string };
  /**
   * Detaches the open vault from its team vault: forgets the remote, the database password kept for it in
   * the OS keychain, its CA file beside the vault and the sync state (what waits to be sent, conflicts,
   * refused rows). Every document and version stays. `Conflict` while a sync runs.
   */
  'remote.clear': Record<string, never>;
  /**
   * Makes a new vault from a team vault and opens it (the vault open now is locked): the remote vault's key
   * (`passphrase`, or `rawKey` for a key-file vault: exactly one) is checked before anything is written
   * (`WrongKey`), the vault is built in a hidden file and renamed to `name` in the app's vault folder only
   * once everything is pulled — a clone that fails or is cancelled leaves nothing. `ca`: PEM text;
   * `password`: kept in the OS keychain for the new vault once the clone succeeds (as `remote.set`).
   * Progress as `progress` events with `op: 'clone.start'` (rows pulled of the server's total).
   */
  'clone.start': CloneRequest;
  /** Stops the clone under way (between two batches); it ends with `Aborted` and leaves nothing. No-op when none runs. */
  'clone.cancel': Record<string, never>;
}

/** What `clone.start` takes. */
export interface CloneRequest {
  readonly url: string;
  readonly ca?: string;
  readonly password?: string;
  /** The new vault's file name (`*.dvault`), created in the app's vault folder (the current vault's folder). */
  readonly name: string;
  readonly passphrase?: string;
  /** 64 hex characters: the raw key of a key-file vault. */
  readonly rawKey?: string;
  /** Which remote vault (32 hex), when the login is a member of several. */
  readonly remoteVault?: string;
}

/** What `clone.start` made: the new vault, open. */
export interface CloneDone {
  readonly status: VaultStatus;
  readonly remoteVault: string;
  /** Rows pulled and applied. */
  readonly pulled: number;
  /** Remote rows that failed their check and were not applied (the rest was). */
  readonly rejected: number;
}

/** What `attachments.read` returns: a piece of the file, base64 (JSON carries no bytes). */
export interface AttachmentPiece {
  /** The bytes, base64. */
  readonly data: string;
  /** Where they start in the file. */
  readonly offset: number;
  /** The whole file's size. */
  readonly size: number;
  /** True when the piece reaches the end of the file. */
  readonly eof: boolean;
}

/** A backup file in the vault's backups folder. */
export interface BackupInfo {
  /** File name inside the backups folder (what `backup.restore` takes). */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly bytes: number;
  /** When the file was written, ms since the epoch. */
  readonly createdAt: number;
}

/** What `backup.create` made. */
export interface BackupCreated extends BackupInfo {
  readonly documents: number;
  readonly versions: number;
  readonly durationMs: number;
}

/** What `backup.restore` did. */
export interface BackupRestored {
  readonly status: VaultStatus;
  /** Where the replaced vault was kept. */
  readonly keptAs: string | undefined;
  readonly documents: number;
  readonly versions: number;
}

/** Response value of every channel (inside the {@link Result} envelope). */
export interface ChannelOutputs {
  'vault.status': VaultStatus;
  'vault.create': VaultStatus;
  'vault.unlock': VaultStatus;
  'vault.lock': VaultStatus;
  'vault.forget': VaultStatus;
  'doc.get': Document;
  'doc.create': Document;
  'doc.update': Document;
  'doc.put': Document;
  'doc.delete': null;
  'doc.trash': TrashPage;
  'doc.undelete': Document;
  'doc.purge': null;
  'doc.emptyTrash': number;
  'doc.list': ListPage;
  'doc.count': number;
  'doc.search': SearchPage;
  'doc.versions': VersionInfo[];
  'doc.getVersion': Document;
  'doc.restore': Document;
  'doc.bulkPut': BulkResult<Document>;
  'vault.stats': VaultStats;
  'vault.verify': VerifyReport;
  'vault.facts': VaultFacts;
  'stats.subscribe': { readonly id: string };
  'stats.unsubscribe': null;
  'settings.get': AppSettings;
  'settings.set': AppSettings;
  'app.activity': null;
  'bench.catalog': BenchCatalog;
  'bench.start': { readonly runId: string };
  'bench.cancel': null;
  'bench.runs': BenchRun[];
  'bench.export': string;
  'vault.changePassphrase': VaultStatus;
  'backup.create': BackupCreated;
  'backup.list': BackupInfo[];
  'backup.restore': BackupRestored;
  'audit.list': AuditPage;
  'transfer.info': TransferInfo;
  'transfer.pick': PathGrant | null;
  'transfer.import': { readonly jobId: string };
  'transfer.export': { readonly jobId: string };
  'transfer.cancel': null;
  'attachments.list': AttachmentInfo[];
  'attachments.begin': UploadTicket;
  'attachments.chunk': { readonly received: number };
  'attachments.commit': Document;
  'attachments.abort': null;
  'attachments.read': AttachmentPiece;
  'attachments.detach': Document;
  'sync.status': SyncStatus;
  'sync.now': SyncReport;
  'sync.conflicts': SyncConflict[];
  'remote.set': SyncStatus;
  'remote.clear': SyncStatus;
  'clone.start': CloneDone;
  'clone.cancel': null;
}

/** Name of a request/response channel. */
export type Channel = keyof ChannelInputs & keyof ChannelOutputs;

/** Every channel, in a stable order (the preload and the HTTP client are generated from this list). */
export const CHANNELS = [
  'vault.status',
  'vault.create',
  'vault.unlock',
  'vault.lock',
  'vault.forget',
  'vault.stats',
  'vault.verify',
  'vault.changePassphrase',
  'doc.get',
  'doc.create',
  'doc.update',
  'doc.put',
  'doc.delete',
  'doc.trash',
  'doc.undelete',
  'doc.purge',
  'doc.emptyTrash',
  'doc.list',
  'doc.count',
  'doc.search',
  'doc.versions',
  'doc.getVersion',
  'doc.restore',
  'doc.bulkPut',
  'vault.facts',
  'stats.subscribe',
  'stats.unsubscribe',
  'settings.get',
  'settings.set',
  'app.activity',
  'bench.catalog',
  'bench.start',
  'bench.cancel',
  'bench.runs',
  'bench.export',
  'backup.create',
  'backup.list',
  'backup.restore',
  'audit.list',
  'transfer.info',
  'transfer.pick',
  'transfer.import',
  'transfer.export',
  'transfer.cancel',
  'attachments.list',
  'attachments.begin',
  'attachments.chunk',
  'attachments.commit',
  'attachments.abort',
  'attachments.read',
  'attachments.detach',
  'sync.status',
  'sync.now',
  'sync.conflicts',
  'remote.set',
  'remote.clear',
  'clone.start',
  'clone.cancel',
] as const satisfies readonly Channel[];

/**
 * Names kept for channels that later issues add (diff, benchmark).
 * Not implemented: a call returns `Invalid` "unknown channel" until they are.
 */
export const RESERVED_CHANNELS = [
  'doc.diff',
  'search.query',
] as const;

/** True when `name` is an implemented channel. */
export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name);
}

/** The wire envelope of every result: errors cross as data with a `kind`, never as thrown strings. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };

/**
 * What a document change was. `deleted`: moved to the Trash; `undeleted`: back from it; `purged`: gone for good.
 */
export type ChangeKind = 'created' | 'updated' | 'deleted' | 'restored' | 'undeleted' | 'purged';

/** Push events, main → renderer. */
export interface PushEvents {
  /** A document was written or deleted (by this window, another window or tab, or the CLI through the app). */
  'doc.changed': { readonly id: string; readonly change: ChangeKind; readonly version: number | null };
  /**
   * Many documents changed at once (bulk, Empty Trash), or another process (the CLI, another app) wrote to the
   * vault file (`external: true`, `count` unknown: 0). The UI reloads its list.
   */
  'docs.changed': { readonly count: number; readonly external?: boolean };
  /** The vault was created, opened, locked, or another file was chosen. */
  'vault.changed': VaultStatus;
  /** About every second while unlocked and at least one watcher is subscribed (`stats.subscribe`). */
  'stats.tick': LiveSample;
  /** Progress of a benchmark run. */
  'bench.progress': BenchProgress;
  /** A benchmark run ended (done, cancelled or failed); it is now in `bench.runs`. */
  'bench.done': BenchRun;
  /** The team-vault status changed (a sync started or ended, the vault was attached, the next sync was scheduled). */
  'sync.changed': SyncStatus;
  /** The settings changed (in this window or another). */
  'settings.changed': AppSettings;
  /** How an import or export job stands (a few times a second at most). */
  'transfer.progress': TransferProgress;
  /** An import or export job ended (done, cancelled or failed). */
  'transfer.done': TransferSummary;
  /** Progress of a long operation (`op` names the channel, e.g. `vault.verify`). */
  'progress': Progress & { readonly op: string };
  /**
   * A menu command for the window (Electron only). The renderer runs it as if the user had pressed the
   * shortcut, so its guards apply (e.g. Lock asks before dropping unsaved changes).
   */
  'ui.command': { readonly command: UiCommand };
}

/** Commands the app menu sends to the focused window. */
export type UiCommand = 'lock' | 'new' | 'save' | 'find' | 'search' | 'import' | 'export';

/** Name of a push event. */
export type PushEventName = keyof PushEvents;

/** Every push event name. */
export const PUSH_EVENTS = ['doc.changed', 'docs.changed', 'vault.changed', 'stats.tick', 'bench.progress', 'bench.done', 'settings.changed', 'sync.changed', 'transfer.progress', 'transfer.done', 'progress', 'ui.command'] as const satisfies readonly PushEventName[];

/** One push event on the wire. */
export type PushEvent = { [E in PushEventName]: { readonly event: E; readonly data: PushEvents[E] } }[PushEventName];

/** IPC channel name carrying push events (one channel, the event name inside). */
export const PUSH_IPC_CHANNEL = 'docvault:event';

/** IPC channel name of a request channel. */
export function ipcChannelName(channel: Channel): string {
  return `docvault:${channel}`;
}

/**
 * The API the renderer sees, whichever transport carries it: `window.docvault` (Electron preload) or
 * the HTTP client (web twin). Each call resolves to a {@link Result}; it never rejects for a server-side error.
 */
export interface DocvaultApi {
  readonly transport: 'ipc' | 'http';
  invoke<C extends Channel>(channel: C, input: ChannelInputs[C]): Promise<Result<ChannelOutputs[C]>>;
  /** Subscribes to push events; returns the unsubscribe function. */
  subscribe(listener: (event: PushEvent) => void): () => void;
}

/** HTTP details of the web twin, shared by its server and the renderer's client. */
export const HTTP = {
  /** Prefix of request channels: `POST /api/<channel>`. */
  apiPrefix: '/api/',
  /** Push events as a server-sent-event stream read with fetch (so the token stays in a header). */
  eventsPath: '/events',
  /** Header carrying the per-launch token. */
  tokenHeader: 'x-docvault-token',
  /** URL fragment parameter through which the page receives the token (fragments are never sent to servers). */
  tokenFragment: 'token',
} as const;

/** Progress of a long call is announced only when the call takes longer than this (ms). */
export const PROGRESS_AFTER_MS = 1000;
