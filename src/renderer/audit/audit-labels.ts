/** What each audit event and outcome reads as in the window: one table, exhaustive by type. */
import type { AuditEntry, AuditEvent } from '../../shared/audit';

/** The words for each event. */
export const AUDIT_EVENT_LABELS: Readonly<Record<AuditEvent, string>> = {
  'vault.create': 'Vault created',
  'vault.open': 'Vault unlocked',
  'unlock.failed': 'Wrong passphrase or key',
  rekey: 'Passphrase changed',
  backup: 'Backup',
  restore: 'Restored from a backup',
  'document.create': 'Documents created',
  'document.delete': 'Moved to the Trash',
  'document.undelete': 'Restored from the Trash',
  'document.purge': 'Deleted forever',
  'integrity.failure': 'Integrity check failed',
  export: 'Export',
  import: 'Import',
};

/** The count column: documents, or attempts for failed unlocks; empty when not counted. */
export function countText(e: AuditEntry): string {
  if (e.count === null) return '';
  if (e.event === 'unlock.failed') return e.count === 1 ? '1 attempt' : `${e.count} attempts`;
  if (e.event === 'integrity.failure') return e.count === 1 ? '1 problem' : `${e.count} problems`;
  return e.count === 1 ? '1 document' : `${e.count} documents`;
}

/** The outcome column: "ok", or "failed" with the error kind when there is one. */
export function outcomeText(e: AuditEntry): string {
  return e.outcome === 'ok' ? 'ok' : e.detail === null ? 'failed' : `failed (${e.detail})`;
}
