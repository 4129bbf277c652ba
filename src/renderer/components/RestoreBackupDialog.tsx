/**
 * Restore from a backup (Settings → This vault → Restore…): pick one of the backups in the vault's backups
 * folder (where Back up writes them; the window never takes a path), give the backup's passphrase, confirm.
 * The backup is copied and verified before anything is replaced; the current vault is kept beside it as
 * `<vault>.before-restore-<time>`. A wrong passphrase or a backup that fails verification changes nothing.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { BackupInfo, BackupRestored, VaultStatus } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import { toSerializedError } from '../errors';
import { plural } from '../model/vault-screen';
import { useApi } from '../state';
import { Dialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';

/** Props of {@link RestoreBackupDialog}. */
export interface RestoreBackupProps {
  /** The vault's path (the kept copy is named after it). */
  readonly vaultPath: string;
  readonly onDone: (s: VaultStatus) => void;
  readonly onCancel: () => void;
}

function when(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The dialog. On success it says what was restored and where the replaced vault is. */
export function RestoreBackupDialog({ vaultPath, onDone, onCancel }: RestoreBackupProps) {
  const { call } = useApi();
  const [backups, setBackups] = useState<readonly BackupInfo[] | undefined>(undefined);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [working, setWorking] = useState(false);
  const [done, setDone] = useState<BackupRestored | undefined>(undefined);
  useEffect(() => {
    call('backup.list', {})
      .then((list) => {
        setBackups(list);
        setChosen(list[0]?.name);
      })
      .catch((err: unknown) => setError(toSerializedError(err)));
  }, [call]);

  const canSubmit = !working && chosen !== undefined && passphrase.length > 0;
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!canSubmit) return;
    setWorking(true);
    setError(undefined);
    try {
      setDone(await call('backup.restore', { name: chosen, passphrase }, 'Verifying and restoring the backup'));
    } catch (err) {
      setError(toSerializedError(err));
    } finally {
      setWorking(false);
    }
  };

  if (done !== undefined)
    return (
      <Dialog title="Backup restored" onCancel={() => onDone(done.status)} testId="restore-done" actions={<button onClick={() => onDone(done.status)} data-autofocus>Close</button>}>
        <p className="notice">
          {plural(done.documents, 'document')} ({plural(done.versions, 'version')}) restored and verified.
        </p>
        {done.keptAs !== undefined && (
          <p className="small">
            The vault it replaced is kept as <code className="path-value">{done.keptAs}</code>.
          </p>
        )}
      </Dialog>
    );

  return (
    <Dialog
      title="Restore from a backup"
      onCancel={onCancel}
      testId="restore-backup"
      wide
      actions={
        <>
          <button type="button" onClick={onCancel} disabled={working}>
            Cancel
          </button>
          <button type="submit" form="restore-backup-form" className="primary danger" disabled={!canSubmit}>
            Restore
          </button>
        </>
      }
    >
      <form id="restore-backup-form" className="stack" onSubmit={(e) => void submit(e)}>
        {backups === undefined && error === undefined && <p className="muted">Looking for backups…</p>}
        {backups !== undefined && backups.length === 0 && (
          <p className="empty muted" data-testid="no-backups">
            No backups yet. Back up writes them to the <code>backups</code> folder beside the vault; restore picks one from there.
          </p>
        )}
        {backups !== undefined && backups.length > 0 && (
          <fieldset className="backup-choices">
            <legend>Backup</legend>
            {backups.map((b) => (
              <label key={b.name} className="check">
                <input type="radio" name="backup" value={b.name} checked={chosen === b.name} onChange={() => setChosen(b.name)} />
                <span>
                  {when(b.createdAt)} <span className="muted small">· {(b.bytes / 1024 / 1024).toFixed(1)} MB · {b.name}</span>
                </span>
              </label>
            ))}
          </fieldset>
        )}
        <label>
          The backup&apos;s passphrase (this vault&apos;s passphrase when the backup was taken)
          <input type="password" name="passphrase" autoComplete="current-password" data-autofocus value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
        <p className="warn small">
          The vault is locked, the backup copied and verified, then swapped in. The current vault is kept as{' '}
          <code className="path-value">{vaultPath}.before-restore-&lt;time&gt;</code>. A wrong passphrase or a damaged backup changes nothing.
        </p>
        <ErrorMessage error={error} onDismiss={() => setError(undefined)} />
      </form>
    </Dialog>
  );
}
