/**
 * The audit log's shape, shared by the engine, the app, the CLI and the window: which security events are
 * recorded, and what a page of the log says. Never content, titles, document ids or keys: an entry is a
 * time, an event, an outcome, a count and at most an error kind.
 */

/** Every event the audit log records. */
export const AUDIT_EVENTS = [
  'vault.create',
  'vault.open',
  'unlock.failed',
  'rekey',
  'backup',
  'restore',
  'document.create',
  'document.delete',
  'document.undelete',
  'document.purge',
  'integrity.failure',
  'export',
  'import',
] as const;

/** One of {@link AUDIT_EVENTS}. */
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** Events the app layer records itself (the rest are written by the engine in the transaction they describe). */
export const APP_AUDIT_EVENTS = ['vault.open', 'unlock.failed', 'backup', 'integrity.failure', 'export', 'import'] as const satisfies readonly AuditEvent[];

/** One of {@link APP_AUDIT_EVENTS}. */
export type AppAuditEvent = (typeof APP_AUDIT_EVENTS)[number];

/** How an audited operation ended. */
export type AuditOutcome = 'ok' | 'failed';

/** One entry of the audit log. */
export interface AuditEntry {
  /** Position in the log, from 1, never reused. */
  readonly seq: number;
  /** When, in ms since the epoch. */
  readonly at: number;
  readonly event: AuditEvent;
  readonly outcome: AuditOutcome;
  /** How many documents (or attempts, for `unlock.failed`) the event covers; null when not counted. */
  readonly count: number | null;
  /** For a failure: the error kind (e.g. `Integrity`); otherwise null. */
  readonly detail: string | null;
}

/** A break in the audit log's chain: what `verify` and `auditLog` report. */
export interface AuditProblem {
  /** The entry it concerns, when one can be named. */
  readonly seq?: number;
  readonly message: string;
}

/** What an app-recorded event says (the engine adds the time, position and tag). */
export interface AuditRecord {
  readonly event: AppAuditEvent;
  readonly outcome: AuditOutcome;
  readonly count?: number | null;
  readonly detail?: string | null;
}

/** Options of `auditLog`. */
export interface AuditQuery {
  /** At most this many entries, newest first. Default 200, at most 10,000. */
  readonly limit?: number;
}

/** A page of the audit log, newest first, and the state of its chain. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** Entries kept in the log (the page may show fewer). */
  readonly total: number;
  /** The oldest kept entry's position: above 1 once the cap pruned older ones. */
  readonly firstSeq: number;
  /** Every break in the chain, over the whole log (not only this page). Empty: the log verifies. */
  readonly problems: readonly AuditProblem[];
}

/** Entries kept before the oldest are pruned (a tagged marker records where the kept log starts). */
export const AUDIT_MAX_ENTRIES = 10_000;
/** How many of the oldest entries one prune removes (so pruning runs once per this many appends). */
export const AUDIT_PRUNE_BATCH = 1_000;
/**
 * Counted entries of one event and outcome (neither with a detail) that follow each other within this long of
 * the first are one entry with their summed count, stamped with the first one's time, committed together or
 * not (a run of single saves is one `document.create` entry per minute).
 */
export const AUDIT_MERGE_MS = 60_000;
