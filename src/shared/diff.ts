/**
 * Line diffs between two versions of a document: a unified diff for the CLI and a structured
 * model (lines with word highlights, hunks, side-by-side rows) for views. Pure TypeScript over the
 * `diff` package, so the CLI, the web twin and the renderer compute the same thing. The document
 * comparison built on it (fields, stats, a fallback for unrelated texts) is in ./compare.ts, the
 * rows a view draws (collapsed unchanged regions) in ./diff-layout.ts.
 */
import { diffArrays, diffLines, diffWordsWithSpace, createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { DocvaultError } from './errors';

// Defined beside the layout so that the window's main bundle, which lays out rows but never diffs
// (the worker does), does not pull in the `diff` package.
import { DEFAULT_DIFF_CONTEXT } from './diff-layout';
export { DEFAULT_DIFF_CONTEXT };

/** What happened to one line. */
export type DiffLineKind = 'context' | 'added' | 'removed';

/** One line of a line diff. */
export interface DiffLine {
  readonly kind: DiffLineKind;
  /** 1-based line number in the old text; null for an added line. */
  readonly oldNumber: number | null;
  /** 1-based line number in the new text; null for a removed line. */
  readonly newNumber: number | null;
  /** The line without its terminating `\n` (a `\r` before it is kept, so CRLF changes stay visible). */
  readonly text: string;
  /** False for a last line with no newline after it. */
  readonly eol: boolean;
  /**
   * Word highlights of a changed line that faces a similar line on the other side (see
   * {@link addWordHighlights}): the line's text cut into spans, `changed` marking the words removed
   * (on a removed line) or added (on an added line). Absent on context lines and unpaired lines.
   */
  readonly words?: readonly WordSpan[];
  /**
   * Set on both lines of a pair that differ in whether a newline follows them (the last line gained or
   * lost its newline): views mark it, since the texts alone may look the same.
   */
  readonly eolChanged?: true;
}

/** A piece of a changed line: unchanged text, or words removed / added on this line's side. */
export interface WordSpan {
  readonly text: string;
  readonly changed: boolean;
}

/** A run of changes with its context, as in a unified diff's `@@` section. */
export interface DiffHunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly DiffLine[];
}

/** One row of a side-by-side view: a removed line faces the added line that replaced it. */
export interface SideBySideRow {
  readonly left: DiffLine | null;
  readonly right: DiffLine | null;
}

/** Counts of changed lines. */
export interface DiffStats {
  readonly added: number;
  readonly removed: number;
}

/** Options shared by the diff functions. */
export interface LineDiffOptions {
  /**
   * Gives up with `TooLarge` when the texts differ by more than this many lines, instead of spending
   * quadratic time on two unrelated texts. Default: no limit.
   */
  readonly maxEditLength?: number;
}

/** Options of {@link unifiedDiff}. */
export interface UnifiedDiffOptions extends LineDiffOptions {
  /** Name on the `---` line. Default `a`. */
  readonly oldLabel?: string;
  /** Name on the `+++` line. Default `b`. */
  readonly newLabel?: string;
  /** Text after a tab on the `---` line (a timestamp, say). */
  readonly oldHeader?: string;
  /** Text after a tab on the `+++` line. */
  readonly newHeader?: string;
  /** Lines of context around each change. Default {@link DEFAULT_DIFF_CONTEXT}. */
  readonly context?: number;
}

function tooLarge(limit: number): DocvaultError {
  return new DocvaultError('TooLarge', `diff: the versions differ by more than ${limit} lines; too large to diff`, { limit });
}

function checkContext(context: number): number {
  if (!Number.isSafeInteger(context) || context < 0) throw new DocvaultError('Invalid', `context: must be a whole number ≥ 0 (got ${context})`, { field: 'context' });
  return context;
}

