/**
 * A finished comparison: counts, side-by-side / inline switch, next and previous change (buttons, N / P
 * and F7 / Shift+F7 keys, from CHANGE_KEYS), the field changes, and the lines, virtualized so a 40,000-line diff keeps
 * only what is on screen in the DOM.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useReducer, useRef, type KeyboardEvent } from 'react';
import type { Comparison } from '../../shared/compare';
import { layoutDiff, stepChange } from '../../shared/diff-layout';
import { DiffRowView } from './DiffRowView';
import { changeKeyLabels, changeStepForKey, diffViewReducer, initialDiffView } from './diff-view-state';
import { FieldChanges } from './FieldChanges';

/** Props of {@link DiffPane}. */
export interface DiffPaneProps {
  readonly comparison: Comparison;
  readonly labels: { readonly a: string; readonly b: string };
  readonly durationMs: number;
}

const nextKeys = changeKeyLabels('next');
const prevKeys = changeKeyLabels('previous');

const narrow = (): boolean => typeof window !== 'undefined' && window.matchMedia('(max-width: 800px)').matches;

/** The rows and controls of one comparison. */
export function DiffPane({ comparison, labels, durationMs }: DiffPaneProps) {
  const [view, dispatch] = useReducer(diffViewReducer, undefined, () => initialDiffView(narrow() ? 'inline' : 'split'));
  const { rows, changeRows } = useMemo(() => layoutDiff(comparison.lines, { mode: view.mode, expanded: view.expanded }), [comparison, view.mode, view.expanded]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 22, overscan: 20 });
  const { stats } = comparison;
  const currentRow = view.current === null ? -1 : (changeRows[view.current] ?? -1);

  const go = (dir: 1 | -1): void => {
    const from = view.current === null ? (dir === 1 ? -1 : rows.length) : (changeRows[view.current] ?? -1);
    const k = stepChange(changeRows, from, dir);
    if (k === null) return;
    dispatch({ type: 'goto', change: k });
    // Two rows of context above the change, so it is seen where it starts.
    virtual.scrollToIndex(Math.max(0, (changeRows[k] ?? 0) - 2), { align: 'start' });
  };
  const goRef = useRef(go);
  goRef.current = go;
  // Show the first change straight away: the reason the user opened the comparison.
  useEffect(() => {
    if (changeRows.length > 0 && view.current === null) goRef.current(1);
  }, [changeRows, view.current]);

  const onKey = (e: KeyboardEvent): void => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
    const dir = changeStepForKey(e);
    if (dir === 0) return;
    e.preventDefault();
    go(dir);
  };

  return (
    <div className="diff-pane" onKeyDown={onKey}>
      <div className="diff-toolbar">
        <span className="diff-stats" data-testid="diff-stats">
          <span className="added-count">+{stats.added}</span> <span className="removed-count">−{stats.removed}</span>{' '}
          <span className="muted small">
            {stats.changes === 1 ? '1 change' : `${stats.changes} changes`} · {Math.round(durationMs)} ms
          </span>
        </span>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Layout">
          <button type="button" aria-pressed={view.mode === 'split'} onClick={() => dispatch({ type: 'mode', mode: 'split' })}>
            Side by side
          </button>
          <button type="button" aria-pressed={view.mode === 'inline'} onClick={() => dispatch({ type: 'mode', mode: 'inline' })}>
            Inline
          </button>
        </div>
        <button type="button" onClick={() => go(-1)} disabled={changeRows.length === 0} title={`Previous change (${prevKeys.title})`} aria-keyshortcuts={prevKeys.aria}>
          ↑ Previous
        </button>
        <button type="button" onClick={() => go(1)} disabled={changeRows.length === 0} title={`Next change (${nextKeys.title})`} aria-keyshortcuts={nextKeys.aria}>
          ↓ Next
        </button>
        <span className="muted small" role="status" aria-live="polite">
          {view.current !== null && changeRows.length > 0 ? `Change ${view.current + 1} of ${changeRows.length}` : ''}
        </span>
      </div>
      {comparison.approximate && <div className="warn small">These versions have little in common; some unchanged lines may be shown as removed and added.</div>}
      <FieldChanges changes={comparison.fields} />
      {comparison.identical && <div className="notice">The two versions are identical.</div>}
      {!comparison.identical && comparison.lines.length > 0 && stats.changes === 0 && <div className="muted small">The content is the same; only the fields above differ.</div>}
      {view.mode === 'split' && rows.length > 0 && (
        <div className="diff-heads" aria-hidden="true">
          <span>{labels.a}</span>
          <span>{labels.b}</span>
        </div>
      )}
      <div ref={scroller} className="diff-scroll" tabIndex={0} role="region" aria-label={`Lines: ${labels.a} and ${labels.b}`} data-testid="diff-lines">
        <div className="diff-inner" style={{ height: virtual.getTotalSize() }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <div key={item.key} ref={virtual.measureElement} data-index={item.index} className="diff-item" style={{ transform: `translateY(${item.start}px)` }}>
                <DiffRowView row={row} current={item.index === currentRow} onExpand={(start) => dispatch({ type: 'expand', start })} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
