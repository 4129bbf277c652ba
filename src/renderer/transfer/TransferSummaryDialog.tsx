/** How a job ended: counts, where, what a Cancel kept, and every item it could not take, with the reason. */
import type { TransferSummary } from '../../shared/transfer';
import { summaryTitle } from '../model/transfer';
import { plural } from '../model/vault-screen';
import { Dialog } from '../components/Dialog';
import { ErrorMessage } from '../components/ErrorMessage';

/** What the job did, in one sentence. */
function counts(s: TransferSummary): string {
  if (s.kind === 'import') return `${plural(s.documents, 'document')} (${plural(s.versions, 'version')}) imported from`;
  return `${plural(s.documents, 'document')} (${plural(s.versions, 'version')}) exported to ${plural(s.files, 'file')} in`;
}

/** The summary dialog. */
export function TransferSummaryDialog({ summary: s, onClose }: { summary: TransferSummary; onClose: () => void }) {
  const problems = s.issues.length + s.issuesOmitted;
  return (
    <Dialog title={summaryTitle(s)} onCancel={onClose} wide={problems > 0} testId="transfer-summary" actions={<button type="button" onClick={onClose} data-autofocus>Close</button>}>
      <p className={s.outcome === 'done' && problems === 0 ? 'notice' : undefined} data-testid="transfer-counts">
        {counts(s)} <bdi className="path-value">{s.where}</bdi>
        <span className="muted small"> · {s.seconds.toFixed(1)} s</span>
      </p>
      {s.outcome === 'cancelled' && (
        <p className="warn small">
          {s.kind === 'import'
            ? `Cancelled: the ${plural(s.documents, 'document')} written before you cancelled stay in the vault (each batch was written whole); nothing after them was written.`
            : 'Cancelled: the files written before you cancelled stay in the folder, each one whole; a JSON export was removed.'}
        </p>
      )}
      {s.error !== undefined && (
        <>
          <ErrorMessage error={s.error} />
          {s.kind === 'import' && s.documents > 0 && <p className="small">The {plural(s.documents, 'document')} written before the error stay in the vault.</p>}
        </>
      )}
      {problems > 0 && (
        <>
          <h3 className="transfer-issues-title">
            {plural(problems, 'item')} not {s.kind === 'import' ? 'imported' : 'exported'}
          </h3>
          <div className="transfer-issues">
            <table data-testid="transfer-issues">
              <thead>
                <tr>
                  <th scope="col">{s.kind === 'import' ? 'File' : 'Document'}</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {s.issues.map((i, n) => (
                  <tr key={n}>
                    <td>
                      <bdi>{i.source}</bdi>
                    </td>
                    <td>
                      <span className="pill">{i.kind}</span> {i.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {s.issuesOmitted > 0 && <p className="muted small">…and {plural(s.issuesOmitted, 'more', 'more')}.</p>}
          </div>
        </>
      )}
    </Dialog>
  );
}
