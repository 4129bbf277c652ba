/**
 * The bodies of the Vault's whole-file operations: a verified backup (./backup.ts), a restore from one,
 * and a change of key by copy and swap (./rekey.ts). Each copy is opened with its own core, read-only
 * where it only needs verifying, and closed (its key wiped) whatever happens.
 */

import { DocvaultError } from '../../../shared/errors';
import type { Progress, VerifyReport } from '../../../shared/types';
import type { KeySpec, ResolvedKey } from '../keys';
import { backupVault, restoreBackupFile, type BackupOptions, type BackupReport, type RestoreReport } from './backup';
import { openResolved, openVaultFile, openVaultFileSync, specOf } from './open';
import type { VaultOptions } from './options';
import { rekeyVault, type RekeyReport } from './rekey';
import { renewDevice, type DetachedRemote } from './sync';
import { detachRemote, syncState } from './vault-sync';
import { verify } from './vault-audit';
import { VaultCore } from './vault-core';

/** What {@link rekey} takes: the vault's key now, the key it is to have, and where to report progress. */
export interface RekeyOptions {
  readonly key: KeySpec;
  readonly newKey: KeySpec;
  readonly onProgress?: (p: Progress) => void;
  readonly nativeBinding?: string;
}

/** What {@link rekey} did; `detachedFrom` names the remote the vault was detached from (the sync keys derive from the vault key). */
export type RekeyResult = RekeyReport & { readonly detachedFrom?: DetachedRemote };

/** What {@link restoreBackup} takes: the backup's key (`key`), and where to report progress. */
export type RestoreOptions = Pick<VaultOptions, 'key' | 'nativeBinding' | 'now'> & { readonly onProgress?: (p: Progress) => void };

/** Opens the vault at `path` as `Vault.open` does, without the public face. */
async function openCore(path: string, opts: VaultOptions): Promise<VaultCore> {
  return VaultCore.over(path, await openVaultFile(path, opts), opts);
}

/** Verifies the vault `v` has open and closes it, whatever happens. */
function verifyWith(v: VaultCore, onProgress?: (p: Progress) => void): VerifyReport {
  try {
    return verify(v, onProgress);
  } finally {
    v.close();
  }
}

/** `Vault.backup`: a consistent, verified copy of the vault at `out`, made while other connections write. */
export function backup(core: VaultCore, out: string, opts: BackupOptions = {}): BackupReport {
  return core.op('backup', () => backupVault(core.conn(), core.path, out, (copy, onProgress) => verifyCopy(core, copy, onProgress), opts));
}

/** Opens a copy of this vault read-only with this vault's key and verifies it. */
function verifyCopy(core: VaultCore, path: string, onProgress?: (p: Progress) => void): VerifyReport {
  const key = core.key;
  const copy: ResolvedKey = 'rawKey' in key ? { rawKey: Buffer.from(key.rawKey) } : key;
  const opts: VaultOptions = { key: specOf(copy), readonly: true, memoryMode: 'baseline', ...(core.nativeBinding === undefined ? {} : { nativeBinding: core.nativeBinding }) };
  return verifyWith(VaultCore.over(path, openResolved(path, opts, copy), opts), onProgress);
}

/** `Vault.restoreBackup`: replaces the (closed) vault at `vaultPath` with the verified backup `file`, atomically. */
export function restoreBackup(vaultPath: string, file: string, opts: RestoreOptions): Promise<RestoreReport> {
  const binding = opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding };
  return restoreBackupFile(vaultPath, file, {
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    verifyFile: async (path, onProgress) => verifyWith(await openCore(path, { key: opts.key, readonly: true, memoryMode: 'baseline', ...binding }), onProgress),
    // The restored vault's own log says it was restored (and how many documents came back).
    markRestored: async (path, report) => {
      const v = await openCore(path, { key: opts.key, memoryMode: 'baseline', ...binding, ...(opts.now === undefined ? {} : { now: opts.now }) });
      try {
        v.tx((w) => {
          v.audit(w, { event: 'restore', outcome: 'ok', count: report.documents });
          // The backup's device id has pushed versions past the backup, under numbers this vault will reuse.
          renewDevice(w);
        });
      } finally {
        v.close();
      }
    },
  });
}

/** `Vault.rekey`: changes the key of the (closed) vault at `path` by copy and swap (see ./rekey.ts). */
export async function rekey(path: string, opts: RekeyOptions): Promise<RekeyResult> {
  const binding = opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding };
  let detachedFrom: DetachedRemote | undefined;
  const report = await rekeyVault(path, opts, {
    copyUnderOldKey: async (copy, onProgress) => {
      const v = await openCore(path, { key: opts.key, memoryMode: 'baseline', ...binding });
      try {
        if (!v.encrypted) throw new DocvaultError('Invalid', 'This vault is not encrypted: it has no key to change');
        backup(v, copy, onProgress === undefined ? {} : { onProgress });
        const k = v.key;
        // The sync keys derive from the vault key: under the new key this vault can neither read nor seal
        // its remote vault's rows. The copy (only: the vault keeps its remote until the swap) is detached.
        if ('rawKey' in k && syncState(v).remoteVault !== undefined) {
          const copyOpts: VaultOptions = { key: { rawKey: Buffer.from(k.rawKey) }, memoryMode: 'baseline', ...binding };
          const cv = VaultCore.over(copy, openVaultFileSync(copy, copyOpts), copyOpts);
          try {
            detachedFrom = detachRemote(cv);
          } finally {
            cv.close();
          }
        }
        return 'rawKey' in k ? { rawKey: Buffer.from(k.rawKey) } : 'sqlcipherPassphrase' in k ? { passphrase: k.sqlcipherPassphrase } : {};
      } finally {
        v.close();
      }
    },
    verifyCopy: (copy, rawKey, onProgress) => {
      const nvOpts: VaultOptions = { key: { rawKey }, readonly: true, memoryMode: 'baseline', ...binding };
      return verifyWith(VaultCore.over(copy, openVaultFileSync(copy, nvOpts), nvOpts), onProgress);
    },
  });
  return detachedFrom === undefined ? report : { ...report, detachedFrom };
}
