/**
 * A document's history: the timeline on the left; on the right the selected version read-only, or
 * the comparison of any two versions (default: the selected one against the current). Restore opens
 * a preview first; a version that failed its integrity check cannot be restored and says why.
 */
import { printable } from '../../shared/printable';
import type { Document } from '../../shared/types';
import { ComparisonView } from '../compare/ComparisonView';
import { Dialog } from '../components/Dialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { AttachmentChanges } from './AttachmentChanges';
import { ComparePicker } from './ComparePicker';
import { useEffect, useRef } from 'react';
import { integrityProblem, type HistoryAction } from './history-state';
import { RestoreDialog } from './RestoreDialog';
import { useVersionHistory } from './useVersionHistory';
import { VersionTimeline } from './VersionTimeline';
import { VersionView } from './VersionView';
import './history.css';

/** Props of {@link HistoryDialog}. */
export interface HistoryDialogProps {
  /** The document's current version. */
  readonly current: Document;
  readonly dirty: boolean;
  readonly onRestored: (doc: Document, from: number) => void;
  readonly onClose: () => void;
  /** Opens on the comparison of these two versions (a sync conflict's two sides) instead of the newest. */
  readonly initialCompare?: { readonly left: number; readonly right: number };
}

/** Once the timeline is listed, shows the comparison of `pair` (once: the user's later choices stand). */
function useInitialCompare(listed: boolean, pair: HistoryDialogProps['initialCompare'], dispatch: (a: HistoryAction) => void): void {
  const done = useRef(false);
  useEffect(() => {
    if (!listed || pair === undefined || done.current) return;
    done.current = true;
    dispatch({ type: 'select', version: Math.max(pair.left, pair.right) });
    dispatch({ type: 'compare', left: Math.min(pair.left, pair.right), right: Math.max(pair.left, pair.right) });
  }, [listed, pair, dispatch]);
}

/** The history dialog. */
export function HistoryDialog({ current, dirty, onRestored, onClose, initialCompare }: HistoryDialogProps) {
  const [s, dispatch] = useVersionHistory(current);
  useInitialCompare(s.versions !== undefined, initialCompare, dispatch);
  const sel = s.selected;
  const problem = sel === null ? undefined : integrityProblem(s, sel);
  const selDoc = sel === null ? undefined : s.docs.get(sel);
  const selError = sel === null ? undefined : s.failed.get(sel);
  const chosen = s.restoring === null ? undefined : s.docs.get(s.restoring);

  if (chosen !== undefined)
    return <RestoreDialog current={current} chosen={chosen} dirty={dirty} onRestored={onRestored} onBack={() => dispatch({ type: 'restore', version: null })} />;

  const left = s.left === null ? undefined : s.docs.get(s.left);
  const right = s.right === null ? undefined : s.docs.get(s.right);
  const pairError = [s.left, s.right].map((v) => (v === null ? undefined : s.failed.get(v))).find((e) => e !== undefined);
  const canRestore = sel !== null && sel !== current.version && problem === undefined && selDoc !== undefined;

  return (
    <Dialog
      // FSI … PDI: the text form of <bdi>; printable() writes out a title's bidi controls (as SafeText does).
      title={`History of “\u2068${printable(current.title || current.id)}\u2069”`}
      wide
      testId="history-dialog"
      onCancel={onClose}
      actions={
        <>
          {sel !== null && sel !== current.version && problem !== undefined && (
            <span className="restore-blocked" role="note">
              Version {sel} cannot be restored: it failed its integrity check.
            </span>
          )}
          <button type="button" onClick={onClose} data-autofocus>
            Close
          </button>
          {sel !== null && sel !== current.version && (
            <button type="button" className="primary" disabled={!canRestore} onClick={() => dispatch({ type: 'restore', version: sel })}>
              Restore version {sel}…
            </button>
          )}
        </>
      }
    >
      <ErrorMessage error={s.listError} />
      <div className="history-layout">
        <VersionTimeline state={s} current={current.version} onSelect={(version) => dispatch({ type: 'select', version })} />
        <div className="history-pane">
          <div className="tabs" role="tablist" aria-label="Show">
            <button type="button" role="tab" aria-selected={s.tab === 'view'} onClick={() => dispatch({ type: 'tab', tab: 'view' })}>
              Version {sel ?? ''}
            </button>
            <button type="button" role="tab" aria-selected={s.tab === 'compare'} onClick={() => dispatch({ type: 'tab', tab: 'compare' })} disabled={(s.versions?.length ?? 0) < 2}>
              Compare
            </button>
          </div>
          {s.tab === 'view' && (
            <div role="tabpanel">
              {selError !== undefined ? <ErrorMessage error={selError} /> : selDoc !== undefined ? <VersionView doc={selDoc} /> : sel !== null && <div className="muted">Reading version {sel}…</div>}
            </div>
          )}
          {s.tab === 'compare' && s.versions !== undefined && s.left !== null && s.right !== null && (
            <div role="tabpanel" className="history-compare">
              <ComparePicker versions={s.versions} current={current.version} left={s.left} right={s.right} onChange={(l, r) => dispatch({ type: 'compare', left: l, right: r })} />
              <AttachmentChanges
                before={s.versions.find((v) => v.version === s.left)?.attachments}
                after={s.versions.find((v) => v.version === s.right)?.attachments}
                testId="compare-attachments"
              />
              {pairError !== undefined ? (
                <ErrorMessage error={pairError} />
              ) : (
                <ComparisonView
                  a={left}
                  b={right}
                  labels={{ a: `Version ${s.left}${s.left === current.version ? ' (current)' : ''}`, b: `Version ${s.right}${s.right === current.version ? ' (current)' : ''}` }}
                />
              )}
            </div>
          )}
        </div>
      </div>
    </Dialog>
  );
}
