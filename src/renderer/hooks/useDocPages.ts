/**
 * The document list's data: cursor-paged `doc.list` calls, fetched in order as the view reaches them.
 * A `generation` change reloads from the first page, keeping as many rows as were shown (no flash).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SerializedError } from '../../shared/errors';
import { LIMITS, type DocumentSummary, type ListQuery } from '../../shared/types';
import { toSerializedError } from '../errors';
import { useApi } from '../state';

/** Rows per page. */
export const PAGE = 500;

interface ListState {
  readonly items: DocumentSummary[];
  readonly nextCursor: string | null;
  readonly total: number;
  readonly loading: boolean;
  readonly error: SerializedError | undefined;
}

const EMPTY: ListState = { items: [], nextCursor: null, total: 0, loading: true, error: undefined };

/** Loads pages of `query` on demand; `generation` changes force a reload from the first page. */
export function useDocPages(query: ListQuery, generation: number) {
  const { call } = useApi();
  const [state, setState] = useState<ListState>(EMPTY);
  const inflight = useRef<string | undefined>(undefined);
  const key = JSON.stringify(query);
  const keyRef = useRef(key);
  keyRef.current = key;
  const loaded = useRef({ key, count: 0 });

  useEffect(() => {
    let live = true;
    inflight.current = 'first';
    setState((s) => ({ ...s, loading: true }));
    // A reload of the same query (after a change) fetches as many rows as were shown, so the view does not flash.
    const limit = loaded.current.key === key ? Math.min(LIMITS.listMaxLimit, Math.max(PAGE, loaded.current.count)) : PAGE;
    call('doc.list', { ...query, limit })
      .then((page) => {
        if (live) setState({ items: [...page.items], nextCursor: page.nextCursor, total: page.total ?? 0, loading: false, error: undefined });
      })
      .catch((err: unknown) => {
        if (live) setState({ ...EMPTY, loading: false, error: toSerializedError(err) });
      })
      .finally(() => {
        if (live) inflight.current = undefined;
      });
    return () => {
      live = false;
    };
  }, [key, generation, call]); // `key` stands for `query`

  /** Fetches the next page; `far` (the view is well past what is loaded) asks for the largest page. */
  const loadMore = useCallback((far: boolean) => {
    const cursor = state.nextCursor;
    if (cursor === null || inflight.current !== undefined) return;
    inflight.current = cursor;
    const forKey = keyRef.current;
    call('doc.list', { ...(JSON.parse(forKey) as ListQuery), limit: far ? LIMITS.listMaxLimit : PAGE, cursor })
      .then((page) => {
        if (keyRef.current !== forKey) return;
        setState((s) => (s.nextCursor !== cursor ? s : { ...s, items: [...s.items, ...page.items], nextCursor: page.nextCursor, total: page.total ?? s.total }));
      })
      .catch((err: unknown) => setState((s) => ({ ...s, error: toSerializedError(err) })))
      .finally(() => {
        if (inflight.current === cursor) inflight.current = undefined;
      });
  }, [state.nextCursor, call]);

  loaded.current = { key, count: state.items.length };
  return { ...state, loadMore };
}
