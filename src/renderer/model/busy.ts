/** The words of the window's progress indicator (App.tsx), apart so they are tested without a DOM. */
import { MIGRATION_PHASE } from '../../shared/types';
import type { BusyState } from '../state';

/** The call's label, or — while an older vault is upgraded as it opens — how far that one-time upgrade is. */
export function busyText(busy: BusyState): string {
  const p = busy.progress;
  if (p?.phase !== MIGRATION_PHASE || p.total <= 0) return `${busy.label}…`;
  return `Upgrading the vault for this version of docvault (once): ${Math.floor((100 * Math.min(p.done, p.total)) / p.total)}%`;
}
