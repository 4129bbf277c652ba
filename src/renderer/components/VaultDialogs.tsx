/** The vault screen's modal dialogs: passphrase change, restore, backup and verify results, unsaved changes. */
import type { VaultStatus } from '../../shared/contract';
import type { useVaultScreen } from '../hooks/useVaultScreen';
import { BackupDialog } from './BackupDialog';
import { ChangePassphraseDialog } from './ChangePassphraseDialog';
import { ConfirmDialog } from './Dialog';
import { RestoreBackupDialog } from './RestoreBackupDialog';
import { VerifyDialog } from './VerifyDialog';

/** Props of {@link VaultDialogs}. */
export interface VaultDialogsProps {
  /** The screen's state and actions (useVaultScreen). */
  readonly v: ReturnType<typeof useVaultScreen>;
  readonly vaultPath: string;
  readonly onStatus: (s: VaultStatus) => void;
  /** Whether the Restore from a backup dialog is open. */
  readonly restoring: boolean;
  /** The restore dialog closed: with the restored vault's status, or undefined when cancelled. */
  readonly onRestoreEnd: (s: VaultStatus | undefined) => void;
}

/** Whichever of the vault screen's dialogs is open. */
export function VaultDialogs({ v, vaultPath, onStatus, restoring, onRestoreEnd }: VaultDialogsProps) {
  const { state, dispatch } = v;
  return (
    <>
      {state.changingPassphrase && (
        <ChangePassphraseDialog
          onDone={(s) => {
            dispatch({ type: 'changePassphrase', open: false });
            onStatus(s);
          }}
          onCancel={() => dispatch({ type: 'changePassphrase', open: false })}
        />
      )}
      {restoring && <RestoreBackupDialog vaultPath={vaultPath} onDone={(s) => onRestoreEnd(s)} onCancel={() => onRestoreEnd(undefined)} />}
      {state.backup !== undefined && <BackupDialog backup={state.backup} onClose={() => dispatch({ type: 'backup', backup: undefined })} />}
      {state.report !== undefined && <VerifyDialog report={state.report} onClose={() => dispatch({ type: 'report', report: undefined })} />}
      {state.pending !== undefined && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message="The document you are editing has changes that are not saved."
          confirmLabel="Discard changes"
          danger
          onConfirm={v.discard}
          onCancel={() => dispatch({ type: 'answered' })}
        />
      )}
    </>
  );
}