/** Splits a change's value into its lines; the last one may lack a newline. */
export function splitLines(value: string): { text: string; eol: boolean }[] {
  const parts = value.split('\n');
  const last = parts.pop();
  const out = parts.map((text) => ({ text, eol: true }));
  if (last !== undefined && last !== '') out.push({ text: last, eol: false });
  return out;
}

/**
 * Every line of both texts, in order, marked context / removed / added, with its line numbers.
 * Equal texts give only context lines; two empty texts give none.
 */
export function lineDiff(oldText: string, newText: string, opts: LineDiffOptions = {}): DiffLine[] {
  const changes =
    opts.maxEditLength === undefined ? diffLines(oldText, newText) : diffLines(oldText, newText, { maxEditLength: opts.maxEditLength });
  if (changes === undefined) throw tooLarge(opts.maxEditLength ?? 0);
  const out: DiffLine[] = [];
  let oldNo = 1;
  let newNo = 1;
  for (const change of changes) {
    for (const { text, eol } of splitLines(change.value)) {
      if (change.added) out.push({ kind: 'added', oldNumber: null, newNumber: newNo++, text, eol });
      else if (change.removed) out.push({ kind: 'removed', oldNumber: oldNo++, newNumber: null, text, eol });
      else out.push({ kind: 'context', oldNumber: oldNo++, newNumber: newNo++, text, eol });
    }
  }
  return out;
}

/** Counts added and removed lines of a {@link lineDiff}. */
export function diffStats(lines: readonly DiffLine[]): DiffStats {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'added') added++;
    else if (l.kind === 'removed') removed++;
  }
  return { added, removed };
}

/**
 * Groups a {@link lineDiff} into hunks with `context` lines around each change, merging hunks whose
 * context would touch. No hunks when nothing changed. Start numbers follow unified-diff rules
 * (an empty side starts at the line before it, 0 for an empty text).
 */
export function diffHunks(lines: readonly DiffLine[], context = DEFAULT_DIFF_CONTEXT): DiffHunk[] {
  checkContext(context);
  const hunks: DiffHunk[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]?.kind === 'context') {
      i++;
      continue;
    }
    // i is the first change of a new hunk: extend while the gap to the next change is ≤ 2 × context.
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < lines.length && lines[end]?.kind !== 'context') end++;
      let next = end;
      while (next < lines.length && lines[next]?.kind === 'context') next++;
      if (next < lines.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(lines.length, end + context);
    hunks.push(makeHunk(lines, start, stop));
    i = stop;
  }
  return hunks;
}

function makeHunk(all: readonly DiffLine[], start: number, stop: number): DiffHunk {
  const lines = all.slice(start, stop);
  let oldLines = 0;
  let newLines = 0;
  let oldFirst: number | null = null;
  let newFirst: number | null = null;
  for (const l of lines) {
    if (l.oldNumber !== null) {
      oldLines++;
      oldFirst ??= l.oldNumber;
    }
    if (l.newNumber !== null) {
      newLines++;
      newFirst ??= l.newNumber;
    }
  }
  // A side with no lines in the hunk starts "after line N": the last line of that side before the hunk.
  const before = (side: 'oldNumber' | 'newNumber'): number => {
    for (let k = start - 1; k >= 0; k--) {
      const n = all[k]?.[side];
      if (n !== null && n !== undefined) return n;
    }
    return 0;
  };
  return {
    oldStart: oldFirst ?? before('oldNumber'),
    oldLines,
    newStart: newFirst ?? before('newNumber'),
    newLines,
    lines,
  };
}

/**
 * Pairs the lines of a {@link lineDiff} for a two-column view: context lines face themselves, and in
 * each run of changes the n-th removed line faces the n-th added line.
 */
export function sideBySide(lines: readonly DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as DiffLine;
    if (line.kind === 'context') {
      rows.push({ left: line, right: line });
      i++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (i < lines.length && (lines[i] as DiffLine).kind !== 'context') {
      const l = lines[i] as DiffLine;
      (l.kind === 'removed' ? removed : added).push(l);
      i++;
    }
    for (let k = 0; k < Math.max(removed.length, added.length); k++) rows.push({ left: removed[k] ?? null, right: added[k] ?? null });
  }
  return rows;
}

