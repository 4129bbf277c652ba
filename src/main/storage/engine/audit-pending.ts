/**
 * Audit entries pending in the current write transaction, appended once, when its outermost level ends
 * (vault-core.ts, beside the pending totals). Adjacent counted entries of the same event and outcome merge
 * into one with the sum of their counts: the service writer's group commit of 64 creates records one
 * `document.create` entry of 64, as a bulk call always did, not 64 entries. What merges commits in one
 * transaction, so the log loses nothing it said before but the split of a count between writes committed
 * together; a log of 10,000 entries then holds that many commits, not that many documents. Measured:
 * 64 creates in one transaction −8–10 % user CPU per document without an append per create
 * (docs/bench.md).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { appendAudit, merges, type AuditAppend, type AuditLimits } from './audit';

/** An entry waiting for its transaction's end, with the time of its first write. Never changed: a merge replaces it. */
interface Pending {
  readonly e: AuditAppend;
  readonly at: number;
}

/**
 * What {@link PendingAudit.mark} saw: to put back if a savepoint begun then rolls back. A copy, not a length:
 * a read inside the savepoint may have appended them (`VaultCore.settled`), and its rollback took them out
 * of the log again. Usually one entry (what a transaction's writes record merges).
 */
export type AuditMark = readonly Pending[];

/** The audit entries of one write transaction, not yet appended. */
export class PendingAudit {
  #entries: Pending[] = [];

  get empty(): boolean {
    return this.#entries.length === 0;
  }

  /** Records `e`, written at `at`: merged into the previous entry when {@link merges} says so. */
  add(e: AuditAppend, at: number): void {
    const last = this.#entries[this.#entries.length - 1];
    if (last !== undefined && merges(last.e, e)) this.#entries[this.#entries.length - 1] = { e: { ...last.e, count: (last.e.count as number) + (e.count as number) }, at: last.at };
    else this.#entries.push({ e, at });
  }

  /** What is pending now, to put back with {@link PendingAudit.restore}. */
  mark(): AuditMark {
    return this.#entries.slice();
  }

  /** Puts back what was pending at `m` (the savepoint begun then rolled back). */
  restore(m: AuditMark): void {
    this.#entries = m.slice();
  }

  /** Forgets everything pending (the outermost transaction rolled back). */
  clear(): void {
    this.#entries = [];
  }

  /** Appends what is pending to the log, in order (inside the transaction), and forgets it. */
  flush(db: Database.Database, key: Uint8Array, limits: AuditLimits): void {
    const entries = this.#entries;
    this.#entries = [];
    for (const p of entries) appendAudit(db, key, p.e, p.at, limits);
  }
}
