/** The search box's reducer and the shared helpers that mark words: stale answers dropped, keyboard wrap, marks. */
import { describe, expect, it } from 'vitest';
import { findMatches, parseSearchQuery, splitMarks, MARK_CLOSE, MARK_OPEN } from '../../src/shared/search';
import { initialSearch, searchReducer, snippetParts } from '../../src/renderer/model/search';

const hit = (id: string) => ({ id, title: id, type: '', tags: [], version: 1, createdAt: 0, updatedAt: 0, score: 1, snippet: 'a b', marks: [] });

describe('search box reducer', () => {
  it('drops answers for text no longer in the box; wraps Up/Down; clears', () => {
    let s = searchReducer(initialSearch, { type: 'typed', text: 'pen' });
    s = searchReducer(s, { type: 'typed', text: 'penic' });
    expect(s.status).toBe('loading');
    s = searchReducer(s, { type: 'answered', text: 'pen', hits: [hit('old')], terms: [] });
    expect(s.hits).toEqual([]);
    s = searchReducer(s, { type: 'answered', text: 'penic', hits: [hit('a'), hit('b')], terms: [{ text: 'penic', prefix: true }] });
    expect(s).toMatchObject({ status: 'done', active: 0 });
    s = searchReducer(s, { type: 'move', by: -1 });
    expect(s.active).toBe(1);
    s = searchReducer(s, { type: 'move', by: 1 });
    expect(s.active).toBe(0);
    s = searchReducer(s, { type: 'typed', text: '"pen' });
    s = searchReducer(s, { type: 'failed', text: '"pen', error: { kind: 'Invalid', message: 'query: a quotation mark is not closed' } });
    expect(s).toMatchObject({ status: 'error', hits: [hit('a'), hit('b')] });
    expect(searchReducer(s, { type: 'typed', text: '  ' })).toMatchObject({ status: 'idle', hits: [] });
    expect(searchReducer(s, { type: 'clear' })).toEqual(initialSearch);
  });

  it('cuts a snippet into plain and marked parts', () => {
    expect(snippetParts({ snippet: 'a rash after b', marks: [[2, 6], [7, 12]] })).toEqual([
      { text: 'a ', marked: false },
      { text: 'rash', marked: true },
      { text: ' ', marked: false },
      { text: 'after', marked: true },
      { text: ' b', marked: false },
    ]);
  });
});

describe('shared search helpers', () => {
  it('finds the words of a query in text as the index folds them', () => {
    const { terms } = parseSearchQuery('penic* "Müller café" NOT rash');
    expect(terms).toEqual([
      { text: 'penic', prefix: true },
      { text: 'muller', prefix: false },
      { text: 'cafe', prefix: false },
    ]);
    const text = 'Penicillin for Herr MÜLLER at the Café; a rash.';
    expect(findMatches(text, terms).map(([a, b]) => text.slice(a, b))).toEqual(['Penicillin', 'MÜLLER', 'Café']);
  });

  it('splits snippet markers into ranges, ignoring stray markers', () => {
    expect(splitMarks(`x ${MARK_OPEN}hit${MARK_CLOSE} y ${MARK_CLOSE}`)).toEqual({ text: 'x hit y ', marks: [[2, 5]] });
  });

  it('turns words with punctuation into phrases and keeps operators and columns', () => {
    expect(parseSearchQuery('e-mail AND title:lease*').fts).toBe('"e-mail" AND title: lease*');
    expect(parseSearchQuery('(a OR b) c').fts).toBe('( a OR b ) c');
  });
});
