/**
 * The `sync` bench trial: N realistic documents (bench/data.ts) bulk-saved into a vault, pushed to a server,
 * cloned (pulled) into a second vault — each timed in the same run, so push and pull read as ratios to
 * bulk-save on the same machine at the same moment. Run by scripts/bench-sync.mjs against a loopback
 * PostgreSQL it starts; test/pg/bench-sync.test.ts proves it runs.
 */
import { join } from 'node:path';
import { Vault, generateRawKey } from '../../main/storage';
import { seedBatches } from '../../../bench/data';
import { cloneVault, setRemote, syncVault } from './team-sync';

/** Where and how much. */
export interface SyncTrialOptions {
  readonly url: string;
  readonly caFile: string;
  readonly password?: string;
  readonly docs: number;
  readonly docBytes: number;
  /** A folder for the two vaults (emptied by the caller). */
  readonly dir: string;
  /** Rows per round trip (default 1000). */
  readonly batch?: number;
}

/** What the trial measured (rates are documents per second of wall time). */
export interface SyncTrialResult {
  readonly docs: number;
  readonly docBytes: number;
  readonly bulkSaveDocsPerSec: number;
  readonly pushDocsPerSec: number;
  readonly pullDocsPerSec: number;
  /** The whole clone: connect, key check, create, pull and apply everything. */
  readonly cloneMs: number;
  /** A sync with nothing to do (connect, check, one empty pull): the fixed cost of a sync. */
  readonly idleSyncMs: number;
  readonly pushed: number;
  readonly pulled: number;
}

/** Runs the trial once. */
export async function runSyncTrial(o: SyncTrialOptions): Promise<SyncTrialResult> {
  const key = generateRawKey().toString('hex');
  const password = o.password === undefined ? {} : { password: o.password };
  const batch = o.batch === undefined ? {} : { batch: o.batch };
  const a = Vault.createSync(join(o.dir, 'push.dvault'), { key: { rawKey: key } });
  try {
    let t = performance.now();
    for (const docs of seedBatches(o.docs, o.docBytes)) a.bulkCreate(docs);
    const bulkMs = performance.now() - t;
    await setRemote(a, o.url, { caFile: o.caFile, ...password });
    t = performance.now();
    const pushed = (await syncVault(a, { ...password, ...batch })).pushed;
    const pushMs = performance.now() - t;
    t = performance.now();
    const remoteVault = a.syncState().remoteVault ?? '';
    const { vault: b, report } = await cloneVault(o.url, { path: join(o.dir, 'clone.dvault'), key: { rawKey: key }, caFile: o.caFile, remoteVault, ...password, ...batch });
    const cloneMs = performance.now() - t;
    try {
      t = performance.now();
      await syncVault(b, password);
      const idleSyncMs = performance.now() - t;
      const rate = (n: number, ms: number) => (n * 1000) / ms;
      return {
        docs: o.docs,
        docBytes: o.docBytes,
        bulkSaveDocsPerSec: rate(o.docs, bulkMs),
        pushDocsPerSec: rate(pushed, pushMs),
        pullDocsPerSec: rate(report.pulled, cloneMs),
        cloneMs,
        idleSyncMs,
        pushed,
        pulled: report.pulled,
      };
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

/** Options of {@link runSyncLoad}. */
export interface SyncLoadOptions {
  readonly url: string;
  readonly caFile: string;
  readonly password?: string;
  readonly dir: string;
  /**
   * Fills the server as a superuser would bulk-load it: `rows` sealed-size rows in the vault under test and
   * `otherRows` in `otherVaults` other vaults (the trigger is bypassed for the load only). Called with the
   * vault id once it exists; returns the vault's highest sequence number.
   */
  readonly fill: (vaultId: string) => Promise<number>;
  /** New rows other devices push before the "busy" sync (default 100). */
  readonly fresh?: number;
  /** Idle syncs to time (default 20). */
  readonly samples?: number;
}

/** What a sync costs on a loaded server: an idle sync, and a sync that pulls `fresh` new rows. */
export interface SyncLoadResult {
  readonly idleSyncMsMedian: number;
  readonly idleSyncMsP90: number;
  readonly busySyncMs: number;
  readonly busyPulled: number;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/**
 * The cost of one sync on a server holding many rows: a device that is up to date at the end of a big
 * vault syncs with nothing to do (connect, key check, one index probe past its last number), then with
 * `fresh` new rows from another device to pull.
 */
export async function runSyncLoad(o: SyncLoadOptions): Promise<SyncLoadResult> {
  const key = generateRawKey().toString('hex');
  const password = o.password === undefined ? {} : { password: o.password };
  const device = Vault.createSync(join(o.dir, 'device.dvault'), { key: { rawKey: key } });
  const writer = Vault.createSync(join(o.dir, 'writer.dvault'), { key: { rawKey: key } });
  try {
    const { remoteVault } = await setRemote(device, o.url, { caFile: o.caFile, ...password });
    await setRemote(writer, o.url, { caFile: o.caFile, remoteVault, ...password });
    const top = await o.fill(remoteVault);
    // Both devices are up to date at the end of the loaded vault.
    for (const v of [device, writer]) v.applyPulled([], top);
    const samples: number[] = [];
    for (let i = 0; i < (o.samples ?? 20); i++) {
      const t = performance.now();
      await syncVault(device, password);
      samples.push(performance.now() - t);
    }
    for (const docs of seedBatches(o.fresh ?? 100, 1024, o.fresh ?? 100)) writer.bulkCreate(docs);
    await syncVault(writer, password);
    const t = performance.now();
    const busy = await syncVault(device, password);
    return { idleSyncMsMedian: quantile(samples, 0.5), idleSyncMsP90: quantile(samples, 0.9), busySyncMs: performance.now() - t, busyPulled: busy.pulled };
  } finally {
    device.close();
    writer.close();
  }
}
