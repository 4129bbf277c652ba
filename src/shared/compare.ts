/**
 * The comparison of two versions of a document that the window shows: the line diff of the content
 * with word highlights (./diff.ts), the changes to title, type, tags and metadata, and counts. Plain
 * data, so a Web Worker can compute it and post it to the page.
 */
import { addWordHighlights, boundedLineDiff, type DiffLine } from './diff';
import type { Document } from './types';

/** The fields of a version that a comparison looks at (a `Document` has them all). */
export type ComparableVersion = Pick<Document, 'title' | 'type' | 'tags' | 'metadata' | 'content'>;

/** A change to a field other than the content. Tags and metadata give one entry per tag or key. */
export interface FieldChange {
  readonly field: 'title' | 'type' | 'tags' | 'metadata';
  /** The metadata key, for `metadata`. */
  readonly key?: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** The old value as shown (JSON for metadata values); null when added. */
  readonly before: string | null;
  /** The new value as shown; null when removed. */
  readonly after: string | null;
}

/** Counts of a comparison. */
export interface ComparisonStats {
  readonly added: number;
  readonly removed: number;
  readonly unchanged: number;
  /** Separate runs of changed lines (what next/previous change steps through). */
  readonly changes: number;
}

/** What {@link compareVersions} returns. */
export interface Comparison {
  /** Every line of both contents, with word highlights on paired changed lines. */
  readonly lines: readonly DiffLine[];
  readonly fields: readonly FieldChange[];
  readonly stats: ComparisonStats;
  /** True when content, title, type, tags and metadata are all equal. */
  readonly identical: boolean;
  /**
   * True when the texts differed too much for the shortest diff within the budget and the anchored
   * diff was used: correct, but it may show more lines as changed than strictly needed.
   */
  readonly approximate: boolean;
}

/** A step of {@link compareVersions}, for a progress bar. */
export interface CompareProgress {
  readonly phase: 'lines' | 'words';
  readonly done: number;
  readonly total: number;
}

/** Options of {@link compareVersions}. */
export interface CompareOptions {
  /**
   * Line differences Myers' algorithm may explore in a stretch before anchors split it (see
   * `boundedLineDiff`). Its cost is about lines × this; the default 1000 keeps two unrelated 1 MB
   * texts to a second or two.
   */
  readonly maxLineEdits?: number;
  readonly onProgress?: (p: CompareProgress) => void;
}

/**
 * Compares version `a` (older, left) with version `b` (newer, right).
 *
 * @example compareVersions(v1, v3).stats // { added: 2, removed: 1, unchanged: 40, changes: 2 }
 */
export function compareVersions(a: ComparableVersion, b: ComparableVersion, opts: CompareOptions = {}): Comparison {
  opts.onProgress?.({ phase: 'lines', done: 0, total: 1 });
  // Myers within the budget, falling back to anchors only for the stretches that exceed it.
  const { lines: plain, exact } = boundedLineDiff(a.content, b.content, opts.maxLineEdits ?? 1000);
  opts.onProgress?.({ phase: 'lines', done: 1, total: 1 });
  let last = 0;
  const lines = addWordHighlights(plain, {
    onProgress: (done, total) => {
      // Every few thousand lines is plenty for a bar, and keeps the messages from a worker few.
      if (done - last >= 2000 || done === total) {
        last = done;
        opts.onProgress?.({ phase: 'words', done, total });
      }
    },
  });
  const fields = fieldChanges(a, b);
  const stats = countLines(lines);
  return { lines, fields, stats, identical: fields.length === 0 && a.content === b.content, approximate: !exact };
}

function countLines(lines: readonly DiffLine[]): ComparisonStats {
  let added = 0;
  let removed = 0;
  let unchanged = 0;
  let changes = 0;
  let inChange = false;
  for (const l of lines) {
    if (l.kind === 'context') {
      unchanged++;
      inChange = false;
      continue;
    }
    if (l.kind === 'added') added++;
    else removed++;
    if (!inChange) changes++;
    inChange = true;
  }
  return { added, removed, unchanged, changes };
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

/** The changes to title, type, tags (one per tag added or removed) and metadata (one per key). */
export function fieldChanges(a: Omit<ComparableVersion, 'content'>, b: Omit<ComparableVersion, 'content'>): FieldChange[] {
  const out: FieldChange[] = [];
  if (a.title !== b.title) out.push({ field: 'title', kind: 'changed', before: a.title, after: b.title });
  if (a.type !== b.type) out.push({ field: 'type', kind: 'changed', before: a.type, after: b.type });
  const oldTags = new Set(a.tags);
  const newTags = new Set(b.tags);
  for (const t of a.tags) if (!newTags.has(t)) out.push({ field: 'tags', kind: 'removed', before: t, after: null });
  for (const t of b.tags) if (!oldTags.has(t)) out.push({ field: 'tags', kind: 'added', before: null, after: t });
  const keys = [...new Set([...Object.keys(a.metadata), ...Object.keys(b.metadata)])].sort();
  for (const key of keys) {
    const inA = Object.hasOwn(a.metadata, key);
    const inB = Object.hasOwn(b.metadata, key);
    const before = inA ? stableJson(a.metadata[key]) : null;
    const after = inB ? stableJson(b.metadata[key]) : null;
    if (before === after) continue;
    out.push({ field: 'metadata', key, kind: !inA ? 'added' : !inB ? 'removed' : 'changed', before, after });
  }
  return out;
}
