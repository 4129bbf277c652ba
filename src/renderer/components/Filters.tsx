/** Type and tag filters, sort key and order. The tag filter takes `#tag` as shown in the list and suggests known tags. */
import type { SortKey } from '../../shared/types';
import { normalizeTag, tagSuggestions, type Filters as FilterValues } from '../model/vault-screen';

const SORTS: { key: SortKey; label: string }[] = [
  { key: 'updated', label: 'Last updated' },
  { key: 'created', label: 'Created' },
  { key: 'title', label: 'Title' },
];

/** Props of {@link Filters}. */
export interface FiltersProps {
  readonly filters: FilterValues;
  readonly types: readonly string[];
  /** Tags seen in the vault so far (for suggestions). */
  readonly knownTags: ReadonlySet<string>;
  readonly onChange: (f: Partial<FilterValues>) => void;
}

/** The filter bar above the list. */
export function Filters({ filters, types, knownTags, onChange }: FiltersProps) {
  const suggestions = tagSuggestions(filters.tag, knownTags);
  return (
    <>
      <div className="filters">
        <select aria-label="Filter by type" value={filters.type} onChange={(e) => onChange({ type: e.target.value })}>
          <option value="">All types</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <input aria-label="Filter by tag" placeholder="#tag" value={filters.tag} list="known-tags" onChange={(e) => onChange({ tag: e.target.value })} />
        <datalist id="known-tags">
          {[...knownTags].sort().map((t) => (
            <option key={t} value={`#${t}`} />
          ))}
        </datalist>
        <select aria-label="Sort by" value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as SortKey })}>
          {SORTS.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
        <button type="button" aria-label="Sort order" title="Reverse order" onClick={() => onChange({ order: filters.order === 'asc' ? 'desc' : 'asc' })}>
          {filters.order === 'asc' ? '↑' : '↓'}
        </button>
      </div>
      {suggestions.length > 0 && (
        <div className="suggestions small" data-testid="tag-suggestions">
          <span className="muted">Tags like “{normalizeTag(filters.tag)}”:</span>
          {suggestions.map((t) => (
            <button key={t} type="button" className="tag chip" onClick={() => onChange({ tag: t })}>
              #{t}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
