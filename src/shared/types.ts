/**
 * Document model shared by the engine, the service, both transports, the CLI and the UI.
 * Pure types and constants: no node:*, no DOM, no electron.
 */
import type { AttachmentInfo, AttachmentTotals } from './attachments';

/** Limits enforced on every input. `maxContentBytes` can be lowered or raised per vault. */
export const LIMITS = {
  idMinChars: 1,
  idMaxChars: 200,
  titleMaxChars: 255,
  typeMaxChars: 64,
  tagMaxChars: 64,
  tagsMax: 64,
  metadataMaxBytes: 64 * 1024,
  commentMaxChars: 1024,
  defaultMaxContentBytes: 16 * 1024 * 1024,
  bulkMaxItems: 100_000,
  listMaxLimit: 1000,
} as const;

/** A document as stored: the newest version of its content plus bookkeeping. Times are ms since the epoch. */
export interface Document {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly type: string;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
  /** UTF-8 byte length of `content`. */
  readonly size: number;
  /** SHA-256 of the UTF-8 content, lowercase hex. */
  readonly checksum: string;
  /** The version's attachments, by name; absent when it has none (see src/shared/attachments.ts). */
  readonly attachments?: readonly AttachmentInfo[];
}

/**
 * A document without its content, as lists return it. `integrityFailed` is set when the stored summary
 * failed its integrity check: the entry is still listed (so one altered document does not hide the
 * others) with its fields as stored and untrusted; reading it raises `Integrity`.
 */
export type DocumentSummary = Omit<Document, 'content' | 'attachments'> & { readonly integrityFailed?: true };

