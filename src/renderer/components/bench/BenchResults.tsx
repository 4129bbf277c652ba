/** A run's results: the table with ratios and the seed report's figures, a chart, the event-loop delay, past runs, export. */
import type { BenchRun, BenchTrialInfo } from '../../../shared/bench';
import { SEED_NOTE, benchTable, shortRate } from '../../../shared/bench-table';
import { BenchChart } from './BenchChart';

/** Props of {@link BenchResults}. */
export interface BenchResultsProps {
  readonly run: BenchRun;
  readonly trials: readonly BenchTrialInfo[];
  readonly runs: readonly BenchRun[];
  readonly onSelect: (id: string) => void;
  readonly onExport: (id: string, format: 'json' | 'markdown') => void;
}

/** The results. */
export function BenchResults({ run, trials, runs, onSelect, onExport }: BenchResultsProps) {
  const t = benchTable(run, trials);
  return (
    <div className="bench-results" data-testid="bench-results">
      <div className="bench-row">
        <h3>
          {new Date(run.startedAt).toLocaleString()} · {run.docs.toLocaleString()} × {run.docBytes} B · <span data-testid="bench-outcome">{run.outcome}</span>
        </h3>
        <span className="spacer" />
        {runs.length > 1 && (
          <label className="small">
            Past runs{' '}
            <select value={run.id} onChange={(e) => onSelect(e.target.value)} name="past-run">
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {new Date(r.startedAt).toLocaleString()} · {r.request.size} · {r.outcome}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={() => onExport(run.id, 'json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => onExport(run.id, 'markdown')}>
          Export Markdown
        </button>
      </div>
      {run.error !== undefined && <p className="warn">{run.error}</p>}
      <div className="table-scroll">
        <table className="figures" data-testid="bench-table">
          <thead>
            <tr>
              <th scope="col">trial</th>
              {t.drivers.map((d) => (
                <th key={d} scope="col">
                  {d}
                </th>
              ))}
              {t.peers.map((p) => (
                <th key={p} scope="col">
                  {t.base} / {p}
                </th>
              ))}
              <th scope="col">seed report</th>
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r) => (
              <tr key={r.trial}>
                <th scope="row">{r.trial}</th>
                {r.figures.map((f, i) => (
                  <td key={t.drivers[i]} title={r.skipped[i]}>
                    {f === null ? (r.skipped[i] === undefined ? '–' : 'n/a') : `${shortRate(f)}/s`}
                  </td>
                ))}
                {r.ratios.map((x, i) => (
                  <td key={t.peers[i]}>{x === null ? '–' : `${x.toFixed(2)}×`}</td>
                ))}
                <td className="muted">{r.seed === null ? '–' : shortRate(r.seed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <BenchChart drivers={t.drivers} rows={t.rows} />
      <p className="small" data-testid="bench-event-loop">
        Main event-loop delay during the run: p99 {run.eventLoop.p99Ms} ms (p50 {run.eventLoop.p50Ms} ms, max {run.eventLoop.maxMs} ms).
      </p>
      <p className="muted small">
        {run.request.size === 'quick' ? 'Quick run: tiny data and short runs — a smoke test, not a measurement. ' : ''}
        {SEED_NOTE}
      </p>
    </div>
  );
}
