/** The search box's behaviour: the reducer of ../model/search.ts, with a debounced `doc.search` call per change. */
import { useCallback, useEffect, useReducer } from 'react';
import { toSerializedError } from '../errors';
import { initialSearch, searchReducer } from '../model/search';
import { useApi } from '../state';

/** Wait after the last key press before searching (ms). */
export const SEARCH_DEBOUNCE_MS = 150;
/** Hits shown. */
const LIMIT = 50;

/** State and actions of the search box; `generation` bumps re-run the current query (after writes). */
export function useSearch(generation: number) {
  const { api } = useApi();
  const [state, dispatch] = useReducer(searchReducer, initialSearch);
  const { text, rankAll } = state;
  useEffect(() => {
    if (text.trim() === '') return undefined;
    const timer = setTimeout(
      () => {
        // The raw api, not `call`: a search as you type must not flash the busy indicator.
        api
          .invoke('doc.search', { query: text, limit: LIMIT, ...(rankAll ? { rankAll } : {}) })
          .then((r) =>
            dispatch(r.ok ? { type: 'answered', text, rankAll, hits: r.value.items, terms: r.value.terms, ranking: r.value.ranking } : { type: 'failed', text, rankAll, error: r.error }),
          )
          .catch((err: unknown) => dispatch({ type: 'failed', text, rankAll, error: toSerializedError(err) }));
      },
      // "Rank all matches" is a click, not typing: no debounce.
      rankAll ? 0 : SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [api, text, rankAll, generation]);
  const type = useCallback((t: string) => dispatch({ type: 'typed', text: t }), []);
  const rankEvery = useCallback(() => dispatch({ type: 'rankAll' }), []);
  return { state, dispatch, type, rankEvery };
}
