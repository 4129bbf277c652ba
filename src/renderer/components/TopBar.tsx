/** The bar across the top: vault path (and "Not encrypted" for a plain vault), live counts, Trash, the panels, Verify, Lock. */
import type { VaultCounts } from '../hooks/useVaultScreen';
import { PanelButtons, type Panel } from './PanelButtons';
import { shortcutOf } from '../../shared/shortcuts';
import { plural } from '../model/vault-screen';
import { chordHint } from '../shortcut-keys';
import type { SyncStatus } from '../../shared/team';
import { SyncIndicator } from '../team/SyncIndicator';

/** Props of {@link TopBar}. */
export interface TopBarProps {
  readonly path: string;
  readonly stats: VaultCounts | undefined;
  /** False for a plain vault: marked in the bar at all times. */
  readonly encrypted: boolean | null;
  readonly panel: Panel;
  readonly onPanel: (p: Panel) => void;
  readonly view: 'documents' | 'trash';
  /** Shows the Trash, or the documents; with a panel open over the Trash, it closes the panel. */
  readonly onToggleTrash?: () => void;
  readonly onVerify: () => void;
  readonly onLock: () => void;
  /** The team-vault status (a badge when the vault is attached); the badge opens Settings. */
  readonly sync?: SyncStatus | undefined;
}

/** The top bar. */
export function TopBar({ path, stats, encrypted, panel, onPanel, view, onToggleTrash, onVerify, onLock, sync }: TopBarProps) {
  // A toggle keeps its label (aria-pressed says whether it is on). A panel covers the Trash list: then the
  // Trash button is not pressed, so one button at most shows what fills the pane.
  const trashShown = view === 'trash' && panel === 'none';
  return (
    <header className="topbar">
      <strong className="brand">docvault</strong>
      {encrypted === false && (
        <span className="badge-plain" data-testid="plain-vault" title="This vault is not encrypted: anyone who can read the file can read every document">
          Not encrypted
        </span>
      )}
      {/* The file's name; the whole path is in the tooltip and in Settings (a long folder would push the name out). */}
      <span className="muted path" title={path} data-testid="vault-path">
        {path.split(/[\\/]/).pop()}
      </span>
      <span className="spacer" />
      {stats !== undefined && (
        <span className="muted small stats" data-testid="stats">
          {plural(stats.documents, 'document')} · {plural(stats.versions, 'version')} · {(stats.fileBytes / 1024 / 1024).toFixed(1)} MB
        </span>
      )}
      <SyncIndicator status={sync} onOpen={() => onPanel('settings')} />
      <div className="topbar-actions">
        {onToggleTrash !== undefined && (
          <button type="button" onClick={onToggleTrash} aria-pressed={trashShown} title={trashShown ? 'Back to the documents' : 'Documents you deleted, until you empty the Trash'}>
            Trash
          </button>
        )}
        <PanelButtons panel={panel} onPanel={onPanel} />
        <button type="button" onClick={onVerify} title="Check every stored version against its signature">
          Verify
        </button>
        <button type="button" onClick={onLock} title={`Lock (${chordHint(shortcutOf('lock'))})`}>
          Lock
        </button>
      </div>
    </header>
  );
}
