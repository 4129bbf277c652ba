/**
 * The Audit log view (Settings → This vault → Audit log): the vault's security events, newest first, as a
 * table of time, event, outcome and count. A broken chain (an entry edited, removed or reordered outside
 * docvault) is shown above the table as a warning naming the entries; the rows it names are marked.
 */
import type { AuditEntry } from '../../shared/audit';
import { ErrorMessage } from '../components/ErrorMessage';
import { AUDIT_EVENT_LABELS, countText, outcomeText } from './audit-labels';
import { useAuditLog } from './useAuditLog';

function Row({ e, broken }: { e: AuditEntry; broken: boolean }) {
  return (
    <tr data-testid="audit-row" data-event={e.event} className={broken ? 'broken' : undefined}>
      <td className="num">{e.seq}</td>
      <td className="nowrap">{new Date(e.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}</td>
      <td>
        {AUDIT_EVENT_LABELS[e.event]}
        {broken && <span className="pill integrity">altered?</span>}
      </td>
      <td className={e.outcome === 'ok' ? undefined : 'failed'}>{outcomeText(e)}</td>
      <td className="nowrap">{countText(e)}</td>
    </tr>
  );
}

/** The view, in the main pane. */
export function AuditView({ onClose }: { onClose: () => void }) {
  const a = useAuditLog();
  const page = a.page;
  const broken = new Set(page?.problems.flatMap((p) => (p.seq === undefined ? [] : [p.seq])) ?? []);
  return (
    <section className="panel audit" aria-label="Audit log" data-testid="audit-view">
      <header className="panel-head">
        <h2>Audit log</h2>
        <span className="spacer" />
        <button type="button" onClick={a.reload}>
          Reload
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="muted small">
        Security events of this vault: unlocks and failed attempts, documents created and deleted, backups, restores, passphrase changes, failed
        checks. Never content, titles or names. Each entry is signed together with the one before it, so an edited or removed entry shows.
      </p>
      <ErrorMessage error={a.error} onDismiss={a.dismissError} />
      {page !== undefined && page.problems.length > 0 && (
        <div className="error" role="alert" data-testid="audit-tampered">
          <strong>The audit log was altered outside docvault.</strong>
          <ul className="problems">
            {page.problems.slice(0, 20).map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}
      {page !== undefined && page.problems.length === 0 && page.total > 0 && (
        <p className="notice small" data-testid="audit-ok">
          All {page.total} {page.total === 1 ? 'entry' : 'entries'} verify.
          {page.firstSeq > 1 && ` Entries before ${page.firstSeq} were pruned (the log keeps the newest 10,000).`}
        </p>
      )}
      {page !== undefined && page.total === 0 && page.problems.length === 0 && <p className="empty muted">No events recorded yet.</p>}
      {page !== undefined && page.entries.length > 0 && (
        <div className="table-scroll">
          <table className="audit-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Time</th>
                <th>Event</th>
                <th>Outcome</th>
                <th>Count</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e) => (
                <Row key={e.seq} e={e} broken={broken.has(e.seq)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page !== undefined && page.entries.length < page.total && (
        <button type="button" onClick={a.showAll} disabled={a.loading}>
          Show all {page.total}
        </button>
      )}
    </section>
  );
}
