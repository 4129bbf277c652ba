/** The top bar's team-vault badge: Synced / N to sync / Syncing… / Sync failed / N conflicts. Opens Settings. */
import type { SyncStatus } from '../../shared/team';
import { syncBadge } from './team-model';

/** Props of {@link SyncIndicator}. */
export interface SyncIndicatorProps {
  readonly status: SyncStatus | undefined;
  readonly onOpen: () => void;
}

/** Nothing when the vault is not attached. */
export function SyncIndicator({ status, onOpen }: SyncIndicatorProps) {
  const badge = syncBadge(status, Date.now());
  if (badge === undefined) return null;
  return (
    <button type="button" className={`sync-badge sync-${badge.tone}`} data-testid="sync-indicator" title={badge.title} onClick={onOpen}>
      {badge.label}
    </button>
  );
}
