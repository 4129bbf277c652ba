/**
 * What the user chose in a comparison view — mode, expanded regions, the change in focus — as a
 * reducer, so the component only renders.
 */
import { assertNever } from '../../shared/errors';
import type { DiffMode } from '../../shared/diff-layout';

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
