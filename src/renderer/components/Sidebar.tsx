/** The left column: New, open by id, filters, the count and the document list. */
import { useState, type RefObject } from 'react';
import type { SearchTerm } from '../../shared/search';
import type { DocumentSummary } from '../../shared/types';
import { shortcutOf } from '../../shared/shortcuts';
import { isFiltered, plural, queryOf, type Filters as FilterValues } from '../model/vault-screen';
import { chordHint } from '../shortcut-keys';
import { DocumentList } from './DocumentList';
import { Filters } from './Filters';
import { SearchBox } from './SearchBox';

/** Props of {@link Sidebar}. */
export interface SidebarProps {
  readonly filters: FilterValues;
  readonly types: readonly string[];
  readonly knownTags: ReadonlySet<string>;
  readonly generation: number;
  readonly selectedId: string | undefined;
  readonly findRef: RefObject<HTMLInputElement | null>;
  readonly searchRef: RefObject<HTMLInputElement | null>;
  readonly onOpenHit: (id: string, terms: readonly SearchTerm[]) => void;
  readonly onNew: () => void;
  readonly onFind: (id: string) => void;
  readonly onFilter: (f: Partial<FilterValues>) => void;
  readonly onClearFilters: () => void;
  readonly onSelect: (id: string) => void;
  readonly onItems: (items: readonly DocumentSummary[]) => void;
}

/** The sidebar. */
export function Sidebar(p: SidebarProps) {
  const [findText, setFindText] = useState('');
  const [matching, setMatching] = useState(0);
  const [searching, setSearching] = useState(false);
  const filtered = isFiltered(p.filters);
  return (
    <aside className="sidebar">
      <div className="toolbar">
        <button type="button" className="primary" onClick={p.onNew} title={`New document (${chordHint(shortcutOf('new'))})`}>
          New
        </button>
        <form
          className="find"
          onSubmit={(e) => {
            e.preventDefault();
            p.onFind(findText);
          }}
        >
          <input
            ref={p.findRef}
            type="search"
            placeholder={`Open by id (${chordHint(shortcutOf('find'))})`}
            aria-label="Find by id"
            value={findText}
            onChange={(e) => setFindText(e.target.value)}
          />
        </form>
      </div>
      <SearchBox inputRef={p.searchRef} generation={p.generation} onOpen={p.onOpenHit} onActive={setSearching} />
      {/* Hidden, not unmounted, while searching: the list keeps its place and its loaded pages. */}
      <div hidden={searching} className="list-area">
        <Filters filters={p.filters} types={p.types} knownTags={p.knownTags} onChange={p.onFilter} />
        <div className="muted small count" data-testid="count">
          {filtered ? `${plural(matching, 'matching document')}` : plural(matching, 'document')}
        </div>
        <DocumentList
          query={queryOf(p.filters)}
          generation={p.generation}
          selectedId={p.selectedId}
          onSelect={p.onSelect}
          onTotal={setMatching}
          onItems={p.onItems}
          onClearFilters={filtered ? p.onClearFilters : undefined}
        />
      </div>
    </aside>
  );
}
