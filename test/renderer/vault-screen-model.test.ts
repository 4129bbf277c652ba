/** The unlocked window's state machine (src/renderer/model/vault-screen.ts). */
import { describe, expect, it } from 'vitest';
import { initialVaultScreen, isFiltered, normalizeTag, plural, queryOf, tagSuggestions, vaultScreenReducer } from '../../src/renderer/model/vault-screen';

describe('vault screen reducer', () => {
  it('sorting by title turns the order to A→Z, by date to newest first, unless an order is given', () => {
    let s = vaultScreenReducer(initialVaultScreen, { type: 'filter', filters: { sort: 'title' } });
    expect(s.filters.order).toBe('asc');
    s = vaultScreenReducer(s, { type: 'filter', filters: { sort: 'created' } });
    expect(s.filters.order).toBe('desc');
    s = vaultScreenReducer(s, { type: 'filter', filters: { sort: 'title', order: 'desc' } });
    expect(s.filters.order).toBe('desc');
  });

  it('clear filters keeps the sort', () => {
    let s = vaultScreenReducer(initialVaultScreen, { type: 'filter', filters: { type: 'tax', tag: '#money', sort: 'title' } });
    expect(isFiltered(s.filters)).toBe(true);
    s = vaultScreenReducer(s, { type: 'clearFilters' });
    expect(isFiltered(s.filters)).toBe(false);
    expect(s.filters.sort).toBe('title');
  });

  it('moving to the Trash clears the selection, reloads the list and offers Undo, which selects it again', () => {
    let s = vaultScreenReducer(initialVaultScreen, { type: 'select', selection: { kind: 'doc', id: 'lease' } });
    s = vaultScreenReducer(s, { type: 'trashed', doc: { id: 'lease', title: 'Flat lease' } });
    expect(s.selection.kind).toBe('none');
    expect(s.generation).toBe(1);
    expect(s.trashed?.id).toBe('lease');
    s = vaultScreenReducer(s, { type: 'undone' });
    expect(s.selection).toEqual({ kind: 'doc', id: 'lease' });
    expect(s.trashed).toBeUndefined();
    expect(s.generation).toBe(2);
  });

  it('the guard holds an action until answered', () => {
    let ran = 0;
    let s = vaultScreenReducer(initialVaultScreen, { type: 'ask', action: () => ran++ });
    s.pending?.();
    expect(ran).toBe(1);
    s = vaultScreenReducer(s, { type: 'answered' });
    expect(s.pending).toBeUndefined();
  });

  it('selecting a document leaves the Trash view', () => {
    let s = vaultScreenReducer(initialVaultScreen, { type: 'view', view: 'trash' });
    s = vaultScreenReducer(s, { type: 'select', selection: { kind: 'doc', id: 'a' } });
    expect(s.view).toBe('documents');
  });
});

describe('tag filter (defect 3)', () => {
  it('accepts #tag as the list shows it', () => {
    expect(normalizeTag('  #money ')).toBe('money');
    expect(queryOf({ type: '', tag: '#money', sort: 'updated', order: 'desc' })).toEqual({ tag: 'money', sort: 'updated', order: 'desc' });
    expect(queryOf({ type: '', tag: '#', sort: 'updated', order: 'desc' })).toEqual({ sort: 'updated', order: 'desc' });
  });
  it('suggests known tags containing the text, prefix matches first, case-insensitive, not the exact one', () => {
    const known = ['finance', 'refinance', 'final', 'home', 'Fin'];
    expect(tagSuggestions('#fin', known)).toEqual(['final', 'finance', 'refinance']);
    expect(tagSuggestions('', known)).toEqual([]);
    expect(tagSuggestions('zzz', known)).toEqual([]);
  });
});

describe('plural (defect 7)', () => {
  it('says 1 document, 2 documents, 0 versions', () => {
    expect(plural(1, 'document')).toBe('1 document');
    expect(plural(2, 'document')).toBe('2 documents');
    expect(plural(0, 'version')).toBe('0 versions');
    expect(plural(1234, 'version')).toBe((1234).toLocaleString() + ' versions');
  });
});
