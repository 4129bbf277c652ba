/**
 * The rows a comparison view draws from a line diff (./diff.ts): one row per line (inline) or per
 * facing pair (side by side), unchanged regions far from any change collapsed into a "show N more
 * lines" row, and where each change starts, for next/previous change. Pure and cheap to recompute
 * when a region is expanded or the mode changes.
 */
import type { DiffLine } from './diff';

/** Lines of context around each change when none is asked for (as `diff -u` and git use). */
export const DEFAULT_DIFF_CONTEXT = 3;

/** Inline (one column, removed above added) or side by side (old left, new right). */
export type DiffMode = 'inline' | 'split';

/** One row of a comparison view. `change` is the number of the run of changes the row belongs to. */
export type DiffRow =
  | { readonly kind: 'line'; readonly line: DiffLine; readonly change: number | null }
  | { readonly kind: 'pair'; readonly left: DiffLine | null; readonly right: DiffLine | null; readonly change: number | null }
  /** Unchanged lines `start`..`start + count - 1` (indexes into the diff's lines), collapsed. */
  | { readonly kind: 'gap'; readonly start: number; readonly count: number };

/** Options of {@link layoutDiff}. */
export interface LayoutOptions {
  readonly mode: DiffMode;
  /** Unchanged lines kept visible around each change. Default {@link DEFAULT_DIFF_CONTEXT}. */
  readonly context?: number;
  /** `start` of the gaps the user expanded. */
  readonly expanded?: ReadonlySet<number>;
  /**
   * Shortest run of unchanged lines worth collapsing; shorter ones are shown ("show 2 more lines" saves
   * nothing). Default 4.
   */
  readonly minGap?: number;
}

/** What {@link layoutDiff} returns. */
export interface DiffLayout {
  readonly rows: readonly DiffRow[];
  /** `changeRows[k]`: index in `rows` of the first row of change k. */
  readonly changeRows: readonly number[];
}

/** Lays out a line diff as rows, collapsing unchanged regions that are not expanded. */
export function layoutDiff(lines: readonly DiffLine[], opts: LayoutOptions): DiffLayout {
  const context = opts.context ?? DEFAULT_DIFF_CONTEXT;
  const minGap = Math.max(1, opts.minGap ?? 4);
  const expanded = opts.expanded ?? new Set<number>();
  const visible = visibleLines(lines, context);
  const rows: DiffRow[] = [];
  const changeRows: number[] = [];
  let change = -1;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as DiffLine;
    if (line.kind === 'context') {
      let end = i;
      while (end < lines.length && (lines[end] as DiffLine).kind === 'context' && visible[end] === 0) end++;
      if (end - i >= minGap && !expanded.has(i)) {
        rows.push({ kind: 'gap', start: i, count: end - i });
        i = end;
        continue;
      }
      // A short or expanded hidden run, or a visible context line: shown line by line.
      const stop = Math.max(end, i + 1);
      for (let k = i; k < stop; k++) {
        const l = lines[k] as DiffLine;
        rows.push(opts.mode === 'inline' ? { kind: 'line', line: l, change: null } : { kind: 'pair', left: l, right: l, change: null });
      }
      i = stop;
      continue;
    }
    change++;
    changeRows.push(rows.length);
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (i < lines.length && (lines[i] as DiffLine).kind !== 'context') {
      const l = lines[i++] as DiffLine;
      (l.kind === 'removed' ? removed : added).push(l);
    }
    if (opts.mode === 'inline') for (const l of [...removed, ...added]) rows.push({ kind: 'line', line: l, change });
    else for (let k = 0; k < Math.max(removed.length, added.length); k++) rows.push({ kind: 'pair', left: removed[k] ?? null, right: added[k] ?? null, change });
  }
  return { rows, changeRows };
}

/** 1 for lines within `context` of a change (or changed), 0 for the rest. */
function visibleLines(lines: readonly DiffLine[], context: number): Uint8Array {
  const v = new Uint8Array(lines.length);
  let lastChange = -Infinity;
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as DiffLine).kind !== 'context') lastChange = i;
    if (i - lastChange <= context) v[i] = 1;
  }
  lastChange = Infinity;
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i] as DiffLine).kind !== 'context') lastChange = i;
    if (lastChange - i <= context) v[i] = 1;
  }
  return v;
}

/**
 * The change to go to from row `row` (the one at the top of the view): the next after it, or the
 * previous before it; null at either end.
 */
export function stepChange(changeRows: readonly number[], row: number, dir: 1 | -1): number | null {
  if (dir === 1) {
    for (let k = 0; k < changeRows.length; k++) if ((changeRows[k] as number) > row) return k;
    return null;
  }
  for (let k = changeRows.length - 1; k >= 0; k--) if ((changeRows[k] as number) < row) return k;
  return null;
}
