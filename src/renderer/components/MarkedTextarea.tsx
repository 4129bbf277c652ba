/**
 * The content textarea, with the words of a search marked: a backdrop with the same text and metrics sits
 * behind a transparent textarea and draws <mark>s, so editing stays a plain textarea. Opening scrolls the
 * first match into view. Without terms it is the plain textarea.
 */
import { useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { findMatches, type SearchTerm } from '../../shared/search';

/** Props of {@link MarkedTextarea}. */
export interface MarkedTextareaProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly terms: readonly SearchTerm[] | undefined;
}

/** The textarea of the editor. */
export function MarkedTextarea({ value, onChange, terms }: MarkedTextareaProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const back = useRef<HTMLDivElement>(null);
  const scrolled = useRef(false);
  const marks = useMemo(() => (terms === undefined ? [] : findMatches(value, terms)), [value, terms]);
  useLayoutEffect(() => {
    if (scrolled.current || marks.length === 0) return;
    const first = back.current?.querySelector('mark');
    if (first === null || first === undefined || area.current === null) return;
    scrolled.current = true;
    area.current.scrollTop = Math.max(0, first.offsetTop - area.current.clientHeight / 3);
    if (back.current !== null) back.current.scrollTop = area.current.scrollTop;
  }, [marks]);
  const textarea = (
    <textarea
      ref={area}
      name="content"
      aria-label="Content"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onScroll={(e) => {
        if (back.current !== null) back.current.scrollTop = e.currentTarget.scrollTop;
      }}
      spellCheck
    />
  );
  if (marks.length === 0) return textarea;
  const parts: ReactNode[] = [];
  let at = 0;
  marks.forEach(([a, b], i) => {
    parts.push(value.slice(at, a), <mark key={i}>{value.slice(a, b)}</mark>);
    at = b;
  });
  // A trailing newline keeps the backdrop's last line as tall as the textarea's.
  parts.push(`${value.slice(at)}\n`);
  return (
    <div className="marked">
      <div className="muted small" data-testid="match-count">
        {marks.length === 1 ? '1 match' : `${marks.length} matches`} marked
      </div>
      <div className="marked-box">
        <div className="marked-backdrop" ref={back} aria-hidden="true" data-testid="marks">
          {parts}
        </div>
        {textarea}
      </div>
    </div>
  );
}
