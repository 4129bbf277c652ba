/** One row of a comparison: an inline line, a side-by-side pair, or a collapsed unchanged region. */
import type { DiffLine } from '../../shared/diff';
import type { DiffRow } from '../../shared/diff-layout';
import { DiffText, lineLabel } from './DiffText';

const SIGN = { added: '+', removed: '−', context: ' ' } as const;

/** Props of {@link DiffRowView}. */
export interface DiffRowViewProps {
  readonly row: DiffRow;
  /** True for the first row of the change in focus (next/previous). */
  readonly current: boolean;
  readonly onExpand: (start: number) => void;
}

function Cell({ line, side }: { line: DiffLine | null; side: 'left' | 'right' }) {
  if (line === null) return <div className={`diff-cell ${side} blank`} aria-hidden="true" />;
  const number = side === 'left' ? line.oldNumber : line.newNumber;
  return (
    <div className={`diff-cell ${side} ${line.kind}`}>
      <span className="diff-num" aria-hidden="true">
        {number}
      </span>
      <span className="diff-text">
        <span className="sr-only">{lineLabel(line)}</span>
        <DiffText line={line} />
      </span>
    </div>
  );
}

/** Renders one row; the list around it is virtualized. */
export function DiffRowView({ row, current, onExpand }: DiffRowViewProps) {
  if (row.kind === 'gap')
    return (
      <div className="diff-gap">
        <button type="button" className="diff-expand" onClick={() => onExpand(row.start)}>
          Show {row.count.toLocaleString()} more unchanged {row.count === 1 ? 'line' : 'lines'}
        </button>
      </div>
    );
  const cls = `diff-row ${row.kind === 'line' ? 'inline' : 'split'}${current ? ' current' : ''}`;
  if (row.kind === 'pair')
    return (
      <div className={cls}>
        <Cell line={row.left} side="left" />
        <Cell line={row.right} side="right" />
      </div>
    );
  const l = row.line;
  return (
    <div className={`${cls} ${l.kind}`}>
      <span className="diff-num" aria-hidden="true">
        {l.oldNumber}
      </span>
      <span className="diff-num" aria-hidden="true">
        {l.newNumber}
      </span>
      <span className="diff-sign" aria-hidden="true">
        {SIGN[l.kind]}
      </span>
      <span className="diff-text">
        <span className="sr-only">{lineLabel(l)}</span>
        <DiffText line={l} />
      </span>
    </div>
  );
}
