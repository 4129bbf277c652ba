/**
 * The backend's operations on the vault file as a whole: a verified backup into the backups folder, a
 * restore from one (the backup checked with its passphrase before the vault is locked), and a change of
 * passphrase (re-key by copy and swap). Each runs under the unlock back-off where it takes a passphrase,
 * records its audit entry, and reports progress as `progress` events.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AuditRecord } from '../shared/audit';
import type { BackupCreated, BackupRestored, PushEvent, VaultStatus } from '../shared/contract';
import { DocvaultError, isDocvaultError } from '../shared/errors';
import type { Progress } from '../shared/types';
import { Vault, type KeySpec } from '../main/storage';
import { backupsDir, newBackupPath, watchBackupCopy } from './backups';
import type { KeyStore } from './key-store';
import { deriveRawKeyHex, type Store, type StoreOptions } from './store';

/** What these operations need from the backend (./backend.ts), which runs restore and change of passphrase one at a time with unlock and lock. */
export interface BackupHost {
  /** The current vault file. */
  vaultPath(): string;
  readonly options: Pick<StoreOptions, 'nativeBinding' | 'kdfProfile'>;
  /** Where a remembered key is kept (absent in the web twin). */
  readonly keyStore: KeyStore | undefined;
  /** The open store; `Closed` while locked. */
  open(): Store;
  /** Opens the current vault with `key` and the settings' store options. */
  openStore(key: KeySpec): Promise<Store>;
  /** Installs `store` (undefined: locked); `announce: false` keeps the windows' state through a swap. */
  setStore(store: Store | undefined, announce?: boolean): Promise<VaultStatus>;
  /** Runs a passphrase attempt under the unlock back-off: refused while it lasts, counted when wrong. */
  attempt<T>(fn: () => Promise<T>): Promise<T>;
  /** The unlock back-off's check alone. */
  checkThrottle(): Promise<void>;
  /** Records an event in the open vault's audit log (best effort). */
  audit(record: AuditRecord): Promise<void>;
  emit(e: PushEvent): void;
  status(): Promise<VaultStatus>;
}

/** Opens `path` read-only with `passphrase` and closes it: `WrongKey` if it does not fit. */
async function proveKey(path: string, passphrase: string, nativeBinding: string | undefined): Promise<void> {
  const v = await Vault.open(path, { key: { passphrase }, readonly: true, memoryMode: 'baseline', ...(nativeBinding === undefined ? {} : { nativeBinding }) });
  v.close();
}

/**
 * Opens the backup `path` read-only with `passphrase` and verifies it: `WrongKey` if the passphrase does not
 * fit, `Integrity` (naming the first problem) if it does not verify. Nothing is changed either way.
 */
async function checkBackup(path: string, passphrase: string, nativeBinding: string | undefined, onProgress: (p: Progress) => void): Promise<void> {
  const v = await Vault.open(path, { key: { passphrase }, readonly: true, memoryMode: 'baseline', ...(nativeBinding === undefined ? {} : { nativeBinding }) });
  try {
    const report = v.verify((p) => onProgress({ ...p, phase: 'verify' }));
    const first = report.problems[0];
    if (!report.ok)
      throw new DocvaultError('Integrity', `The backup did not verify: ${report.problems.length} problem(s)${first === undefined ? '' : `, first: ${first.message}`}. Nothing was replaced.`, {
        problems: report.problems.length,
      });
  } finally {
    v.close();
  }
}

