/**
 * The document list: virtualized rows (only what is on screen is in the DOM) over cursor-paged data,
 * so 100k documents scroll as smoothly as 10. Pages are fetched in order as the view reaches them.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { LIMITS, type DocumentSummary, type ListQuery } from '../../shared/types';
import { CallError } from '../errors';
import { useApi } from '../state';
import type { SerializedError } from '../../shared/errors';

const PAGE = 500;
const ROW_HEIGHT = 52;

interface ListState {
  readonly items: DocumentSummary[];
  readonly nextCursor: string | null;
  readonly total: number;
  readonly loading: boolean;
  readonly error: SerializedError | undefined;
}

const EMPTY: ListState = { items: [], nextCursor: null, total: 0, loading: true, error: undefined };

/** Loads pages of `query` on demand; `generation` changes force a reload from the first page. */
function useDocPages(query: ListQuery, generation: number) {
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
        if (live) setState({ items: [...page.items], nextCursor: page.nextCursor, total: page.total, loading: false, error: undefined });
      })
      .catch((err: unknown) => {
        if (live) setState({ ...EMPTY, loading: false, error: err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) } });
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
        setState((s) => (s.nextCursor !== cursor ? s : { ...s, items: [...s.items, ...page.items], nextCursor: page.nextCursor, total: page.total }));
      })
      .catch((err: unknown) => setState((s) => ({ ...s, error: err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) } })))
      .finally(() => {
        if (inflight.current === cursor) inflight.current = undefined;
      });
  }, [state.nextCursor, call]);

  loaded.current = { key, count: state.items.length };
  return { ...state, loadMore };
}

function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Props of {@link DocumentList}. */
export interface DocumentListProps {
  readonly query: ListQuery;
  readonly generation: number;
  readonly selectedId: string | undefined;
  readonly onSelect: (id: string) => void;
  readonly onTotal?: (total: number) => void;
}

/** The virtualized list of documents matching `query`. */
export function DocumentList({ query, generation, selectedId, onSelect, onTotal }: DocumentListProps) {
  const { items, total, nextCursor, loading, error, loadMore } = useDocPages(query, generation);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.length > 0 ? (virtualItems[virtualItems.length - 1]?.index ?? 0) : 0;

  useEffect(() => onTotal?.(total), [total, onTotal]);
  // Fetch the next page while the view is within a page of what is loaded (repeats until covered).
  useEffect(() => {
    if (nextCursor !== null && lastIndex >= items.length - PAGE / 2) loadMore(lastIndex > items.length + PAGE);
  }, [lastIndex, items.length, nextCursor, loadMore]);

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const at = selectedId === undefined ? -1 : items.findIndex((d) => d.id === selectedId);
    const next = Math.max(0, Math.min(items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    const doc = items[next];
    if (doc !== undefined) {
      onSelect(doc.id);
      virtualizer.scrollToIndex(next);
    }
  };

  return (
    <div className="list" ref={scrollRef} tabIndex={0} onKeyDown={onKeyDown} data-testid="doc-list" aria-label="Documents" role="listbox">
      {error !== undefined && <div className="error">{error.message}</div>}
      {!loading && total === 0 && error === undefined && <div className="empty muted">No documents here yet.</div>}
      <div className="list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((v) => {
          const d = items[v.index];
          return (
            <div
              key={v.key}
              className={d !== undefined && d.id === selectedId ? 'row selected' : 'row'}
              style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
              role="option"
              aria-selected={d !== undefined && d.id === selectedId}
              data-testid={d === undefined ? 'doc-row-loading' : 'doc-row'}
              data-id={d?.id}
              onClick={d === undefined ? undefined : () => onSelect(d.id)}
            >
              {d === undefined ? (
                <span className="muted">Loading…</span>
              ) : (
                <>
                  <div className="row-title">
                    {d.integrityFailed === true && (
                      <span className="pill integrity" title="This entry failed its integrity check: it may have been altered outside docvault. Run Verify.">
                        altered?
                      </span>
                    )}
                    {d.title !== '' ? d.title : <span className="muted">{d.id}</span>}
                  </div>
                  <div className="row-meta muted">
                    {d.type !== '' && <span className="pill">{d.type}</span>}
                    {d.tags.slice(0, 3).map((t) => (
                      <span key={t} className="tag">
                        #{t}
                      </span>
                    ))}
                    <span className="date">v{d.version} · {formatDate(d.updatedAt)}</span>
                  </div>
                </>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