/** Input to create or put a document. Only `id` and `content` are required. */
export interface DocumentInput {
  readonly id: string;
  readonly content: string;
  readonly title?: string;
  readonly type?: string;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Fields an update may change; absent fields keep their value. */
export interface DocumentPatch {
  readonly content?: string;
  readonly title?: string;
  readonly type?: string;
  readonly tags?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Options of every write. */
export interface WriteOptions {
  /** Fail with `Conflict` unless the document is at this version (0 = must not exist). */
  readonly expectedVersion?: number;
  /** Stored with the version, shown in history. */
  readonly comment?: string;
}

/** One stored version of a document (content excluded; read it with `getVersion`). */
export interface VersionInfo {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly type: string;
  readonly tags: readonly string[];
  readonly size: number;
  readonly checksum: string;
  /** When this version was written. */
  readonly createdAt: number;
  readonly comment: string | null;
  /** The version's attachments, by name; absent when it has none. Compare two with `attachmentChanges`. */
  readonly attachments?: readonly AttachmentInfo[];
  /**
   * Set when this version's record failed its integrity check: why. Its fields are as stored and
   * untrusted; reading it raises `Integrity` and it cannot be restored.
   */
  readonly integrityProblem?: string;
}

/** Sort keys of `list`. */
export type SortKey = 'updated' | 'created' | 'title';

/** Query of `list` / `count`. Filters combine with AND. */
export interface ListQuery {
  readonly type?: string;
  readonly tag?: string;
  /** Matches `metadata.author`. */
  readonly author?: string;
  readonly sort?: SortKey;
  readonly order?: 'asc' | 'desc';
  /** Page size, 1..LIMITS.listMaxLimit, default 100. */
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

/** A document in the Trash: its summary as lists show it, and when it was moved there. */
export type TrashedSummary = DocumentSummary & {
  /** When `delete` moved it to the Trash, ms since the epoch. */
  readonly trashedAt: number;
};

/** A query of `listTrash`: newest trashed first. */
export interface TrashQuery {
  /** Page size, 1..LIMITS.listMaxLimit, default 100. */
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

/** One page of `listTrash`. */
export interface TrashPage {
  readonly items: readonly TrashedSummary[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
  /** Documents in the Trash, across all pages. */
  readonly total: number;
}

/** One page of `list`. */
export interface ListPage {
  readonly items: readonly DocumentSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  /**
   * Documents matching the filters, across all pages. On every page for no filter, one `type` or one
   * `tag` (running totals); for other filters on the first page only (absent when `cursor` was given).
   */
  readonly total?: number;
}

/** Per-item outcome of a bulk call. */
export type BulkItemResult<T> =
  | { readonly id: string; readonly status: 'ok'; readonly value: T }
  | { readonly id: string; readonly status: 'error'; readonly error: { readonly kind: string; readonly message: string } }
  /** The item was valid but the call rolled back because another item failed. */
  | { readonly id: string; readonly status: 'rolledBack' };

/** Result of a bulk write: all items committed, or none. */
export interface BulkResult<T> {
  readonly committed: boolean;
  readonly items: readonly BulkItemResult<T>[];
}

/** Memory presets, after the seed design's 2/4/6/8 GB RAM modes. */
export const MEMORY_MODES = ['baseline', 'standard', 'enhanced', 'performance'] as const;
/** One of {@link MEMORY_MODES}. */
export type MemoryMode = (typeof MEMORY_MODES)[number];

/** A problem found by `verify`. */
export interface VerifyProblem {
  /**
   * `Integrity`: a tag mismatch; `Checksum`: content does not match its checksum or size; `Head`: a head
   * does not match its versions; `History`: a document's chain of versions is broken (a version removed,
   * replaced or reordered); `Vault`: the set of documents, the counters or the tag rows do not match what
   * the documents say (a document deleted or rolled back); `Sqlite`: SQLite's own check or an orphan row;
   * `Index`: a derived index (`index` names it: `search_index`, the full-text index) is damaged or does not
   * match the documents — no document is lost, and `docvault verify --repair-index` rebuilds it;
   * `Corrupt`: pages that cannot be read (verify skips them and goes on); `Audit`: the audit log's chain is
   * broken (an entry edited, forged, moved or removed; `entry` names it when it can).
   */
  readonly kind: 'Integrity' | 'Checksum' | 'Head' | 'History' | 'Vault' | 'Sqlite' | 'Index' | 'Corrupt' | 'Audit';
  /** `Index` problems: the index concerned. */
  readonly index?: string;
  readonly id?: string;
  readonly version?: number;
  /** For `Audit`: the audit entry's position (`seq`). */
  readonly entry?: number;
  readonly message: string;
}

/** Report of `verify`. */
export interface VerifyReport {
  /** No problem found so far (with `next` set, the vault is only partly checked). */
  readonly ok: boolean;
  readonly documents: number;
  readonly versions: number;
  readonly problems: readonly VerifyProblem[];
  readonly durationMs: number;
  /** Set when the call stopped at its `maxMs` budget: pass it as `from` to go on. Absent once done. */
  readonly next?: string;
  /** Checks that could not be made, and why (damage met, or the vault changed between chunks). */
  readonly skipped?: string;
}

/** Options of `verify`: check in chunks of at most `maxMs`, resuming from a previous chunk's `next`. */
export interface VerifyOptions {
  /** `next` from the previous chunk's report. */
  readonly from?: string;
  /** Stop after about this many ms (checked after each document) and return `next`. Default: no limit. */
  readonly maxMs?: number;
  /**
   * Also run the whole-file checks a default verify leaves out (see docs/api.md): SQLite's `integrity_check`
   * of every table and index including `versions` and the file's page accounting, FTS5's check of the search
   * index's structure and of its entries against the text. Default false. A resumed run keeps the depth it
   * started with.
   */
  readonly deep?: boolean;
}

/** Progress of a long operation. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly phase?: string;
}

/**
 * The `phase` of the progress of a schema upgrade, which runs when a vault made by an older docvault is
 * opened (`done` of `total` steps, fractions within a long step): the window and the CLI say so by it.
 */
export const MIGRATION_PHASE = 'upgrade';

/** Latency summary of one operation kind, microseconds. */
export interface OpStats {
  readonly count: number;
  readonly errors: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

/** Cache counters from lru-cache. */
export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** What `stats()` returns. Cheap enough to poll every second. */
export interface VaultStats {
  readonly path: string;
  readonly encrypted: boolean;
  readonly cipher: string | null;
  readonly memoryMode: MemoryMode;
  readonly schemaVersion: number;
  readonly documents: number;
  readonly versions: number;
  /** Sum of the current versions' content bytes. */
  readonly contentBytes: number;
  /** Sum of every version's content bytes. */
  readonly historyBytes: number;
  readonly byType: Readonly<Record<string, number>>;
  /** Documents in the Trash (not counted in `documents`, `versions`, the byte totals or `byType`). */
  readonly trashed: number;
  /** Stored files and their bytes, after and before deduplication (schema step "attachment totals"). */
  readonly attachments: AttachmentTotals;
  readonly fileBytes: number;
  readonly walBytes: number;
  readonly pageSize: number;
  readonly pageCount: number;
  readonly freelistCount: number;
  readonly cache: CacheStats;
  readonly ops: Readonly<Record<string, OpStats>>;
  readonly openedAt: number;
  /** When the vault was created (ms since the epoch), from its `meta` table; null if it does not say. */
  readonly createdAt: number | null;
}