/**
 * A unified diff of two texts (`---`/`+++` headers, `@@` hunks, `\ No newline at end of file`
 * markers), ending with a newline. Empty string when the texts are equal.
 *
 * @example unifiedDiff('a\nb\n', 'a\nc\n', { oldLabel: 'note@v1', newLabel: 'note@v2' })
 */
export function unifiedDiff(oldText: string, newText: string, opts: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return '';
  const context = checkContext(opts.context ?? DEFAULT_DIFF_CONTEXT);
  const patchOpts = { context, headerOptions: FILE_HEADERS_ONLY };
  const patch =
    opts.maxEditLength === undefined
      ? createTwoFilesPatch(opts.oldLabel ?? 'a', opts.newLabel ?? 'b', oldText, newText, opts.oldHeader, opts.newHeader, patchOpts)
      : createTwoFilesPatch(opts.oldLabel ?? 'a', opts.newLabel ?? 'b', oldText, newText, opts.oldHeader, opts.newHeader, {
          ...patchOpts,
          maxEditLength: opts.maxEditLength,
        });
  if (patch === undefined) throw tooLarge(opts.maxEditLength ?? 0);
  return patch;
}

/** Options of {@link addWordHighlights}. */
export interface WordHighlightOptions {
  /**
   * Word edits allowed per pair of lines; past it the pair is shown as wholly replaced (keeps a
   * rewritten 1 MB single-line document from costing seconds). Default 256.
   */
  readonly maxWordEdits?: number;
  /**
   * A pair whose unchanged text is less than this share of the longer line is shown as wholly
   * replaced: highlighting the odd common "the" in two unrelated lines only adds noise. Default 0.3.
   */
  readonly minSimilarity?: number;
  /**
   * A run of changes with more removed (or added) lines than this is a rewrite, not an edit: its lines
   * are shown as replaced without word marks, which would be noise there and cost seconds on 1 MB of
   * rewritten text. Default 200.
   */
  readonly maxPairsPerRun?: number;
  /** Called after each run of changes with the lines done so far (for progress). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Pairs the removed and added lines of each run of changes (the n-th removed with the n-th added,
 * as {@link sideBySide} shows them) and marks the words that differ inside each pair. Returns new
 * lines; context and unpaired lines are returned as they were.
 */
export function addWordHighlights(lines: readonly DiffLine[], opts: WordHighlightOptions = {}): DiffLine[] {
  const maxEditLength = opts.maxWordEdits ?? 256;
  const minSimilarity = opts.minSimilarity ?? 0.3;
  const maxPairs = opts.maxPairsPerRun ?? 200;
  const out = lines.slice();
  let i = 0;
  while (i < out.length) {
    if ((out[i] as DiffLine).kind === 'context') {
      i++;
      continue;
    }
    const removed: number[] = [];
    const added: number[] = [];
    while (i < out.length && (out[i] as DiffLine).kind !== 'context') ((out[i] as DiffLine).kind === 'removed' ? removed : added).push(i++);
    const pairs = Math.min(removed.length, added.length);
    for (let k = 0; k < (Math.max(removed.length, added.length) > maxPairs ? 0 : pairs); k++) {
      const r = removed[k] as number;
      const a = added[k] as number;
      const eol = (out[r] as DiffLine).eol !== (out[a] as DiffLine).eol ? ({ eolChanged: true } as const) : {};
      const spans = wordSpans((out[r] as DiffLine).text, (out[a] as DiffLine).text, maxEditLength, minSimilarity);
      if (spans === undefined) {
        out[r] = { ...(out[r] as DiffLine), ...eol };
        out[a] = { ...(out[a] as DiffLine), ...eol };
        continue;
      }
      out[r] = { ...(out[r] as DiffLine), words: spans.old, ...eol };
      out[a] = { ...(out[a] as DiffLine), words: spans.new, ...eol };
    }
    opts.onProgress?.(i, out.length);
  }
  return out;
}

function wordSpans(oldText: string, newText: string, maxEditLength: number, minSimilarity: number): { old: WordSpan[]; new: WordSpan[] } | undefined {
  const changes = diffWordsWithSpace(oldText, newText, { maxEditLength });
  if (changes === undefined) return undefined;
  const old: WordSpan[] = [];
  const next: WordSpan[] = [];
  let same = 0;
  for (const c of changes) {
    if (c.added) push(next, c.value, true);
    else if (c.removed) push(old, c.value, true);
    else {
      // Spaces alone do not make two lines alike.
      if (c.value.trim() !== '') same += c.value.length;
      push(old, c.value, false);
      push(next, c.value, false);
    }
  }
  const longer = Math.max(oldText.length, newText.length);
  if (longer > 0 && same / longer < minSimilarity) return undefined;
  return { old: joinAcrossSpaces(old), new: joinAcrossSpaces(next) };
}

/** Appends a span, merging it into the previous one when both are changed or both unchanged. */
function push(spans: WordSpan[], text: string, changed: boolean): void {
  const last = spans[spans.length - 1];
  if (last !== undefined && last.changed === changed) spans[spans.length - 1] = { text: last.text + text, changed };
  else spans.push({ text, changed });
}

/**
 * "[removed: Amended] [removed: on] [removed: 3]" → "[removed: Amended on 3]": an unchanged run of
 * spaces between two changed spans joins them, so a changed phrase reads (and is announced) as one.
 */
function joinAcrossSpaces(spans: readonly WordSpan[]): WordSpan[] {
  const out: WordSpan[] = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i] as WordSpan;
    const prev = out[out.length - 1];
    const nextSpan = spans[i + 1];
    if (!s.changed && s.text.trim() === '' && prev?.changed === true && nextSpan?.changed === true) {
      out[out.length - 1] = { text: prev.text + s.text + nextSpan.text, changed: true };
      i++;
    } else if (prev !== undefined && prev.changed === s.changed) out[out.length - 1] = { text: prev.text + s.text, changed: s.changed };
    else out.push(s);
  }
  return out;
}

