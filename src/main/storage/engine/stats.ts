/** stats(): the running totals, file sizes and page counts, and the caller's cache and latency figures. */
import { statSync } from 'node:fs';
import type { CacheStats, MemoryMode, OpStats, VaultStats } from '../../../shared/types';
import { readCounters } from './rows';
import type { ReadContext } from './statements';

/** What the façade knows that the file does not. */
export interface StatsExtras {
  readonly path: string;
  readonly encrypted: boolean;
  readonly memoryMode: MemoryMode;
  readonly cache: CacheStats;
  readonly ops: Readonly<Record<string, OpStats>>;
  readonly openedAt: number;
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

/** Reads two small tables and a few pragmas: fine to poll every second. */
export function vaultStats(ctx: ReadContext, x: StatsExtras): VaultStats {
  const { db } = ctx;
  const totals = readCounters(ctx.r.counters);
  return {
    path: x.path,
    encrypted: x.encrypted,
    cipher: x.encrypted ? 'sqlcipher4 (AES-256-CBC, HMAC-SHA512)' : null,
    memoryMode: x.memoryMode,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    documents: totals.documents,
    versions: totals.versions,
    contentBytes: totals.contentBytes,
    historyBytes: totals.historyBytes,
    byType: totals.byType,
    trashed: totals.trashed,
    attachments: totals.attachments,
    fileBytes: fileSize(x.path),
    walBytes: fileSize(x.path + '-wal'),
    pageSize: db.pragma('page_size', { simple: true }) as number,
    pageCount: db.pragma('page_count', { simple: true }) as number,
    freelistCount: db.pragma('freelist_count', { simple: true }) as number,
    cache: x.cache,
    ops: x.ops,
    openedAt: x.openedAt,
    createdAt: (ctx.db.prepare("SELECT value FROM meta WHERE key = 'created_at'").pluck().get() as number | undefined) ?? null,
  };
}
