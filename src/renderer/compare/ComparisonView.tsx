/**
 * Compares two versions: computed in a worker (progress and Cancel while it runs), then shown by
 * {@link DiffPane}. Used by the history, the restore preview and the edit-conflict dialog alike.
 */
import type { ComparableVersion } from '../../shared/compare';
import { ErrorMessage } from '../components/ErrorMessage';
import { progressFraction } from './comparison-state';
import { DiffPane } from './DiffPane';
import { useComparison } from './useComparison';
import './compare.css';

/** Props of {@link ComparisonView}. */
export interface ComparisonViewProps {
  /** The older (left) version; stable object (a new one starts a new comparison). */
  readonly a: ComparableVersion | undefined;
  /** The newer (right) version. */
  readonly b: ComparableVersion | undefined;
  /** Names of the two sides, e.g. "Version 1" and "Current (version 3)". */
  readonly labels: { readonly a: string; readonly b: string };
  readonly testId?: string;
  /** A shorter line area, for a dialog that has more to show below it (the restore preview). */
  readonly compact?: boolean;
}

/** A comparison of two versions, with its progress while it is computed. */
export function ComparisonView({ a, b, labels, testId, compact }: ComparisonViewProps) {
  const { state, cancel, retry } = useComparison(a, b);
  return (
    <section className={compact === true ? 'comparison compact' : 'comparison'} aria-label={`Comparison of ${labels.a} with ${labels.b}`} data-testid={testId ?? 'comparison'} data-status={state.status}>
      {(state.status === 'idle' || state.status === 'running') && (
        <div className="compare-progress" role="status">
          <span>Comparing…</span>
          {/* Indeterminate until the worker reports (it may still be starting). */}
          <progress max={1} value={state.status === 'running' && state.progress !== null ? progressFraction(state.progress) : undefined} aria-label="Comparison progress" />
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {state.status === 'cancelled' && (
        <div className="compare-progress" role="status">
          <span>Comparison cancelled.</span>
          <button type="button" onClick={retry}>
            Compare again
          </button>
        </div>
      )}
      {state.status === 'error' && (
        <>
          <ErrorMessage error={state.error} />
          <button type="button" onClick={retry}>
            Try again
          </button>
        </>
      )}
      {state.status === 'done' && <DiffPane comparison={state.comparison} labels={labels} durationMs={state.durationMs} />}
    </section>
  );
}