/** `DocvaultBackend.changePassphrase`: proves the current passphrase, locks, re-keys by copy and swap, opens with the new one. */
export async function changePassphrase(host: BackupHost, passphrase: string, newPassphrase: string): Promise<VaultStatus> {
  await host.checkThrottle();
  // Prove the current passphrase first, with the vault still open: a typo must not lock the window.
  await host.attempt(() => proveKey(host.vaultPath(), passphrase, host.options.nativeBinding));
  await host.setStore(undefined);
  await host.attempt(() =>
    Vault.rekey(host.vaultPath(), {
      key: { passphrase },
      newKey: host.options.kdfProfile === undefined ? { passphrase: newPassphrase } : { passphrase: newPassphrase, kdfProfile: host.options.kdfProfile },
      ...(host.options.nativeBinding === undefined ? {} : { nativeBinding: host.options.nativeBinding }),
      onProgress: (p) => host.emit({ event: 'progress', data: { ...p, op: 'vault.changePassphrase' } }),
    }),
  );
  const ks = host.keyStore;
  const remembered = ks !== undefined && (await ks.has(host.vaultPath()).catch(() => false));
  const raw = remembered ? await deriveRawKeyHex(host.vaultPath(), newPassphrase).catch(() => undefined) : undefined;
  if (remembered && raw === undefined) await ks?.forget(host.vaultPath());
  const store = await host.openStore(raw !== undefined ? { rawKey: raw } : { passphrase: newPassphrase });
  if (raw !== undefined) await ks?.save(host.vaultPath(), raw);
  return host.setStore(store);
}

/** `DocvaultBackend.backup`: a verified backup of the open vault into its backups folder, audited. */
export async function createBackup(host: BackupHost): Promise<BackupCreated> {
  const store = host.open();
  const started = Date.now();
  const target = newBackupPath(host.vaultPath(), started);
  const emit = (p: Progress): void => {
    if (Date.now() - started > 250) host.emit({ event: 'progress', data: { ...p, op: 'backup.create' } });
  };
  const s = await store.stats();
  // VACUUM INTO reports nothing while it copies: the size of the file it writes is the progress.
  const stopWatch = watchBackupCopy(target, Math.max(1, s.pageCount - s.freelistCount), s.pageSize, emit);
  let r: Awaited<ReturnType<Store['backup']>>;
  try {
    r = await store.backup(target, { onProgress: emit });
  } catch (err) {
    await host.audit({ event: 'backup', outcome: 'failed', detail: isDocvaultError(err) ? err.kind : 'Internal' });
    throw err;
  } finally {
    stopWatch();
  }
  await host.audit({ event: 'backup', outcome: 'ok', count: r.documents });
  return { name: basename(r.path), path: r.path, bytes: r.bytes, createdAt: started, documents: r.documents, versions: r.versions, durationMs: r.durationMs };
}

/** `DocvaultBackend.restoreBackup`: checks the backup, locks, swaps it in and opens the restored vault. */
export async function restoreBackup(host: BackupHost, name: string, passphrase: string): Promise<BackupRestored> {
  await host.checkThrottle();
  const file = join(backupsDir(host.vaultPath()), name);
  const onProgress = (p: Progress): void => host.emit({ event: 'progress', data: { ...p, op: 'backup.restore' } });
  // A wrong passphrase, or a backup that does not verify, is refused before the vault is locked: the
  // window stays as it was and shows why. (The engine verifies its own copy again before the swap.)
  if (existsSync(file)) await host.attempt(() => checkBackup(file, passphrase, host.options.nativeBinding, onProgress));
  // Locked without telling the windows: they keep their screen (and the dialog its progress) through the swap.
  await host.setStore(undefined, false);
  let r: Awaited<ReturnType<typeof Vault.restoreBackup>>;
  try {
    r = await host.attempt(() => Vault.restoreBackup(host.vaultPath(), file, {
      key: { passphrase },
      ...(host.options.nativeBinding === undefined ? {} : { nativeBinding: host.options.nativeBinding }),
      onProgress,
    }));
  } catch (err) {
    host.emit({ event: 'vault.changed', data: await host.status() });
    throw err;
  }
  const ks = host.keyStore;
  const remembered = ks !== undefined && (await ks.has(host.vaultPath()).catch(() => false));
  const raw = remembered ? await deriveRawKeyHex(host.vaultPath(), passphrase).catch(() => undefined) : undefined;
  const store = await host.openStore(raw !== undefined ? { rawKey: raw } : { passphrase });
  if (raw !== undefined) await ks?.save(host.vaultPath(), raw);
  const status = await host.setStore(store);
  await host.audit({ event: 'vault.open', outcome: 'ok' });
  host.emit({ event: 'docs.changed', data: { count: r.documents } });
  return { status, keptAs: r.keptAs, documents: r.documents, versions: r.versions };
}
