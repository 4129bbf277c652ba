/**
 * The unlocked window as a state machine: which view and document are shown, the list's filters, the
 * unsaved-change guard, the dialogs and the Undo notice. Pure (no React, no calls): unit-tested in test/renderer.
 */
import type { BackupCreated } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import type { SearchTerm } from '../../shared/search';
import type { ListQuery, SortKey, VerifyReport } from '../../shared/types';

/** What the editor pane shows. `n` makes each "New" a fresh editor; `terms`: words to mark (opened from a search hit). */
export type Selection =
  | { readonly kind: 'none' }
  | { readonly kind: 'doc'; readonly id: string; readonly terms?: readonly SearchTerm[] }
  | { readonly kind: 'new'; readonly n: number };

/** The list's filters and order. */
export interface Filters {
  readonly type: string;
  /** As typed: may start with `#` (the list shows tags that way). */
  readonly tag: string;
  readonly sort: SortKey;
  readonly order: 'asc' | 'desc';
}

/** A document just moved to the Trash, offered for Undo. */
export interface Trashed {
  readonly id: string;
  readonly title: string;
}

/** Everything the unlocked window decides. */
export interface VaultScreenState {
  readonly view: 'documents' | 'trash';
  readonly selection: Selection;
  readonly filters: Filters;
  /** Bumped to reload the list from its first page (after a change here or elsewhere). */
  readonly generation: number;
  /** An action waiting for "Discard unsaved changes?". */
  readonly pending: (() => void) | undefined;
  readonly error: SerializedError | undefined;
  readonly report: VerifyReport | undefined;
  /** The Change passphrase dialog is open. */
  readonly changingPassphrase: boolean;
  /** The backup just written, shown until dismissed. */
  readonly backup: BackupCreated | undefined;
  readonly trashed: Trashed | undefined;
}

/** The default filters: everything, newest change first. */
export const DEFAULT_FILTERS: Filters = { type: '', tag: '', sort: 'updated', order: 'desc' };

/** The state right after unlocking. */
export const initialVaultScreen: VaultScreenState = {
  view: 'documents',
  selection: { kind: 'none' },
  filters: DEFAULT_FILTERS,
  generation: 0,
  pending: undefined,
  error: undefined,
  report: undefined,
  backup: undefined,
  changingPassphrase: false,
  trashed: undefined,
};

/** What can happen in the unlocked window. */
export type VaultScreenAction =
  | { readonly type: 'select'; readonly selection: Selection }
  | { readonly type: 'filter'; readonly filters: Partial<Filters> }
  | { readonly type: 'clearFilters' }
  | { readonly type: 'reload' }
  | { readonly type: 'ask'; readonly action: () => void }
  | { readonly type: 'answered' }
  | { readonly type: 'error'; readonly error: SerializedError | undefined }
  | { readonly type: 'report'; readonly report: VerifyReport | undefined }
  | { readonly type: 'backup'; readonly backup: BackupCreated | undefined }
  | { readonly type: 'changePassphrase'; readonly open: boolean }
  | { readonly type: 'trashed'; readonly doc: Trashed }
  | { readonly type: 'undone' }
  | { readonly type: 'dismissTrashed' }
  | { readonly type: 'view'; readonly view: 'documents' | 'trash' };

/** The window's transitions. */
export function vaultScreenReducer(s: VaultScreenState, a: VaultScreenAction): VaultScreenState {
  switch (a.type) {
    case 'select':
      return { ...s, selection: a.selection, view: 'documents' };
    case 'filter': {
      const filters = { ...s.filters, ...a.filters };
      // Sorting by title reads best A→Z; by date, newest first.
      if (a.filters.sort !== undefined && a.filters.order === undefined) return { ...s, filters: { ...filters, order: a.filters.sort === 'title' ? 'asc' : 'desc' } };
      return { ...s, filters };
    }
    case 'clearFilters':
      return { ...s, filters: { ...DEFAULT_FILTERS, sort: s.filters.sort, order: s.filters.order } };
    case 'reload':
      return { ...s, generation: s.generation + 1 };
    case 'ask':
      return { ...s, pending: a.action };
    case 'answered':
      return { ...s, pending: undefined };
    case 'error':
      return { ...s, error: a.error };
    case 'report':
      return { ...s, report: a.report };
    case 'backup':
      return { ...s, backup: a.backup };
    case 'changePassphrase':
      return { ...s, changingPassphrase: a.open };
    case 'trashed':
      return { ...s, trashed: a.doc, selection: { kind: 'none' }, generation: s.generation + 1 };
    case 'undone':
      return s.trashed === undefined ? s : { ...s, selection: { kind: 'doc', id: s.trashed.id }, trashed: undefined, generation: s.generation + 1 };
    case 'dismissTrashed':
      return { ...s, trashed: undefined };
    case 'view':
      return { ...s, view: a.view };
  }
}

/** The tag as the engine stores it: "#Work " → "Work". */
export function normalizeTag(typed: string): string {
  return typed.trim().replace(/^#+/, '').trim();
}

/** True when the list is narrowed by a filter. */
export function isFiltered(f: Filters): boolean {
  return f.type !== '' || normalizeTag(f.tag) !== '';
}

/** The list query of these filters. */
export function queryOf(f: Filters): ListQuery {
  const tag = normalizeTag(f.tag);
  return { ...(f.type !== '' ? { type: f.type } : {}), ...(tag !== '' ? { tag } : {}), sort: f.sort, order: f.order };
}

/**
 * Known tags that contain what was typed (case-insensitive), those starting with it first; the exact tag
 * itself is left out. Feeds the suggestions under the tag filter.
 */
export function tagSuggestions(typed: string, known: Iterable<string>, max = 6): string[] {
  const q = normalizeTag(typed).toLowerCase();
  if (q === '') return [];
  const hits = [...new Set(known)].filter((t) => t.toLowerCase().includes(q) && t.toLowerCase() !== q);
  hits.sort((a, b) => Number(!a.toLowerCase().startsWith(q)) - Number(!b.toLowerCase().startsWith(q)) || a.localeCompare(b));
  return hits.slice(0, max);
}

/** "1 document", "2 documents", "1,234 versions". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
