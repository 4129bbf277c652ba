/** The bar across the top: vault path, live counts, Trash, Verify, Back up, Passphrase…, Lock. */
import type { PushEvents } from '../../shared/contract';
import { shortcutOf } from '../../shared/shortcuts';
import { plural } from '../model/vault-screen';
import { chordHint } from '../shortcut-keys';

/** Props of {@link TopBar}. */
export interface TopBarProps {
  readonly path: string;
  readonly stats: PushEvents['stats.tick'] | undefined;
  readonly view: 'documents' | 'trash';
  readonly onToggleTrash?: () => void;
  readonly onVerify: () => void;
  readonly onBackup: () => void;
  readonly onChangePassphrase: () => void;
  readonly onLock: () => void;
}

/** The top bar. */
export function TopBar({ path, stats, view, onToggleTrash, onVerify, onBackup, onChangePassphrase, onLock }: TopBarProps) {
  return (
    <header className="topbar">
      <strong className="brand">docvault</strong>
      <span className="muted path" title={path}>
        {path}
      </span>
      <span className="spacer" />
      {stats !== undefined && (
        <span className="muted small stats" data-testid="stats">
          {plural(stats.documents, 'document')} · {plural(stats.versions, 'version')} · {(stats.fileBytes / 1024 / 1024).toFixed(1)} MB
        </span>
      )}
      {onToggleTrash !== undefined && (
      <button type="button" onClick={onToggleTrash} aria-pressed={view === 'trash'} title={view === 'trash' ? 'Back to the documents' : 'Documents you deleted, until you empty the Trash'}>
        {view === 'trash' ? 'Documents' : 'Trash'}
      </button>
      )}
      <button type="button" onClick={onVerify} title="Check every stored version against its signature">
        Verify
      </button>
      <button type="button" onClick={onBackup} title="Write a verified, encrypted copy of the vault to its backups folder">
        Back up
      </button>
      <button type="button" onClick={onChangePassphrase} title="Re-encrypt the vault with a new passphrase">
        Passphrase…
      </button>
      <button type="button" onClick={onLock} title={`Lock (${chordHint(shortcutOf('lock'))})`}>
        Lock
      </button>
    </header>
  );
}
