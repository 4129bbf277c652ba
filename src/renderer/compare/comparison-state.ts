/**
 * The state of one comparison computed by the worker, as a reducer: replies carry the sequence
 * number of their request, so a late reply to a cancelled or replaced comparison is ignored.
 */
import type { CompareProgress, Comparison } from '../../shared/compare';
import { assertNever, type SerializedError } from '../../shared/errors';
import type { CompareReply } from './protocol';

/** Where a comparison stands. */
export type ComparisonState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly seq: number; readonly progress: CompareProgress | null }
  | { readonly status: 'done'; readonly seq: number; readonly comparison: Comparison; readonly durationMs: number }
  | { readonly status: 'error'; readonly seq: number; readonly error: SerializedError }
  | { readonly status: 'cancelled'; readonly seq: number };

/** What can happen to a comparison. */
export type ComparisonAction =
  | { readonly type: 'start'; readonly seq: number }
  | { readonly type: 'reply'; readonly reply: CompareReply }
  /** The worker failed to start or crashed (its `error` event). */
  | { readonly type: 'crash'; readonly seq: number; readonly message: string }
  | { readonly type: 'cancel'; readonly seq: number }
  | { readonly type: 'reset' };

/** The initial state. */
export const IDLE: ComparisonState = { status: 'idle' };

/** Applies one action. */
export function comparisonReducer(state: ComparisonState, action: ComparisonAction): ComparisonState {
  switch (action.type) {
    case 'start':
      return { status: 'running', seq: action.seq, progress: null };
    case 'reset':
      return IDLE;
    case 'reply': {
      const r = action.reply;
      if (state.status !== 'running' || state.seq !== r.seq) return state;
      if (r.type === 'progress') return { ...state, progress: r.progress };
      if (r.type === 'done') return { status: 'done', seq: r.seq, comparison: r.comparison, durationMs: r.durationMs };
      if (r.type === 'error') return { status: 'error', seq: r.seq, error: r.error };
      return assertNever(r, 'reply');
    }
    case 'crash':
      if (state.status !== 'running' || state.seq !== action.seq) return state;
      return { status: 'error', seq: action.seq, error: { kind: 'Internal', message: `The comparison worker stopped: ${action.message}` } };
    case 'cancel':
      if (state.status !== 'running' || state.seq !== action.seq) return state;
      return { status: 'cancelled', seq: action.seq };
    default:
      return assertNever(action, 'action');
  }
}

/** A progress bar's value 0..1: the line diff is the first half, word highlights the second. */
export function progressFraction(p: CompareProgress | null): number {
  if (p === null) return 0;
  const part = p.total > 0 ? p.done / p.total : 1;
  return p.phase === 'lines' ? part / 2 : 0.5 + part / 2;
}
