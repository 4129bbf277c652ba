/** The result of Back up: where the verified copy was written. */
import type { BackupCreated } from '../../shared/contract';
import { plural } from '../model/vault-screen';
import { Dialog } from './Dialog';

/** Shows the backup just written. */
export function BackupDialog({ backup, onClose }: { backup: BackupCreated; onClose: () => void }) {
  return (
    <Dialog title="Backup written" onCancel={onClose} actions={<button onClick={onClose} data-autofocus>Close</button>} testId="backup-dialog">
      <p className="notice">
        {plural(backup.documents, 'document')} ({plural(backup.versions, 'version')}) copied and verified.
      </p>
      <p className="small">
        Saved as <code className="path-value">{backup.path}</code> ({(backup.bytes / 1024 / 1024).toFixed(1)} MB), encrypted with this
        vault&apos;s passphrase.
      </p>
      <p className="muted small">
        Keep a copy somewhere else too. To restore it: <code className="nowrap">docvault restore-backup</code>. Took {Math.round(backup.durationMs)} ms.
      </p>
    </Dialog>
  );
}
