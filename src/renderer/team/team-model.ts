/** What the team-vault indicator and section say, from the sync status alone (pure: unit-tested without a browser). */
import type { Progress } from '../../shared/types';
import type { SyncStatus } from '../../shared/team';
import { errorTitle } from '../errors';
import { formatBytes } from '../model/attachments';

/** The indicator's tone: drives its colour and icon. */
export type SyncTone = 'off' | 'ok' | 'busy' | 'pending' | 'conflict' | 'error';

/** The top bar's sync indicator: a short label, a tone, and a longer tooltip. */
export interface SyncBadge {
  readonly tone: SyncTone;
  readonly label: string;
  readonly title: string;
}

/** "just now", "5 min ago", "3 h ago", or a date. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toLocaleDateString();
}

/** The indicator for `status` (undefined: no badge, the vault is not attached). */
export function syncBadge(status: SyncStatus | undefined, now: number): SyncBadge | undefined {
  if (status === undefined || status.remote === null) return undefined;
  const last = status.lastSync === null ? 'never synced' : `last sync ${ago(status.lastSync, now)}`;
  // A failure outranks conflicts (nothing syncs until it is fixed); conflicts outrank pending work.
  if (status.syncing) return { tone: 'busy', label: 'Syncing…', title: `Syncing with ${status.remote}` };
  if (status.error !== null) return { tone: 'error', label: 'Sync failed', title: `${errorTitle(status.error.kind)}: ${status.error.message} (${last}; retrying)` };
  if (status.conflicts > 0)
    return { tone: 'conflict', label: `${status.conflicts} conflict${status.conflicts === 1 ? '' : 's'}`, title: 'Documents changed here and elsewhere: open Settings → Team vault to compare and settle them' };
  if (status.pending > 0) return { tone: 'pending', label: `${status.pending} to sync`, title: `${status.pending} change${status.pending === 1 ? '' : 's'} not yet on ${status.remote} (${last})` };
  return { tone: 'ok', label: 'Synced', title: `Up to date with ${status.remote} (${last})` };
}

/** The progress line of a sync under way: "Sending 300 of 1,204" / "Receiving 80 of 95" / "Receiving files: 1.5 MB of 4 MB". */
export function progressText(p: Progress | undefined): string | undefined {
  if (p === undefined) return undefined;
  const receiving = p.phase === 'pull' || p.phase === 'pull-files';
  // Attachment phases count bytes, row phases count rows.
  const files = p.phase === 'push-files' || p.phase === 'pull-files';
  const n = files ? formatBytes : (x: number): string => x.toLocaleString();
  return `${receiving ? 'Receiving' : 'Sending'}${files ? ' files:' : ''} ${n(p.done)} of ${n(p.total)}`;
}

/** The clone's progress line: "Connecting…" / "Received 500 of 1,201 rows". */
export function cloneProgressText(p: Progress | undefined): string | undefined {
  if (p === undefined) return undefined;
  if (p.phase === 'connect' || p.total === 0) return 'Connecting and checking the key…';
  return `Received ${p.done.toLocaleString()} of ${p.total.toLocaleString()} rows`;
}

/** The file name a clone proposes: the app's own vault name on first run (nothing there yet), else `team.dvault`. */
export function defaultCloneName(path: string, state: 'missing' | 'locked' | 'unlocked'): string {
  const base = path.split(/[\\/]/).pop() ?? '';
  return state === 'missing' && /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,94}\.dvault$/.test(base) ? base : 'team.dvault';
}

/** The folder part of a vault path (where a clone goes). */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? path : path.slice(0, i);
}
