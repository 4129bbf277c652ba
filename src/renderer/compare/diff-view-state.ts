/**
 * What the user chose in a comparison view — mode, expanded regions, the change in focus — as a
 * reducer, so the component only renders.
 */
import { assertNever } from '../../shared/errors';
import type { DiffMode } from '../../shared/diff-layout';
import { chordLabel, matchesChord, type Chord, type KeyPress } from '../../shared/shortcuts';

/**
 * The comparison's own keys, one table for the key handler, the button titles and aria-keyshortcuts. They
 * act only inside a comparison (no modifier needed there); the window's shortcuts are in shared/shortcuts.ts.
 */
export const CHANGE_KEYS: Readonly<Record<'next' | 'previous', readonly Chord[]>> = {
  next: [{ key: 'n' }, { key: 'f7' }],
  previous: [{ key: 'p' }, { key: 'f7', shift: true }],
};

/** +1 (next change), -1 (previous) or 0 for a key press in a comparison. */
export function changeStepForKey(e: KeyPress): 1 | -1 | 0 {
  if (CHANGE_KEYS.next.some((c) => matchesChord(c, e))) return 1;
  if (CHANGE_KEYS.previous.some((c) => matchesChord(c, e))) return -1;
  return 0;
}

/** "N or F7" for a button title, "N F7" for aria-keyshortcuts. */
export function changeKeyLabels(which: 'next' | 'previous'): { title: string; aria: string } {
  const labels = CHANGE_KEYS[which].map((c) => chordLabel(c));
  return { title: labels.join(' or '), aria: labels.join(' ') };
}

/** The view's own state. */
export interface DiffViewState {
  readonly mode: DiffMode;
  /** `start` of each expanded unchanged region (see layoutDiff). */
  readonly expanded: ReadonlySet<number>;
  /** The change last stepped to, for next/previous and its "change k of n" label. */
  readonly current: number | null;
}

/** What the user can do in the view. */
export type DiffViewAction =
  | { readonly type: 'mode'; readonly mode: DiffMode }
  | { readonly type: 'expand'; readonly start: number }
  | { readonly type: 'goto'; readonly change: number }
  | { readonly type: 'reset' };

/** The view's state for a new comparison; side by side unless the window is narrow. */
export function initialDiffView(mode: DiffMode = 'split'): DiffViewState {
  return { mode, expanded: new Set(), current: null };
}

/** Applies one action. */
export function diffViewReducer(state: DiffViewState, action: DiffViewAction): DiffViewState {
  switch (action.type) {
    case 'mode':
      return state.mode === action.mode ? state : { ...state, mode: action.mode };
    case 'expand': {
      if (state.expanded.has(action.start)) return state;
      const expanded = new Set(state.expanded);
      expanded.add(action.start);
      return { ...state, expanded };
    }
    case 'goto':
      return { ...state, current: action.change };
    case 'reset':
      return initialDiffView(state.mode);
    default:
      return assertNever(action, 'action');
  }
}
