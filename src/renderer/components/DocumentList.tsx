/**
 * The document list: virtualized rows (only what is on screen is in the DOM) over cursor-paged data
 * (../hooks/useDocPages.ts), so 100k documents scroll as smoothly as 10.
 */
import { SafeText } from './SafeText';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { DocumentSummary, ListQuery } from '../../shared/types';
import { PAGE, useDocPages } from '../hooks/useDocPages';
import { ErrorMessage } from './ErrorMessage';

const ROW_HEIGHT = 56;

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
  /** The rows loaded so far (known tags for the tag filter's suggestions). */
  readonly onItems?: (items: readonly DocumentSummary[]) => void;
  /** Set when a filter narrows the list: an empty list then says "No matches" and offers this. */
  readonly onClearFilters?: (() => void) | undefined;
}

/**
 * One row: title on the first line; type, tags and date on the second, the date never cut. User text sits
 * in `SafeText`: a title or tag holding bidirectional controls (U+202E…) shows them escaped and cannot reorder the text around it.
 */
function Row({ d }: { d: DocumentSummary }) {
  return (
    <>
      <div className="row-title">
        {d.integrityFailed === true && (
          <span className="pill integrity" title="This entry failed its integrity check: it may have been altered outside docvault. Run Verify.">
            altered?
          </span>
        )}
        {d.title !== '' ? <SafeText text={d.title} /> : <SafeText className="muted" text={d.id} />}
      </div>
      <div className="row-meta muted">
        <span className="row-labels">
          {d.type !== '' && (
            <span className="pill">
              <SafeText text={d.type} />
            </span>
          )}
          {d.tags.slice(0, 3).map((t) => (
            <span key={t} className="tag">
              #<SafeText text={t} />
            </span>
          ))}
        </span>
        <span className="date" title={new Date(d.updatedAt).toLocaleString()}>
          v{d.version} · {formatDate(d.updatedAt)}
        </span>
      </div>
    </>
  );
}

/** The virtualized list of documents matching `query`. */
export function DocumentList({ query, generation, selectedId, onSelect, onTotal, onItems, onClearFilters }: DocumentListProps) {
  const { items, total, nextCursor, loading, error, loadMore } = useDocPages(query, generation);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.length > 0 ? (virtualItems[virtualItems.length - 1]?.index ?? 0) : 0;
  const queryKey = JSON.stringify(query);

  useEffect(() => onTotal?.(total), [total, onTotal]);
  useEffect(() => onItems?.(items), [items, onItems]);
  // A new sort or filter starts at the top, not where the old list was scrolled to.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [queryKey]);
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
      <ErrorMessage error={error} />
      {!loading && total === 0 && error === undefined && (
        <div className="empty muted" data-testid="list-empty">
          {onClearFilters !== undefined ? (
            <>
              <p>No matches.</p>
              <button type="button" onClick={onClearFilters}>
                Clear filters
              </button>
            </>
          ) : (
            <p>No documents here yet. Create one with New.</p>
          )}
        </div>
      )}
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
              {d === undefined ? <span className="muted">Loading…</span> : <Row d={d} />}
            </div>
          );
        })}
      </div>
    </div>
  );
}
