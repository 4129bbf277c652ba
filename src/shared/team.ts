/**
 * Team-vault types the window sees (sync status, a sync's report, a conflict to settle) and the background
 * sync's bounds. Pure data: the app layer (src/app/sync/team-sync.ts) produces values of these shapes.
 */
import type { SerializedError } from './errors';

/** Where the vault syncs and how it stands, as the sync core reports it. Never carries a password. */
export interface SyncCoreStatus {
  /** The remote URL without its password, or null when the vault is not attached. */
  readonly remote: string | null;
  /** When the last sync finished (ms since the epoch), or null. */
  readonly lastSync: number | null;
  /** Versions and tombstones waiting to be pushed. */
  readonly pending: number;
  /** Documents with a conflict to settle. */
  readonly conflicts: number;
  /** Remote rows refused on pull (altered on the server, or sealed with another key). */
  readonly rejected: number;
  /** Pulled rows held back until their attachment files arrive (missing or altered on the server); retried at every sync. */
  readonly held: number;
  /** Whether a sync is running now. */
  readonly syncing: boolean;
  /** The last sync's error, until a sync succeeds. */
  readonly error: SerializedError | null;
}

/** The status the window shows: the core's, and the background sync's and keychain's state. */
export interface SyncStatus extends SyncCoreStatus {
  /** When the background sync tries next (ms since the epoch), or null when it is off or not attached. */
  readonly nextSync: number | null;
  /** True when this app can keep the database password in the OS keychain (Electron); else PGPASSWORD / ~/.pgpass. */
  readonly canKeepPassword: boolean;
  /** True when a database password for this vault is kept in the OS keychain. Never the password itself. */
  readonly passwordKept: boolean;
}

/** What one sync did. */
export interface SyncReport {
  /** Rows (versions and tombstones) pushed. */
  readonly pushed: number;
  /** Rows pulled and applied. */
  readonly pulled: number;
  readonly conflicts: number;
  /** Rows refused on pull (Integrity). */
  readonly rejected: number;
  /** Attachment files sent (files the server had already are not counted: they are not sent). */
  readonly filesPushed: number;
  /** Attachment files fetched (files already here are not fetched). */
  readonly filesPulled: number;
  /** Pulled rows held back after this sync: versions whose files are missing or altered on the server (retried at every sync). */
  readonly held: number;
}

/** A document changed here and on another device from the same base: both versions are kept. */
export interface SyncConflict {
  readonly id: string;
  /** This vault's version number of the local side. */
  readonly localVersion: number;
  /** This vault's number of the version pulled from the other device; null for a Trash move or purge from elsewhere that was not applied. */
  readonly remoteVersion: number | null;
  readonly reason: string;
  /** When the conflict was found, ms since the epoch. */
  readonly at: number;
}

/** Shortest period the background sync accepts when on, seconds (a shorter one is raised to this). */
export const SYNC_INTERVAL_FLOOR_S = 10;

/** Longest wait between retries after failed syncs, seconds. */
export const SYNC_BACKOFF_MAX_S = 15 * 60;
