/**
 * Line diffs between two versions of a document: a unified diff for the CLI and a structured
 * model (lines, hunks, side-by-side rows) for views. Pure TypeScript over the `diff` package, so the
 * CLI, the web twin and the renderer compute the same thing.
 */
import { diffLines, createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { DocvaultError } from './errors';

/** Lines of context around each change when none is asked for (as `diff -u` and git use). */
export const DEFAULT_DIFF_CONTEXT = 3;

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
function splitLines(value: string): { text: string; eol: boolean }[] {
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
