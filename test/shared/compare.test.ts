import { describe, expect, it } from 'vitest';
import { compareVersions, fieldChanges, type ComparableVersion } from '../../src/shared/compare';
import { addWordHighlights, anchoredLineDiff, boundedLineDiff, lineDiff, type DiffLine } from '../../src/shared/diff';

const OLD_TEXT = 'a\nb\nc\nd\ne\nf\n';
const NEW_TEXT = 'a\nB\nc\nd\nE\nf\ng';

const base: ComparableVersion = { title: 'Plan', type: 'note', tags: ['work', 'q3'], metadata: { author: 'ada', pages: 2 }, content: '' };

/** The text a side of a line diff stands for, rebuilt from its lines. */
function side(lines: readonly DiffLine[], which: 'old' | 'new'): string {
  return lines
    .filter((l) => l.kind === 'context' || l.kind === (which === 'old' ? 'removed' : 'added'))
    .map((l) => l.text + (l.eol ? '\n' : ''))
    .join('');
}

/** Words marked changed on one line. */
function marked(l: DiffLine | undefined): string[] {
  return (l?.words ?? []).filter((w) => w.changed).map((w) => w.text);
}

/** A deterministic ~`bytes` text of short word lines (mulberry32, so runs repeat). */
function bigText(bytes: number, seed: number): string[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const words = ['vault', 'key', 'cipher', 'version', 'the', 'of', 'and', 'document', 'ledger', 'audit', 'page', 'seal'];
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = Array.from({ length: 8 }, () => words[Math.floor(rnd() * words.length)]).join(' ') + ` ${lines.length}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines;
}

describe('addWordHighlights', () => {
  it('marks the removed and the added words of a changed line', () => {
    const lines = addWordHighlights(lineDiff('the quick brown fox\n', 'the slow brown fox\n'));
    expect(marked(lines[0])).toEqual(['quick']);
    expect(marked(lines[1])).toEqual(['slow']);
    expect(lines[0]?.words?.map((w) => w.text).join('')).toBe('the quick brown fox');
    expect(lines[1]?.words?.map((w) => w.text).join('')).toBe('the slow brown fox');
  });

  it('marks a changed phrase as one span, not word by word', () => {
    const lines = addWordHighlights(lineDiff('the quick brown fox jumps\n', 'the slow red fox jumps\n'));
    expect(lines[0]?.words).toEqual([
      { text: 'the ', changed: false },
      { text: 'quick brown', changed: true },
      { text: ' fox jumps', changed: false },
    ]);
    expect(marked(lines[1])).toEqual(['slow red']);
  });

  it('does not count shared spaces as likeness', () => {
    const lines = addWordHighlights(lineDiff('Filed. Amended on 3 March.\n', 'Filed. Refund expected in May.\n'));
    expect(lines.every((l) => l.words === undefined)).toBe(true);
  });

  it('pairs the n-th removed line with the n-th added one and leaves the rest unpaired', () => {
    const lines = addWordHighlights(lineDiff('a one\nb two\nz\n', 'a ONE\nb TWO\nc three\nz\n'));
    const changed = lines.filter((l) => l.kind !== 'context');
    expect(changed.map((l) => [l.kind, marked(l)])).toEqual([
      ['removed', ['one']],
      ['removed', ['two']],
      ['added', ['ONE']],
      ['added', ['TWO']],
      ['added', []],
    ]);
    expect(changed[4]?.words).toBeUndefined();
  });

  it('shows unrelated lines as wholly replaced, without scattered highlights', () => {
    const lines = addWordHighlights(lineDiff('completely different words here\n', 'nothing alike at all, see?\n'));
    expect(lines.every((l) => l.words === undefined)).toBe(true);
  });

  it('gives up on a pair past the word-edit budget', () => {
    const a = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
    const b = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? `x${i}` : `w${i}`)).join(' ');
    expect(addWordHighlights(lineDiff(a, b), { maxWordEdits: 10 }).every((l) => l.words === undefined)).toBe(true);
    expect(addWordHighlights(lineDiff(a, b)).some((l) => l.words !== undefined)).toBe(true);
  });

  it('leaves a rewrite (a run past maxPairsPerRun) without word marks', () => {
    const a = Array.from({ length: 10 }, (_, i) => `row ${i} old`).join('\n');
    const b = Array.from({ length: 10 }, (_, i) => `row ${i} new`).join('\n');
    expect(addWordHighlights(lineDiff(a, b), { maxPairsPerRun: 5 }).every((l) => l.words === undefined)).toBe(true);
    expect(addWordHighlights(lineDiff(a, b)).filter((l) => l.words !== undefined)).toHaveLength(20);
  });

  it('shows a CRLF line ending change as a change of the line end only', () => {
    const lines = addWordHighlights(lineDiff('same words\r\n', 'same words\n'));
    expect(marked(lines[0])).toEqual(['\r']);
    expect(marked(lines[1])).toEqual([]);
  });
});

describe('anchoredLineDiff', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['', 'x\n'],
    ['x\n', ''],
    ['a\nb\nc\n', 'a\nb\nc\n'],
    ['a\nb', 'a\nb\n'],
    ['a\nb\nc\nd\n', 'd\nc\nb\na\n'],
    ['x\nx\nx\n', 'x\ny\nx\n'],
    ['head\n1\n2\n3\ntail\n', 'head\n4\n5\ntail\nmore'],
  ];
  it('turns the old text into the new one on every case', () => {
    for (const [a, b] of cases) {
      const lines = anchoredLineDiff(a, b, 2);
      expect(side(lines, 'old'), JSON.stringify([a, b])).toBe(a);
      expect(side(lines, 'new'), JSON.stringify([a, b])).toBe(b);
    }
  });

  it('recurses into stretches, so lines repeated across the text (blank lines) do not hide the unchanged ones', () => {
    const a = Array.from({ length: 300 }, (_, i) => (i % 5 === 0 ? '' : `line ${i}`));
    const b = a.map((l, i) => (i % 5 === 2 ? `edited ${i}` : l));
    const { lines, exact } = boundedLineDiff(a.join('\n'), b.join('\n'), 3);
    expect(exact).toBe(false);
    expect(side(lines, 'old')).toBe(a.join('\n'));
    expect(side(lines, 'new')).toBe(b.join('\n'));
    // Only the edited lines (every fifth, from 2) change; every other line, blank ones included, is kept.
    expect(lines.filter((l) => l.kind === 'removed')).toHaveLength(60);
    expect(lines.filter((l) => l.kind === 'context')).toHaveLength(240);
  });

  it('is exact, like lineDiff, when the differences fit the budget', () => {
    const { lines, exact } = boundedLineDiff(OLD_TEXT, NEW_TEXT);
    expect(exact).toBe(true);
    expect(lines.map((l) => `${l.kind}:${l.text}`)).toEqual(lineDiff(OLD_TEXT, NEW_TEXT).map((l) => `${l.kind}:${l.text}`));
  });

  it('keeps unique lines in order as unchanged anchors', () => {
    const lines = anchoredLineDiff('title\nold body\nsign-off\n', 'title\nnew body\nsign-off\n');
    expect(lines.map((l) => `${l.kind}:${l.text}`)).toEqual(['context:title', 'removed:old body', 'added:new body', 'context:sign-off']);
    expect(lines.map((l) => [l.oldNumber, l.newNumber])).toEqual([
      [1, 1],
      [2, null],
      [null, 2],
      [3, 3],
    ]);
  });
});

describe('fieldChanges', () => {
  it('is empty for equal fields, whatever the metadata key order', () => {
    expect(fieldChanges(base, { ...base, metadata: { pages: 2, author: 'ada' } })).toEqual([]);
  });

  it('lists title, type, each tag and each metadata key that changed', () => {
    const next = { ...base, title: 'Plan B', type: 'memo', tags: ['work', 'q4'], metadata: { author: 'grace', draft: true } };
    expect(fieldChanges(base, next)).toEqual([
      { field: 'title', kind: 'changed', before: 'Plan', after: 'Plan B' },
      { field: 'type', kind: 'changed', before: 'note', after: 'memo' },
      { field: 'tags', kind: 'removed', before: 'q3', after: null },
      { field: 'tags', kind: 'added', before: null, after: 'q4' },
      { field: 'metadata', key: 'author', kind: 'changed', before: '"ada"', after: '"grace"' },
      { field: 'metadata', key: 'draft', kind: 'added', before: null, after: 'true' },
      { field: 'metadata', key: 'pages', kind: 'removed', before: '2', after: null },
    ]);
  });
});

describe('compareVersions', () => {
  it('says when two versions are identical', () => {
    const c = compareVersions({ ...base, content: 'a\nb\n' }, { ...base, content: 'a\nb\n' });
    expect(c).toMatchObject({ identical: true, approximate: false, stats: { added: 0, removed: 0, unchanged: 2, changes: 0 }, fields: [] });
  });

  it('compares empty contents and metadata-only changes', () => {
    const c = compareVersions(base, { ...base, title: 'Other' });
    expect(c.lines).toEqual([]);
    expect(c.identical).toBe(false);
    expect(c.fields).toHaveLength(1);
    expect(compareVersions(base, { ...base, content: 'new\n' }).stats).toEqual({ added: 1, removed: 0, unchanged: 0, changes: 1 });
  });

  it('counts runs of changes and reports progress through both phases', () => {
    const phases: string[] = [];
    const c = compareVersions({ ...base, content: 'a\nb\nc\nd\ne\n' }, { ...base, content: 'A\nb\nc\nD\ne\nf' }, { onProgress: (p) => phases.push(p.phase) });
    expect(c.stats).toEqual({ added: 3, removed: 2, unchanged: 3, changes: 3 });
    expect(phases[0]).toBe('lines');
    expect(phases).toContain('words');
  });

  it('marks a missing final newline as a change of the last line', () => {
    const c = compareVersions({ ...base, content: 'a\nb' }, { ...base, content: 'a\nb\n' });
    expect(c.lines.filter((l) => l.eolChanged === true).map((l) => [l.kind, l.eol])).toEqual([
      ['removed', false],
      ['added', true],
    ]);
    // Both last lines without a newline, changed for another reason: nothing to say about newlines.
    expect(compareVersions({ ...base, content: 'a\nb' }, { ...base, content: 'a\nc' }).lines.some((l) => l.eolChanged === true)).toBe(false);
    expect(c.lines.filter((l) => l.kind !== 'context').map((l) => [l.kind, l.eol])).toEqual([
      ['removed', false],
      ['added', true],
    ]);
  });

  it('compares two 1 MB versions with 1% of lines edited exactly, with word highlights', () => {
    const old = bigText(1_000_000, 1);
    const edited = old.map((l, i) => (i % 100 === 7 ? l.replace(' ', ' EDITED ') : l));
    const a = old.join('\n') + '\n';
    const b = edited.join('\n') + '\n';
    expect(a.length).toBeGreaterThanOrEqual(1_000_000);
    const c = compareVersions({ ...base, content: a }, { ...base, content: b });
    const expected = old.filter((_, i) => i % 100 === 7).length;
    expect(c.approximate).toBe(false);
    expect(c.stats).toMatchObject({ added: expected, removed: expected, changes: expected, unchanged: old.length - expected });
    const firstAdded = c.lines.find((l) => l.kind === 'added');
    expect(marked(firstAdded)).toEqual(['EDITED ']);
    expect(side(c.lines, 'old')).toBe(a);
    expect(side(c.lines, 'new')).toBe(b);
  });

  it('compares two unrelated 1 MB versions through the anchored diff, and the result still rebuilds both', () => {
    const a = bigText(1_000_000, 2).join('\n') + '\n';
    // Same line numbers appended, different words: no line in common except by chance.
    const b = bigText(1_000_000, 3).join('\n');
    const c = compareVersions({ ...base, content: a }, { ...base, content: b });
    expect(c.approximate).toBe(true);
    expect(side(c.lines, 'old')).toBe(a);
    expect(side(c.lines, 'new')).toBe(b);
  });
});
