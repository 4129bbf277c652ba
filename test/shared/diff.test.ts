import { describe, expect, it } from 'vitest';
import { applyPatch } from 'diff';
import { DocvaultError } from '../../src/shared/errors';
import { diffHunks, diffStats, lineDiff, sideBySide, unifiedDiff, type DiffLine } from '../../src/shared/diff';

const OLD = 'one\ntwo\nthree\n';
const NEW = 'one\n2\nthree\nfour\n';

describe('unifiedDiff', () => {
  it('labels the headers and marks removed and added lines', () => {
    const patch = unifiedDiff(OLD, NEW, { oldLabel: 'note@v1', newLabel: 'note@v2' });
    expect(patch).toBe(['--- note@v1', '+++ note@v2', '@@ -1,3 +1,4 @@', ' one', '-two', '+2', ' three', '+four', ''].join('\n'));
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('same\n', 'same\n')).toBe('');
    expect(unifiedDiff('', '')).toBe('');
  });

  it('appends header text after a tab', () => {
    const patch = unifiedDiff('a\n', 'b\n', { oldLabel: 'x@v1', newLabel: 'x@v2', oldHeader: '2026-01-01T00:00:00Z', newHeader: '2026-01-02T00:00:00Z' });
    expect(patch.split('\n').slice(0, 2)).toEqual(['--- x@v1\t2026-01-01T00:00:00Z', '+++ x@v2\t2026-01-02T00:00:00Z']);
  });

  it('marks a missing final newline', () => {
    const patch = unifiedDiff('a\nb', 'a\nb\n');
    expect(patch).toContain('-b\n\\ No newline at end of file\n+b\n');
  });

  it('honours the context size and splits distant changes into hunks', () => {
    const old = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const changed = old.replace('line 2\n', 'LINE 2\n').replace('line 28\n', 'LINE 28\n');
    const patch = unifiedDiff(old, changed, { context: 1 });
    expect(patch.match(/^@@/gm)).toHaveLength(2);
    expect(patch).toContain('@@ -1,3 +1,3 @@\n line 1\n-line 2\n+LINE 2\n line 3\n');
    expect(patch).toContain('@@ -27,3 +27,3 @@\n line 27\n-line 28\n+LINE 28\n line 29\n');
    expect(unifiedDiff(old, changed, { context: 100 }).match(/^@@/gm)).toHaveLength(1);
  });

  it('produces a patch that turns the old text into the new one', () => {
    const old = 'alpha\nbeta\ngamma\ndelta\n';
    const next = 'alpha\nBETA\ngamma\ndelta\nepsilon';
    expect(applyPatch(old, unifiedDiff(old, next))).toBe(next);
  });

  it('rejects a negative context', () => {
    expect(() => unifiedDiff('a', 'b', { context: -1 })).toThrow(DocvaultError);
  });

  it('gives up with TooLarge past maxEditLength', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
    try {
      unifiedDiff(a, b, { maxEditLength: 5 });
      expect.unreachable('should throw');
    } catch (err) {
      expect((err as DocvaultError).kind).toBe('TooLarge');
    }
    expect(() => lineDiff(a, b, { maxEditLength: 5 })).toThrow(/too large/);
  });
});

describe('lineDiff', () => {
  it('numbers lines on both sides', () => {
    const lines = lineDiff(OLD, NEW);
    expect(lines).toEqual<DiffLine[]>([
      { kind: 'context', oldNumber: 1, newNumber: 1, text: 'one', eol: true },
      { kind: 'removed', oldNumber: 2, newNumber: null, text: 'two', eol: true },
      { kind: 'added', oldNumber: null, newNumber: 2, text: '2', eol: true },
      { kind: 'context', oldNumber: 3, newNumber: 3, text: 'three', eol: true },
      { kind: 'added', oldNumber: null, newNumber: 4, text: 'four', eol: true },
    ]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it('shows a change of the final newline as a changed line', () => {
    const lines = lineDiff('a\nb', 'a\nb\n');
    expect(lines.filter((l) => l.kind !== 'context')).toEqual([
      { kind: 'removed', oldNumber: 2, newNumber: null, text: 'b', eol: false },
      { kind: 'added', oldNumber: null, newNumber: 2, text: 'b', eol: true },
    ]);
  });

  it('handles empty texts', () => {
    expect(lineDiff('', '')).toEqual([]);
    expect(lineDiff('', 'x\n')).toEqual([{ kind: 'added', oldNumber: null, newNumber: 1, text: 'x', eol: true }]);
    expect(lineDiff('x\n', '')).toEqual([{ kind: 'removed', oldNumber: 1, newNumber: null, text: 'x', eol: true }]);
  });

  it('keeps a carriage return so CRLF changes are visible', () => {
    const lines = lineDiff('a\r\n', 'a\n');
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
    expect(lines.find((l) => l.kind === 'removed')?.text).toBe('a\r');
  });
});

describe('diffHunks', () => {
  it('matches the hunk headers of the unified diff', () => {
    const cases: [string, string][] = [
      [OLD, NEW],
      ['', 'x\ny\n'],
      ['x\ny\n', ''],
      ['a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n', 'a\nb\nc\nX\ne\nf\ng\nh\ni\nY\nj\n'],
      ['1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n', '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n'],
    ];
    for (const [a, b] of cases) {
      for (const context of [1, 3]) {
        const ours = diffHunks(lineDiff(a, b), context).map((h) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
        const printed = unifiedDiff(a, b, { context }).split('\n').filter((l) => l.startsWith('@@'));
        expect(ours, `${JSON.stringify([a, b])} context ${context}`).toEqual(printed);
      }
    }
  });

  it('starts an empty side at the line before it, as GNU diff -U0 does', () => {
    const hunks = diffHunks(lineDiff(OLD, NEW), 0).map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]);
    // diff -U0: "@@ -2 +2 @@" and "@@ -3,0 +4 @@"
    expect(hunks).toEqual([
      [2, 1, 2, 1],
      [3, 0, 4, 1],
    ]);
    expect(diffHunks(lineDiff('', 'x\ny\n'), 0).map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([[0, 0, 1, 2]]);
    expect(diffHunks(lineDiff('x\ny\n', ''), 0).map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([[1, 2, 0, 0]]);
  });

  it('has no hunks for equal texts and keeps context lines around a change', () => {
    expect(diffHunks(lineDiff('a\nb\n', 'a\nb\n'))).toEqual([]);
    const [hunk] = diffHunks(lineDiff('a\nb\nc\nd\ne\n', 'a\nb\nC\nd\ne\n'), 1);
    expect(hunk?.lines.map((l) => `${l.kind}:${l.text}`)).toEqual(['context:b', 'removed:c', 'added:C', 'context:d']);
  });
});

describe('sideBySide', () => {
  it('pairs removals with additions and pads the shorter side', () => {
    const rows = sideBySide(lineDiff('a\nb\nc\nz\n', 'a\nB\nz\nnew\n'));
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ['a', 'a'],
      ['b', 'B'],
      ['c', null],
      ['z', 'z'],
      [null, 'new'],
    ]);
  });
});
