/**
 * What the live performance view and the settings screen exchange with the app: one pushed sample per
 * tick (rates and percentiles of the last interval, not since open), the vault's facts, and the app's
 * settings with their defaults and bounds. Pure types and constants: the preload bundles the contract.
 */
import type { AttachmentTotals } from './attachments';
import type { MemoryMode } from './types';

/** One operation's figures over the last interval. */
export interface LiveOp {
  /** Calls completed per second. */
  readonly perSec: number;
  readonly errors: number;
  /** Latency percentiles as the window sees them (app → storage → answer), ms. 0 when nothing ran. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** Load of one storage worker over the interval. */
export interface LiveWorker {
  readonly name: string;
  /** `long`: a thread started for one long read without a time budget (a backup, SQLite's check in a verify), listed while it exists. */
  readonly role: 'reader' | 'writer' | 'long';
  /** Share of the interval spent in calls, 0..1 (a long-read thread holding its read: 1). */
  readonly load: number;
  readonly inFlight: number;
}

/** One tick of live stats. */
export interface LiveSample {
  /** Wall-clock time of the sample, ms since the epoch. */
  readonly at: number;
  /** Length of the interval the rates cover, ms. */
  readonly intervalMs: number;
  readonly ops: Readonly<Record<string, LiveOp>>;
  readonly totalPerSec: number;
  readonly cache: {
    /** Hits / (hits + misses) over the interval; null when there was no lookup. */
    readonly hitRate: number | null;
    readonly entries: number;
    readonly bytes: number;
    readonly maxBytes: number;
    /** Evictions since the vault was opened, and per second over the interval. */
    readonly evictions: number;
    readonly evictionsPerSec: number;
  };
  /** The writer's group commits over the interval; null for a store without a writer thread. */
  readonly groupCommit: { readonly commitsPerSec: number; readonly meanBatch: number | null; readonly p50CommitMs: number } | null;
  readonly queues: { readonly queuedReads: number; readonly queuedWrites: number; readonly pendingReads: number; readonly pendingWrites: number } | null;
  readonly workers: readonly LiveWorker[];
  /** Delay of the app's main event loop over the interval, ms. */
  readonly eventLoop: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly vault: { readonly documents: number; readonly versions: number; readonly fileBytes: number; readonly walBytes: number; readonly contentBytes: number };
}

/** The facts of the open vault. */
export interface VaultFacts {
  readonly path: string;
  readonly encrypted: boolean;
  readonly cipher: string | null;
  /** How the key is made: e.g. "Argon2id, 64 MiB, 3 passes" or "raw 256-bit key (no KDF)". */
  readonly kdf: string;
  readonly schemaVersion: number;
  readonly memoryMode: MemoryMode;
  readonly fileBytes: number;
  readonly walBytes: number;
  readonly documents: number;
  readonly versions: number;
  /** Stored files and their bytes, after and before deduplication (VaultStats.attachments). */
  readonly attachments: AttachmentTotals;
  /** When the vault was created, ms since the epoch; null when the vault does not record it. */
  readonly createdAt: number | null;
}

/** The app's settings (stored in app data, never in the vault). */
export interface AppSettings {
  /** Memory preset of the storage engine; applied when the vault is next opened. */
  readonly memoryMode: MemoryMode;
  /** Document cache budget in MiB; null = the memory mode's. Applied on reopen. */
  readonly cacheMiB: number | null;
  /** Reader threads; null = the memory mode's (capped by cores). Applied on reopen. */
  readonly readers: number | null;
  /** Lock after this many idle minutes; 0 = never. Applied at once. */
  readonly autoLockMinutes: number;
  /** Show the live counts in the top bar (subscribes to ticks while shown). */
  readonly showTicker: boolean;
  /** Background team-vault sync every this many seconds while unlocked and attached; 0 = off. */
  readonly syncSeconds: number;
}

/** Defaults of {@link AppSettings}. */
export const DEFAULT_SETTINGS: AppSettings = { memoryMode: 'standard', cacheMiB: null, readers: null, autoLockMinutes: 10, showTicker: true, syncSeconds: 60 };

/** Bounds of the numeric settings. */
export const SETTING_LIMITS = { cacheMiB: { min: 4, max: 4096 }, readers: { min: 1, max: 16 }, autoLockMinutes: { min: 0, max: 24 * 60 }, syncSeconds: { min: 0, max: 24 * 60 * 60 } } as const;

/** What each memory mode means, for the settings screen. */
export const MEMORY_MODE_TEXT: Readonly<Record<MemoryMode, string>> = {
  baseline: 'About 2 GB machines: 16 MiB document cache, 8 MiB SQLite page cache, 1 reader thread, no memory-mapped I/O.',
  standard: 'Default: 64 MiB document cache, 32 MiB page cache, 2 reader threads.',
  enhanced: '256 MiB document cache, 64 MiB page cache, up to 4 reader threads.',
  performance: 'About 8 GB machines: 512 MiB document cache, 256 MiB page cache, up to 8 reader threads.',
};