/**
 * A line diff that stays fast on texts with little in common, where Myers' algorithm (used by
 * {@link lineDiff}) costs O(lines × differences): 40k lines of two unrelated 1 MB texts take minutes.
 * Like patience diff it trims the common start and end, anchors on lines that occur exactly once in
 * each side, in the same order (longest increasing subsequence, O(n log n)), and recurses into the
 * stretches between anchors; a stretch is diffed with Myers when that fits in `maxEditLength`, and
 * shown as removed then added when nothing anchors it. The result is a valid diff (it turns the old
 * text into the new one), not always the shortest.
 */
export function anchoredLineDiff(oldText: string, newText: string, maxEditLength = 1000): DiffLine[] {
  return boundedLineDiff(oldText, newText, maxEditLength).lines;
}

/**
 * {@link anchoredLineDiff} with word on how it went: `exact` is true when no stretch needed anchors
 * (the result is then the shortest diff, as {@link lineDiff} gives).
 */
export function boundedLineDiff(oldText: string, newText: string, maxEditLength = 1000): { lines: DiffLine[]; exact: boolean } {
  let exact = true;
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const keyA = a.map((l) => (l.eol ? l.text + '\n' : l.text));
  const keyB = b.map((l) => (l.eol ? l.text + '\n' : l.text));
  const out: DiffLine[] = [];
  let oldNo = 1;
  let newNo = 1;
  const removed = (i: number): void => {
    const l = a[i] as { text: string; eol: boolean };
    out.push({ kind: 'removed', oldNumber: oldNo++, newNumber: null, text: l.text, eol: l.eol });
  };
  const added = (j: number): void => {
    const l = b[j] as { text: string; eol: boolean };
    out.push({ kind: 'added', oldNumber: null, newNumber: newNo++, text: l.text, eol: l.eol });
  };
  const same = (i: number): void => {
    const l = a[i] as { text: string; eol: boolean };
    out.push({ kind: 'context', oldNumber: oldNo++, newNumber: newNo++, text: l.text, eol: l.eol });
  };
  // Diffs a[a0..a1) against b[b0..b1), in order, appending to `out`.
  const stretch = (a0: number, a1: number, b0: number, b1: number): void => {
    while (a0 < a1 && b0 < b1 && keyA[a0] === keyB[b0]) same((b0++, a0++));
    let tail = 0;
    while (a1 - tail > a0 && b1 - tail > b0 && keyA[a1 - tail - 1] === keyB[b1 - tail - 1]) tail++;
    a1 -= tail;
    b1 -= tail;
    if (a0 === a1 || b0 === b1) {
      for (let i = a0; i < a1; i++) removed(i);
      for (let j = b0; j < b1; j++) added(j);
    } else {
      const changes = diffArrays(keyA.slice(a0, a1), keyB.slice(b0, b1), { maxEditLength });
      if (changes !== undefined) {
        let i = a0;
        let j = b0;
        for (const c of changes)
          for (let n = 0; n < c.count; n++) {
            if (c.added) added(j++);
            else if (c.removed) removed(i++);
            else same((j++, i++));
          }
      } else {
        exact = false;
        const anchors = uniqueAnchors(keyA, a0, a1, keyB, b0, b1);
        if (anchors.length === 0) {
          for (let i = a0; i < a1; i++) removed(i);
          for (let j = b0; j < b1; j++) added(j);
        } else {
          let i = a0;
          let j = b0;
          for (const [ai, bj] of anchors) {
            stretch(i, ai, j, bj);
            same(ai);
            i = ai + 1;
            j = bj + 1;
          }
          stretch(i, a1, j, b1);
        }
      }
    }
    for (let k = a1; k < a1 + tail; k++) same(k);
  };
  stretch(0, a.length, 0, b.length);
  return { lines: out, exact };
}

