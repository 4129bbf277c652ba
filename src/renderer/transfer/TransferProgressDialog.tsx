/** A job under way: what it is doing, how far it got, the file at hand, and Cancel. */
import type { TransferProgress } from '../../shared/transfer';
import { progressLine } from '../model/transfer';
import { Dialog } from '../components/Dialog';

/** Props of {@link TransferProgressDialog}. */
export interface TransferProgressDialogProps {
  readonly progress: TransferProgress;
  readonly cancelling: boolean;
  readonly onCancel: () => void;
}

/** The progress dialog. Escape does not close it (the job goes on): Cancel stops the job, then its summary shows. */
export function TransferProgressDialog({ progress, cancelling, onCancel }: TransferProgressDialogProps) {
  const { kind, total, done } = progress;
  const title = kind === 'import' ? 'Importing' : 'Exporting';
  return (
    <Dialog
      title={title}
      onCancel={() => undefined}
      testId="transfer-progress"
      actions={
        <button type="button" className="danger" onClick={onCancel} disabled={cancelling} data-autofocus>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      }
    >
      {/* A bar without a value is "busy, amount unknown" (an import counts its documents while it reads them). */}
      {total !== null && total > 0 ? <progress max={total} value={Math.min(done, total)} aria-label={title} /> : <progress aria-label={title} />}
      <p aria-live="polite" data-testid="transfer-progress-line">
        {progressLine(progress)}
      </p>
      <p className="muted small transfer-current">
        {progress.current !== '' ? <bdi>{progress.current}</bdi> : ' '}
      </p>
      <p className="muted small">
        {kind === 'import'
          ? 'Documents are written in batches, each whole or not at all. Cancel keeps the batches already written.'
          : 'Each file is written whole. Cancel keeps the files already written; a JSON export is one file and leaves nothing.'}
      </p>
    </Dialog>
  );
}
