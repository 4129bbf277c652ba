/**
 * The state of the history view as a reducer: the timeline, the version selected, the two versions
 * compared, the versions read so far (or why reading failed), and the restore preview.
 */
import { assertNever, type SerializedError } from '../../shared/errors';
import type { Document, VersionInfo } from '../../shared/types';

/** Read-only view of one version, or the comparison of two. */
export type HistoryTab = 'view' | 'compare';

/** The history view's state. */
export interface HistoryState {
  readonly versions: readonly VersionInfo[] | undefined;
  readonly listError: SerializedError | undefined;
  readonly selected: number | null;
  readonly tab: HistoryTab;
  /** The compared pair: older (left) and newer (right) version numbers. */
  readonly left: number | null;
  readonly right: number | null;
  readonly docs: ReadonlyMap<number, Document>;
  readonly failed: ReadonlyMap<number, SerializedError>;
  /** The version whose restore preview is open. */
  readonly restoring: number | null;
}

/** What can happen in the history view. */
export type HistoryAction =
  | { readonly type: 'listed'; readonly versions: readonly VersionInfo[] }
  | { readonly type: 'listFailed'; readonly error: SerializedError }
  | { readonly type: 'select'; readonly version: number }
  | { readonly type: 'tab'; readonly tab: HistoryTab }
  | { readonly type: 'compare'; readonly left: number; readonly right: number }
  | { readonly type: 'read'; readonly doc: Document }
  | { readonly type: 'readFailed'; readonly version: number; readonly error: SerializedError }
  | { readonly type: 'restore'; readonly version: number | null };

/** Nothing loaded yet. */
export const INITIAL_HISTORY: HistoryState = {
  versions: undefined,
  listError: undefined,
  selected: null,
  tab: 'view',
  left: null,
  right: null,
  docs: new Map(),
  failed: new Map(),
  restoring: null,
};

const newest = (s: HistoryState): number | null => s.versions?.[s.versions.length - 1]?.version ?? null;

/** The default pair for a selected version: it against the current one (or, for the current, the one before it). */
function pairFor(s: HistoryState, v: number): { left: number | null; right: number | null } {
  const last = newest(s);
  if (last === null) return { left: null, right: null };
  if (v !== last) return { left: v, right: last };
  const before = s.versions?.[s.versions.length - 2]?.version ?? null;
  return { left: before ?? v, right: v };
}

/** Applies one action. */
export function historyReducer(s: HistoryState, a: HistoryAction): HistoryState {
  switch (a.type) {
    case 'listed': {
      const next = { ...s, versions: a.versions, listError: undefined };
      const keep = s.selected !== null && a.versions.some((v) => v.version === s.selected);
      // A new version (a save or a restore) moves the selection to it; the newest is selected at first.
      const selected = keep ? s.selected : (a.versions[a.versions.length - 1]?.version ?? null);
      return selected === null ? next : { ...next, selected, ...(keep && s.left !== null ? {} : pairFor(next, selected)) };
    }
    case 'listFailed':
      return { ...s, listError: a.error };
    case 'select':
      return { ...s, selected: a.version, ...pairFor(s, a.version), restoring: null };
    case 'tab':
      return { ...s, tab: a.tab };
    case 'compare':
      return { ...s, left: a.left, right: a.right, tab: 'compare' };
    case 'read': {
      const docs = new Map(s.docs);
      docs.set(a.doc.version, a.doc);
      return { ...s, docs };
    }
    case 'readFailed': {
      const failed = new Map(s.failed);
      failed.set(a.version, a.error);
      return { ...s, failed };
    }
    case 'restore':
      return { ...s, restoring: a.version };
    default:
      return assertNever(a, 'action');
  }
}

/** Why version `v` cannot be restored (or shown), if it failed an integrity check; undefined when it did not. */
export function integrityProblem(s: HistoryState, v: number): string | undefined {
  const info = s.versions?.find((x) => x.version === v);
  if (info?.integrityProblem !== undefined) return info.integrityProblem;
  const err = s.failed.get(v);
  return err?.kind === 'Integrity' ? err.message : undefined;
}

/** Version numbers the view needs read now: the selected one and the compared pair, not yet read or failed. */
export function versionsToRead(s: HistoryState): number[] {
  const want = s.tab === 'view' ? [s.selected] : [s.left, s.right];
  return [...new Set(want)].filter((v): v is number => v !== null && !s.docs.has(v) && !s.failed.has(v));
}
