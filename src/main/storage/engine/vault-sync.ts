/**
 * The bodies of the Vault's team-sync methods: timed operations over ./sync.ts (writes in their own
 * transaction, pulled documents dropped from the cache), and the keys that seal this vault's rows.
 */

import { DocvaultError } from '../../../shared/errors';
import { profileOfSalt, readVaultHeader } from '../keys';
import { deriveSyncKeys, type SyncKeys } from '../sync/seal';
import {
  applyPulled as applyPulledRows,
  attachRemote as attachRemoteRows,
  detachRemote as detachRemoteRows,
  markPushed as markPushedRows,
  markSynced as markSyncedRow,
  readOutbox,
  syncConflicts as readSyncConflicts,
  syncState as readSyncState,
  type ApplyReport,
  type AttachOptions,
  type DetachedRemote,
  type OutboxEntry,
  type PulledRow,
  type SyncConflict,
  type SyncLocalState,
} from './sync';
import type { VaultCore } from './vault-core';

/** `Vault.syncState`: where this vault syncs to, how far it got, what is pending. */
export function syncState(core: VaultCore): SyncLocalState {
  return core.op('syncState', () => readSyncState(core.read));
}

/** `Vault.syncConflicts`: documents both this device and another changed from the same base. */
export function syncConflicts(core: VaultCore): SyncConflict[] {
  return core.op('syncConflicts', () => readSyncConflicts(core.read));
}

/** `Vault.attachRemote`: attaches the vault to a remote vault. */
export function attachRemote(core: VaultCore, opts: AttachOptions): void {
  core.op('attachRemote', () => core.tx((w) => attachRemoteRows(w, opts)));
}

/**
 * `Vault.detachRemote`: detaches the vault from its remote (see ./sync.ts `detachRemote`): the remote and
 * the sync state go, every document and version stays. Returns what it was attached to, or undefined.
 */
export function detachRemote(core: VaultCore): DetachedRemote | undefined {
  return core.op('detachRemote', () => core.tx((w) => detachRemoteRows(w)));
}

/** `Vault.syncOutbox`: the next `limit` versions and tombstones to push, oldest first. */
export function syncOutbox(core: VaultCore, limit: number): OutboxEntry[] {
  return core.op('syncOutbox', () => readOutbox(core.read, limit));
}

/** `Vault.markPushed`: removes acknowledged entries from the outbox. */
export function markPushed(core: VaultCore, entries: readonly Pick<OutboxEntry, 'n' | 'settles' | 'payload'>[]): void {
  core.op('markPushed', () => core.tx((w) => markPushedRows(w, entries)));
}

/** `Vault.applyPulled`: applies pulled rows and records `lastSeq` in one transaction; the cache forgets them. */
export function applyPulled(core: VaultCore, rows: readonly PulledRow[], lastSeq: number): ApplyReport {
  return core.op('applyPulled', () => {
    const report = core.tx((w) => applyPulledRows(w, rows, lastSeq));
    for (const id of report.ids) core.cache.invalidate(id);
    return report;
  });
}

/** `Vault.markSynced`: records that a sync finished now. */
export function markSynced(core: VaultCore): void {
  core.op('markSynced', () => core.tx((w) => markSyncedRow(w)));
}

/** `Vault.syncKeys`: the keys that seal this vault's rows for remote vault `remoteVault`, from the vault key. */
export function syncKeys(core: VaultCore, remoteVault: string): SyncKeys {
  core.conn();
  const k = core.key;
  if (!('rawKey' in k)) throw new DocvaultError('Invalid', 'A team vault needs an encrypted docvault vault (a passphrase or raw key docvault made)');
  if (!/^[0-9a-f]{32}$/.test(remoteVault)) throw new DocvaultError('Invalid', 'remote vault id: 32 hexadecimal characters');
  return deriveSyncKeys(k.rawKey, Buffer.from(remoteVault, 'hex'));
}

/** `Vault.kdfSalt`: the vault's KDF salt (hex) when keyed by a passphrase through docvault's KDF, else null. */
export function kdfSalt(core: VaultCore): string | null {
  core.conn();
  const header = readVaultHeader(core.path);
  return 'rawKey' in core.key && profileOfSalt(header) !== undefined ? header.toString('hex') : null;
}
