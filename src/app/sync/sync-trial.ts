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
