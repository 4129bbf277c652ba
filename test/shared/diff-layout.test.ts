import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../src/shared/diff';
import { layoutDiff, stepChange, type DiffRow } from '../../src/shared/diff-layout';

const numbered = (n: number, change: (i: number) => string | undefined = () => undefined): string =>
  Array.from({ length: n }, (_, i) => change(i + 1) ?? `line ${i + 1}`).join('\n') + '\n';

/** A compact picture of rows: `=text` context, `-text` / `+text` changes, `[n]` a gap, `a|b` a pair. */
function picture(rows: readonly DiffRow[]): string[] {
  return rows.map((r) => {
    if (r.kind === 'gap') return `[${r.count}]`;
    if (r.kind === 'line') return `${r.line.kind === 'context' ? '=' : r.line.kind === 'added' ? '+' : '-'}${r.line.text}`;
    return `${r.left?.text ?? '∅'}|${r.right?.text ?? '∅'}`;
  });
}

describe('layoutDiff', () => {
  const lines = lineDiff(numbered(30), numbered(30, (i) => (i === 10 ? 'TEN' : i === 25 ? 'TWENTY-FIVE' : undefined)));

  it('collapses unchanged regions away from changes, keeping the context around each', () => {
    const { rows, changeRows } = layoutDiff(lines, { mode: 'inline', context: 2 });
    expect(picture(rows)).toEqual([
      '[7]',
      '=line 8',
      '=line 9',
      '-line 10',
      '+TEN',
      '=line 11',
      '=line 12',
      '[10]',
      '=line 23',
      '=line 24',
      '-line 25',
      '+TWENTY-FIVE',
      '=line 26',
      '=line 27',
      '=line 28',
      '=line 29',
      '=line 30',
    ]);
    // 3 unchanged lines at the end are shorter than minGap (4): shown, not collapsed.
    expect(changeRows).toEqual([3, 10]);
  });

  it('shows an expanded gap line by line, keyed by its first line', () => {
    const first = layoutDiff(lines, { mode: 'inline', context: 2 });
    const gap = first.rows[0];
    expect(gap).toMatchObject({ kind: 'gap', start: 0, count: 7 });
    const { rows, changeRows } = layoutDiff(lines, { mode: 'inline', context: 2, expanded: new Set([0]) });
    expect(picture(rows).slice(0, 8)).toEqual(['=line 1', '=line 2', '=line 3', '=line 4', '=line 5', '=line 6', '=line 7', '=line 8']);
    expect(changeRows).toEqual([9, 16]);
  });

  it('faces removed and added lines side by side', () => {
    const { rows, changeRows } = layoutDiff(lineDiff('a\nb\nc\nz\n', 'a\nB\nz\nnew\n'), { mode: 'split', context: 3 });
    expect(picture(rows)).toEqual(['a|a', 'b|B', 'c|∅', 'z|z', '∅|new']);
    expect(changeRows).toEqual([1, 4]);
    expect(rows[1]).toMatchObject({ change: 0 });
    expect(rows[4]).toMatchObject({ change: 1 });
  });

  it('collapses the whole text of identical versions and has no changes', () => {
    const same = lineDiff(numbered(50), numbered(50));
    expect(layoutDiff(same, { mode: 'split' })).toEqual({ rows: [{ kind: 'gap', start: 0, count: 50 }], changeRows: [] });
    expect(layoutDiff([], { mode: 'inline' })).toEqual({ rows: [], changeRows: [] });
  });
});

describe('stepChange', () => {
  it('finds the next change below and the previous change above a row, null past either end', () => {
    const changeRows = [3, 10, 20];
    expect(stepChange(changeRows, 0, 1)).toBe(0);
    expect(stepChange(changeRows, 3, 1)).toBe(1);
    expect(stepChange(changeRows, 20, 1)).toBeNull();
    expect(stepChange(changeRows, 10, -1)).toBe(0);
    expect(stepChange(changeRows, 3, -1)).toBeNull();
    expect(stepChange([], 0, 1)).toBeNull();
  });
});
