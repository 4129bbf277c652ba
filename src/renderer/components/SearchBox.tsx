/**
 * Full-text search in the sidebar: results as you type (debounced, in ../hooks/useSearch.ts), snippets with
 * the matches marked, Up/Down/Enter to open a hit, Escape to clear. Renders only.
 */
import { SafeText } from './SafeText';
import type { RefObject } from 'react';
import { rankingNote, type SearchTerm } from '../../shared/search';
import { shortcutOf } from '../../shared/shortcuts';
import { describeError } from '../errors';
import { useSearch } from '../hooks/useSearch';
import { snippetParts, type SearchState } from '../model/search';
import { printable } from '../../shared/printable';
import { chordHint } from '../shortcut-keys';

/** Props of {@link SearchBox}. */
export interface SearchBoxProps {
  readonly inputRef: RefObject<HTMLInputElement | null>;
  readonly generation: number;
  /** Open a hit, with the words to mark in it. */
  readonly onOpen: (id: string, terms: readonly SearchTerm[]) => void;
  /** Whether results are showing (the sidebar then hides the list). */
  readonly onActive: (active: boolean) => void;
}

/** The search box and, while it has text, its results. */
export function SearchBox({ inputRef, generation, onOpen, onActive }: SearchBoxProps) {
  const { state, dispatch, type, rankEvery } = useSearch(generation);
  const open = (i: number): void => {
    const hit = state.hits[i];
    if (hit !== undefined) onOpen(hit.id, state.terms);
  };
  const set = (t: string): void => {
    type(t);
    onActive(t.trim() !== '');
  };
  return (
    <div className="search">
      <input
        ref={inputRef}
        type="search"
        placeholder={`Search text (${chordHint(shortcutOf('search'))})`}
        aria-label="Search text"
        aria-controls="search-results"
        value={state.text}
        onChange={(e) => set(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            dispatch({ type: 'move', by: e.key === 'ArrowDown' ? 1 : -1 });
          } else if (e.key === 'Enter') {
            e.preventDefault();
            open(state.active);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            set('');
          }
        }}
      />
      {state.status !== 'idle' && (
        <div className="search-results" data-testid="search-results">
          {state.status === 'error' && state.error !== undefined && (
            <div className="muted small" role="status">
              {(describeError(state.error).detail ?? describeError(state.error).title).replace(/^query: /, '')}
            </div>
          )}
          {state.status === 'done' && state.hits.length === 0 && <div className="muted small">No document contains that.</div>}
          <RankingLine state={state} onRankAll={rankEvery} />
          <ul id="search-results" role="listbox" aria-label="Search results">
            {state.hits.map((hit, i) => (
              <li key={hit.id} role="option" aria-selected={i === state.active} className={i === state.active ? 'selected' : undefined} onClick={() => open(i)}>
                <div className="hit-title">
                  <SafeText text={hit.title || hit.id} />
                </div>
                <div className="hit-snippet small">
                  {snippetParts(hit).map((p, j) => (p.marked ? <mark key={j}>{printable(p.text)}</mark> : <span key={j}>{printable(p.text)}</span>))}
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/**
 * Under the results, quietly: how they were ranked when more documents matched than the ranking window,
 * with the button that ranks them all (a rerun of the same text with `rankAll`).
 */
function RankingLine({ state, onRankAll }: { readonly state: SearchState; readonly onRankAll: () => void }) {
  if (state.rankAll) {
    if (state.hits.length === 0) return null;
    return (
      <div className="search-ranking muted small" role="status">
        {state.status === 'loading' ? 'Ranking all matches…' : 'Every match ranked by relevance'}
      </div>
    );
  }
  if (state.ranking === undefined || state.status === 'idle') return null;
  return (
    <div className="search-ranking muted small" role="status">
      {rankingNote(state.ranking)} ·{' '}
      <button type="button" className="inline-link" onClick={onRankAll}>
        Rank all matches
      </button>
    </div>
  );
}
