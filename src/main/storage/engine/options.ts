/** The options of a Vault (the façade in ../vault.ts), apart so the engine files and the façade share them. */
import { DocvaultError } from '../../../shared/errors';
import { SEARCH_RANK_WINDOW } from '../../../shared/search';
import type { OpenOptions } from './open';

/** Options of {@link Vault.create} and {@link Vault.open}: the file's and connection's ({@link OpenOptions}) and these. */
export interface VaultOptions extends OpenOptions {
  /** Largest content accepted, bytes. Default 16 MiB. */
  readonly maxContentBytes?: number;
  /**
   * When cached reads ask SQLite whether another connection or process changed the vault (`PRAGMA
   * data_version`, ~2 µs, dearer than a cache hit). `0` (default): at the first read of every event-loop
   * turn, so a synchronous run of reads sees one state and any change from outside is seen after the next
   * `await` or event; `N > 0`: at most every N ms as well. Writes through this object keep the cache
   * exact at once, whatever this says. `refresh()` checks now.
   */
  readonly externalCheckMs?: number;
  /**
   * After a purge or emptyTrash, the WAL is checkpointed and truncated so the erased text does not
   * survive in the `-wal` file: at once, or — when one ran less than this many ms ago — when the
   * interval ends (several erasures coalesce into one checkpoint). Default 1000.
   */
  readonly walScrubMs?: number;
  /**
   * Once no transaction has run on a writer for this many ms, it merges the search index's segments in
   * bounded steps (engine/search-merge.ts), then checkpoints the WAL (PASSIVE: never waiting for readers),
   * so commits seldom pay a merge or a checkpoint themselves (engine/checkpoint.ts). Default 250.
   */
  readonly idleCheckpointMs?: number;
  /**
   * How long a writer's close may spend on the search index's merges left (a writer closed within its idle
   * time), before its checkpoint. Default 100 ms; an import or a seed that closes at once may pass more.
   */
  readonly closeWorkMs?: number;
  /** Audit entries kept before the oldest are pruned. Default `AUDIT_MAX_ENTRIES` (10,000; tests lower it). */
  readonly auditMaxEntries?: number;
  /**
   * Counted audit entries of one event that follow the newest within this long of its start merge into it,
   * committed together or not. Default `AUDIT_MERGE_MS` (60 s); 0: only entries of one transaction merge (tests).
   */
  readonly auditMergeMs?: number;
  /** Largest attachment accepted, bytes. Default `ATTACHMENT_LIMITS.maxBytes` (256 MiB). */
  readonly maxAttachmentBytes?: number;
  /** An attachment upload not continued for this long may be dropped (by the next `beginAttachment` or open). Default 15 min. */
  readonly uploadIdleMs?: number;
  /**
   * `search` ranks at most this many matches together: when more documents match, the newest window of
   * them is ranked by bm25 first, then the next (`SearchPage.ranking`; a query's `rankAll` ranks them all).
   * A whole number from 1. Default `SEARCH_RANK_WINDOW` (10,000; tests lower it).
   */
  readonly searchRankWindow?: number;
}

/** The search ranking window of `opts` (its default when unset); `Invalid` unless a whole number from 1. */
export function searchRankWindowOf(opts: Pick<VaultOptions, 'searchRankWindow'>): number {
  const w = opts.searchRankWindow ?? SEARCH_RANK_WINDOW;
  if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 1) throw new DocvaultError('Invalid', 'searchRankWindow: must be a whole number, 1 or more', { field: 'searchRankWindow' });
  return w;
}

/** Default of {@link VaultOptions.walScrubMs}. */
export const DEFAULT_WAL_SCRUB_MS = 1000;

/** `opts`, once the options no file operation checks are found valid: called before anything is opened. */
export function checked<T extends VaultOptions>(opts: T): T {
  searchRankWindowOf(opts);
  const merge = opts.auditMergeMs;
  if (merge !== undefined && !(typeof merge === 'number' && Number.isFinite(merge) && merge >= 0))
    throw new DocvaultError('Invalid', 'auditMergeMs: must be a number of milliseconds, 0 or more', { field: 'auditMergeMs' });
  return opts;
}
