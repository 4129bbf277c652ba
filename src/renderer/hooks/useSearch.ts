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
  const text = state.text;
  useEffect(() => {
    if (text.trim() === '') return undefined;
    const timer = setTimeout(() => {
      // The raw api, not `call`: a search as you type must not flash the busy indicator.
      api
        .invoke('doc.search', { query: text, limit: LIMIT })
        .then((r) => dispatch(r.ok ? { type: 'answered', text, hits: r.value.items, terms: r.value.terms } : { type: 'failed', text, error: r.error }))
        .catch((err: unknown) => dispatch({ type: 'failed', text, error: toSerializedError(err) }));
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [api, text, generation]);
  const type = useCallback((t: string) => dispatch({ type: 'typed', text: t }), []);
  return { state, dispatch, type };
}
