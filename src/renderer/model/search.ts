/**
 * The search box as a state machine: what was typed, the hits of the newest answered query, which hit is
 * active for the keyboard, how they were ranked. Answers for text that is no longer in the box (or for the
 * other ranking) are dropped, so a slow reply never overwrites a newer one. Pure: unit-tested in test/renderer.
 */
import type { SerializedError } from '../../shared/errors';
import type { SearchHit, SearchRanking, SearchTerm } from '../../shared/search';

/** Everything the search box decides. */
export interface SearchState {
  readonly text: string;
  /** `idle`: nothing typed; `loading`: waiting for the answer to `text`. */
  readonly status: 'idle' | 'loading' | 'done' | 'error';
  readonly hits: readonly SearchHit[];
  readonly terms: readonly SearchTerm[];
  /** Index of the hit Up/Down moved to; -1: none. */
  readonly active: number;
  readonly error: SerializedError | undefined;
  /** How the shown hits were ranked when the ranking window applied (see `SearchPage.ranking`). */
  readonly ranking: SearchRanking | undefined;
  /** Whether the query runs with `rankAll` (asked for with "Rank all matches"; typing resets it). */
  readonly rankAll: boolean;
}

/** Nothing typed. */
export const initialSearch: SearchState = { text: '', status: 'idle', hits: [], terms: [], active: -1, error: undefined, ranking: undefined, rankAll: false };

/** What can happen in the search box. */
export type SearchAction =
  | { readonly type: 'typed'; readonly text: string }
  | { readonly type: 'answered'; readonly text: string; readonly rankAll: boolean; readonly hits: readonly SearchHit[]; readonly terms: readonly SearchTerm[]; readonly ranking: SearchRanking | undefined }
  | { readonly type: 'failed'; readonly text: string; readonly rankAll: boolean; readonly error: SerializedError }
  | { readonly type: 'rankAll' }
  | { readonly type: 'move'; readonly by: 1 | -1 }
  | { readonly type: 'clear' };

/** The search box's transitions. */
export function searchReducer(s: SearchState, a: SearchAction): SearchState {
  switch (a.type) {
    case 'typed':
      return a.text.trim() === '' ? { ...initialSearch, text: a.text } : { ...s, text: a.text, status: 'loading', rankAll: false };
    case 'answered':
      if (a.text !== s.text || a.rankAll !== s.rankAll) return s;
      return { ...s, status: 'done', hits: a.hits, terms: a.terms, active: a.hits.length > 0 ? 0 : -1, error: undefined, ranking: a.ranking };
    case 'failed':
      if (a.text !== s.text || a.rankAll !== s.rankAll) return s;
      // Keep the last hits on screen while a half-typed query ("unterminated) cannot be read.
      return { ...s, status: 'error', error: a.error };
    case 'move': {
      const n = s.hits.length;
      if (n === 0) return s;
      return { ...s, active: (s.active + a.by + n) % n };
    }
    case 'rankAll':
      // The same text again, every match ranked; the hits stay on screen until the answer comes.
      return s.text.trim() === '' || s.rankAll ? s : { ...s, status: 'loading', rankAll: true };
    case 'clear':
      return initialSearch;
  }
}

/** The snippet cut into plain and marked parts, for rendering without HTML. */
export function snippetParts(hit: Pick<SearchHit, 'snippet' | 'marks'>): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const [a, b] of hit.marks) {
    if (a > at) parts.push({ text: hit.snippet.slice(at, a), marked: false });
    parts.push({ text: hit.snippet.slice(a, b), marked: true });
    at = b;
  }
  if (at < hit.snippet.length) parts.push({ text: hit.snippet.slice(at), marked: false });
  return parts;
}
