/** The Benchmark panel: choose trials, drivers and a size; run with progress; cancel; results; past runs; export. */
import { useBench } from '../../hooks/useBench';
import { ErrorMessage } from '../ErrorMessage';
import { BenchForm } from './BenchForm';
import { BenchResults } from './BenchResults';

/** The panel. */
export function BenchView({ onClose }: { onClose: () => void }) {
  const b = useBench();
  const p = b.progress;
  return (
    <section className="panel bench" aria-label="Benchmark">
      <header className="panel-head">
        <h2>Benchmark</h2>
        <span className="muted small">the trials of npm run bench, in a worker thread, on scratch stores in a temp folder — never your vault</span>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <ErrorMessage error={b.error} onDismiss={b.clearError} />
      {b.catalog === undefined ? <p className="muted">Checking which drivers load…</p> : <BenchForm catalog={b.catalog} running={b.running} onRun={b.start} onCancel={b.cancel} />}
      {b.running && (
        <div className="bench-progress" data-testid="bench-progress" role="status">
          <progress value={p === undefined ? 0 : p.step + (p.total > 0 ? p.done / p.total : 0)} max={p === undefined || p.steps === 0 ? 1 : p.steps} />
          <span className="small">
            {p === undefined
              ? 'Starting…'
              : p.phase === 'seed'
                ? `Seeding the ${p.driver} store (step ${p.step + 1} of ${p.steps})`
                : p.phase === 'trial'
                  ? `${p.trial ?? ''} on ${p.driver}: run ${p.done} of ${p.total} (step ${p.step + 1} of ${p.steps})`
                  : 'Deleting the scratch folder…'}
          </span>
        </div>
      )}
      {b.catalog !== undefined && b.shown !== undefined && <BenchResults run={b.shown} trials={b.catalog.trials} runs={b.runs} onSelect={b.select} onExport={b.download} />}
    </section>
  );
}
