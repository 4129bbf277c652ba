/**
 * What a write transaction has pending, both kinds taken together: its totals and vault state
 * (./totals.ts) and its audit entries (./audit-pending.ts). VaultCore (./vault-core.ts) marks them when a
 * savepoint begins and puts them back if it rolls back, so a rolled-back write's part goes with its rows;
 * it writes them before the outermost level commits, or before a read inside the transaction that needs them.
 */
import type { AuditLimits } from './audit';
import type { AuditMark } from './audit-pending';
import type { WriteContext } from './statements';
import type { TotalsMark } from './totals';

/** What a transaction had pending when a savepoint began (see {@link markPending}). */
export interface PendingMark {
  readonly totals: TotalsMark;
  readonly audits: AuditMark;
}

/** What the current transaction has pending (totals, audit entries), to put back if a savepoint rolls back. */
export function markPending(w: WriteContext): PendingMark {
  return { totals: w.totals.mark(), audits: w.audits.mark() };
}

/** Puts what is pending back to `m`: a savepoint begun at the mark rolled back. */
export function restorePending(w: WriteContext, m: PendingMark): void {
  w.totals.restore(m.totals);
  w.audits.restore(m.audits);
}

/** Writes what the current transaction has pending: its audit entries, then its totals and vault state. */
export function flushPending(w: WriteContext, auditKey: Buffer, limits: AuditLimits): void {
  if (!w.audits.empty) w.audits.flush(w.db, auditKey, limits);
  if (!w.totals.empty) w.totals.flush(w);
}
