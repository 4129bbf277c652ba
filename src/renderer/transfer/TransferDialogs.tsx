/** The import/export dialog of the step the job is at: the form, the progress, or the summary. */
import { assertNever } from '../../shared/errors';
import type { TransferController } from '../hooks/useTransfer';
import { TransferFormDialog } from './TransferFormDialog';
import { TransferProgressDialog } from './TransferProgressDialog';
import { TransferSummaryDialog } from './TransferSummaryDialog';

/** Shows whatever the import/export flow is at; nothing while it is closed. */
export function TransferDialogs({ t, filtered }: { t: TransferController; filtered: boolean }) {
  const s = t.state;
  switch (s.step) {
    case 'closed':
      return null;
    case 'form':
    case 'starting':
      return (
        <TransferFormDialog
          kind={s.kind}
          form={s.form}
          error={s.step === 'form' ? s.error : undefined}
          busy={s.step === 'starting'}
          paths={t.paths}
          hasCurrent={t.hasCurrent}
          filtered={filtered}
          onEdit={t.edit}
          onPick={() => t.pick(s.kind, s.form)}
          onSubmit={() => t.submit(s.kind, s.form)}
          onCancel={t.close}
        />
      );
    case 'running':
      return <TransferProgressDialog progress={s.progress} cancelling={s.cancelling} onCancel={() => t.cancel(s.jobId)} />;
    case 'summary':
      return <TransferSummaryDialog summary={s.summary} onClose={t.close} />;
    default:
      return assertNever(s, 'transfer step');
  }
}
