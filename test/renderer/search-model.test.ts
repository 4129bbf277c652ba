/** The search box's reducer and the shared helpers that mark words: stale answers dropped, keyboard wrap, marks. */
import { describe, expect, it } from 'vitest';
import { findMatches, parseSearchQuery, rankingNote, splitMarks, MARK_CLOSE, MARK_OPEN } from '../../src/shared/search';
import { initialSearch, searchReducer, snippetParts } from '../../src/renderer/model/search';

const hit = (id: string) => ({ id, title: id, type: '', tags: [], version: 1, createdAt: 0, updatedAt: 0, score: 1, snippet: 'a b', marks: [] });

describe('search box reducer', () => {
  it('drops answers for text no longer in the box; wraps Up/Down; clears', () => {
    let s = searchReducer(initialSearch, { type: 'typed', text: 'pen' });
    s = searchReducer(s, { type: 'typed', text: 'penic' });
    expect(s.status).toBe('loading');
    s = searchReducer(s, { type: 'answered', text: 'pen', rankAll: false, hits: [hit('old')], terms: [], ranking: undefined });
    expect(s.hits).toEqual([]);
    s = searchReducer(s, { type: 'answered', text: 'penic', rankAll: false, hits: [hit('a'), hit('b')], terms: [{ text: 'penic', prefix: true }], ranking: undefined });
    expect(s).toMatchObject({ status: 'done', active: 0 });
    s = searchReducer(s, { type: 'move', by: -1 });
    expect(s.active).toBe(1);
    s = searchReducer(s, { type: 'move', by: 1 });
    expect(s.active).toBe(0);
    s = searchReducer(s, { type: 'typed', text: '"pen' });
    s = searchReducer(s, { type: 'failed', text: '"pen', rankAll: false, error: { kind: 'Invalid', message: 'query: a quotation mark is not closed' } });
    expect(s).toMatchObject({ status: 'error', hits: [hit('a'), hit('b')] });
    expect(searchReducer(s, { type: 'typed', text: '  ' })).toMatchObject({ status: 'idle', hits: [] });
    expect(searchReducer(s, { type: 'clear' })).toEqual(initialSearch);
  });

  it('keeps the ranking of an answer, reruns with rankAll on request, and drops an answer of the other ranking', () => {
    const ranking = { window: 10_000, matchesAtLeast: 10_001, allCounted: false };
    let s = searchReducer(initialSearch, { type: 'typed', text: 'ledger' });
    s = searchReducer(s, { type: 'answered', text: 'ledger', rankAll: false, hits: [hit('new')], terms: [], ranking });
    expect(s).toMatchObject({ status: 'done', ranking, rankAll: false });
    s = searchReducer(s, { type: 'rankAll' });
    expect(s).toMatchObject({ status: 'loading', rankAll: true, hits: [hit('new')] });
    // The windowed answer to the same text, arriving late, must not replace the ranked-all one.
    expect(searchReducer(s, { type: 'answered', text: 'ledger', rankAll: false, hits: [hit('late')], terms: [], ranking })).toBe(s);
    s = searchReducer(s, { type: 'answered', text: 'ledger', rankAll: true, hits: [hit('best')], terms: [], ranking: undefined });
    expect(s).toMatchObject({ status: 'done', rankAll: true, ranking: undefined, hits: [hit('best')] });
    // Typing again goes back to the window.
    expect(searchReducer(s, { type: 'typed', text: 'ledgers' })).toMatchObject({ status: 'loading', rankAll: false });
    // Nothing typed: nothing to rerun.
    expect(searchReducer(initialSearch, { type: 'rankAll' })).toBe(initialSearch);
  });

  it('says how a windowed page was ranked', () => {
    expect(rankingNote({ window: 10_000, matchesAtLeast: 10_001, allCounted: false })).toBe('Best matches among the 10,000 newest of more than 10,000 matches');
    expect(rankingNote({ window: 5, matchesAtLeast: 11, allCounted: false }, 5)).toBe('Best matches among the 5 newest after the first 5, of more than 10 matches');
    expect(rankingNote({ window: 5, matchesAtLeast: 12, allCounted: true }, 10)).toBe('Best matches among the 5 newest after the first 10, of 12 matches');
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
