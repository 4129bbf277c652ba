/** The result of Verify: every stored version checked against its signature. */
import type { VerifyReport } from '../../shared/types';
import { plural } from '../model/vault-screen';
import { Dialog } from './Dialog';

/** Shows one integrity report. */
export function VerifyDialog({ report, onClose }: { report: VerifyReport; onClose: () => void }) {
  return (
    <Dialog title="Integrity check" onCancel={onClose} actions={<button onClick={onClose} data-autofocus>Close</button>} testId="verify-dialog">
      <p className={report.ok ? 'notice' : 'error'}>
        {report.ok
          ? `All ${plural(report.versions, 'version')} of ${plural(report.documents, 'document')} match their signatures.`
          : `${plural(report.problems.length, 'problem')} found in ${plural(report.versions, 'version')}.`}
      </p>
      {report.problems.length > 0 && (
        <ul className="problems">
          {report.problems.slice(0, 100).map((p, i) => (
            <li key={i}>
              {p.kind}
              {p.id !== undefined && ` · ${p.id}`}
              {p.version !== undefined && ` v${p.version}`}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">Took {Math.round(report.durationMs)} ms.</p>
    </Dialog>
  );
}
