/** Settings (memory, cache, readers, auto-lock, ticker), the vault's Back up, Restore, Change passphrase and Audit log, its team vault, and its facts. */
import { useState } from 'react';
import { TeamVaultSection } from '../team/TeamVaultSection';
import type { TeamSyncState } from '../team/useTeamSync';
import { MEMORY_MODE_TEXT, SETTING_LIMITS, type AppSettings } from '../../shared/live';
import type { SerializedError } from '../../shared/errors';
import { MEMORY_MODES, type MemoryMode } from '../../shared/types';
import { toSerializedError } from '../errors';
import { ErrorMessage } from './ErrorMessage';
import { shortcutOf } from '../../shared/shortcuts';
import { chordHint } from '../shortcut-keys';
import { VaultFactsList } from './VaultFactsList';

/** Props of {@link SettingsView}. */
export interface SettingsViewProps {
  readonly settings: AppSettings;
  readonly update: (change: Partial<AppSettings>) => Promise<AppSettings>;
  /** Writes a verified backup into the vault's backups folder (the dialog says where). */
  readonly onBackup: () => void;
  /** Opens the Change passphrase dialog. */
  readonly onChangePassphrase: () => void;
  /** Opens the Restore from a backup dialog. */
  readonly onRestore: () => void;
  /** Opens the Audit log view. */
  readonly onAuditLog: () => void;
  readonly team: TeamSyncState;
  /** Opens the Import… dialog. */
  readonly onImport: () => void;
  /** Opens the Export… dialog. */
  readonly onExport: () => void;
  readonly onClose: () => void;
}

function optionalInt(text: string): number | null {
  const t = text.trim();
  return t === '' ? null : Number(t);
}

/** The settings screen. */
export function SettingsView({ settings, update, onBackup, onRestore, onChangePassphrase, onAuditLog, onImport, onExport, team, onClose }: SettingsViewProps) {
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const save = (change: Partial<AppSettings>): void => {
    setSaved(false);
    update(change)
      .then(() => {
        setError(undefined);
        setSaved(true);
      })
      .catch((err: unknown) => setError(toSerializedError(err)));
  };
  return (
    <section className="panel settings" aria-label="Settings">
      <header className="panel-head">
        <h2>Settings</h2>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <ErrorMessage error={error} onDismiss={() => setError(undefined)} />
      {saved && <p className="notice small">Saved.</p>}
      <fieldset>
        <legend>Memory (applied when the vault is next opened: lock and unlock)</legend>
        <label>
          Memory mode
          <select name="memoryMode" value={settings.memoryMode} onChange={(e) => save({ memoryMode: e.target.value as MemoryMode })}>
            {MEMORY_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">{MEMORY_MODE_TEXT[settings.memoryMode]}</p>
        <label>
          Document cache, MiB (empty: the mode&apos;s)
          <input
            name="cacheMiB"
            type="number"
            min={SETTING_LIMITS.cacheMiB.min}
            max={SETTING_LIMITS.cacheMiB.max}
            defaultValue={settings.cacheMiB ?? ''}
            onBlur={(e) => save({ cacheMiB: optionalInt(e.target.value) })}
          />
        </label>
        <label>
          Reader threads (empty: the mode&apos;s, capped by CPU cores)
          <input
            name="readers"
            type="number"
            min={SETTING_LIMITS.readers.min}
            max={SETTING_LIMITS.readers.max}
            defaultValue={settings.readers ?? ''}
            onBlur={(e) => save({ readers: optionalInt(e.target.value) })}
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Locking and display (applied at once)</legend>
        <label>
          Lock after this many idle minutes (0: never; Electron also locks when the computer sleeps)
          <input
            name="autoLockMinutes"
            type="number"
            min={0}
            max={SETTING_LIMITS.autoLockMinutes.max}
            defaultValue={settings.autoLockMinutes}
            onBlur={(e) => save({ autoLockMinutes: Number(e.target.value) })}
          />
        </label>
        <label className="check">
          <input type="checkbox" name="showTicker" checked={settings.showTicker} onChange={(e) => save({ showTicker: e.target.checked })} />
          Show live counts in the top bar
        </label>
      </fieldset>
      <fieldset>
        <legend>This vault</legend>
        <div className="bench-row">
          <button type="button" onClick={onBackup} title="Write a verified, encrypted copy of the vault to its backups folder">
            Back up
          </button>
          <button type="button" onClick={onRestore} title="Replace the vault with a verified backup from its backups folder (the current vault is kept)">
            Restore…
          </button>
          <button type="button" onClick={onChangePassphrase} title="Re-encrypt the vault with a new passphrase">
            Passphrase…
          </button>
          <button type="button" onClick={onAuditLog} title="Security events of this vault: unlocks, deletions, backups, restores">
            Audit log
          </button>
          <button type="button" onClick={onImport} title={`Import a folder of Markdown or text files, or a docvault export (${chordHint(shortcutOf('import'))})`}>
            Import…
          </button>
          <button type="button" onClick={onExport} title={`Export documents as Markdown files or a docvault export (${chordHint(shortcutOf('export'))})`}>
            Export…
          </button>
        </div>
      </fieldset>
      <TeamVaultSection team={team} syncSeconds={settings.syncSeconds} onSyncSeconds={(syncSeconds) => save({ syncSeconds })} />
      <VaultFactsList />
    </section>
  );
}