/** Pairs `[i, j]` of lines unique in a[a0..a1) and in b[b0..b1), equal, kept in order on both sides. */
function uniqueAnchors(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number): [number, number][] {
  const count = new Map<string, { inA: number; inB: number; bAt: number }>();
  for (let i = a0; i < a1; i++) {
    const k = a[i] as string;
    const c = count.get(k);
    if (c === undefined) count.set(k, { inA: 1, inB: 0, bAt: -1 });
    else c.inA++;
  }
  for (let j = b0; j < b1; j++) {
    const c = count.get(b[j] as string);
    if (c !== undefined) {
      c.inB++;
      c.bAt = j;
    }
  }
  // Candidate pairs in a's order; the longest run increasing in b is the anchor chain.
  const pairs: [number, number][] = [];
  for (let i = a0; i < a1; i++) {
    const c = count.get(a[i] as string);
    if (c !== undefined && c.inA === 1 && c.inB === 1) pairs.push([i, c.bAt]);
  }
  return longestIncreasing(pairs);
}
/** The longest subsequence of `pairs` (sorted by [0]) increasing in [1], by patience sorting. */
function longestIncreasing(pairs: readonly [number, number][]): [number, number][] {
  const tails: number[] = []; // tails[k]: index in pairs of the smallest tail of an increasing run of length k+1
  const prev = new Int32Array(pairs.length).fill(-1);
  pairs.forEach(([, j], p) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pairs[tails[mid] as number] as [number, number])[1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[p] = tails[lo - 1] as number;
    tails[lo] = p;
  });
  const out: [number, number][] = [];
  for (let p = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; p >= 0; p = prev[p] as number) out.push(pairs[p] as [number, number]);
  return out.reverse();
}
