/**
 * Full-text search as every layer sees it: the query and result types, the query's validation, how a
 * user's text becomes an FTS5 expression, the words to mark in an opened hit, and the marks in a
 * snippet. Pure TypeScript (no node:*, no DOM): the engine, the CLI and the window share it.
 */
import { DocvaultError } from './errors';
import { LIMITS } from './types';

/** Whether a document must carry any or all of `tags`. */
export type TagMode = 'any' | 'all';

/** A query of `search`. Filters combine with AND; times are ms since the epoch, `From` inclusive, `To` exclusive. */
export interface SearchQuery {
  /** Words (`penicillin`), prefixes (`penic*`), phrases (`"medical record"`), AND / OR / NOT, `title:` / `content:`. */
  readonly query: string;
  readonly type?: string;
  readonly tags?: readonly string[];
  /** `any` (default): at least one of `tags`; `all`: every one. */
  readonly tagMode?: TagMode;
  /** Matches `metadata.author`. */
  readonly author?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
  readonly updatedFrom?: number;
  readonly updatedTo?: number;
  /** Page size, 1..LIMITS.listMaxLimit, default 20. */
  readonly limit?: number;
  /** Hits to skip (from a previous page's `nextOffset`). Default 0. */
  readonly offset?: number;
  /**
   * Rank every match by bm25, however many there are. Default false: when more documents match than the
   * vault's ranking window (`searchRankWindow`, default {@link SEARCH_RANK_WINDOW}), the newest window of
   * matches is ranked first, then the next (see {@link SearchPage.ranking}).
   */
  readonly rankAll?: boolean;
}

/** A word to mark in a hit's text: the whole word, or (`prefix`) any word starting with it. Already folded. */
export interface SearchTerm {
  readonly text: string;
  readonly prefix: boolean;
}

/** One hit of `search`, best first. */
export interface SearchHit {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly tags: readonly string[];
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Relevance, higher is better: bm25 with the title weighted 10 to the content's 1 (negated, so it sorts down). */
  readonly score: number;
  /** A few words of the content around its best match (its start when only the title matched), `…` where text was cut. */
  readonly snippet: string;
  /** Ranges `[start, end)` of `snippet` (UTF-16 offsets) that matched the query. */
  readonly marks: readonly (readonly [number, number])[];
  /** Set when the document's stored summary failed its integrity check (as in lists); opening it raises `Integrity`. */
  readonly integrityFailed?: true;
}

/** One page of `search`. */
export interface SearchPage {
  readonly items: readonly SearchHit[];
  /** Pass as `offset` for the next page; null on the last page. */
  readonly nextOffset: number | null;
  /** The words of the query, to mark them in an opened hit ({@link findMatches}). */
  readonly terms: readonly SearchTerm[];
  /** Present when more documents matched than the ranking window and the page was ranked within windows. */
  readonly ranking?: SearchRanking;
}

/**
 * How a page was ranked when the ranking window applied: the matches, newest first (by when their document
 * was created), are cut into windows of `window`; each window is ranked by bm25 on its own, and the windows
 * follow each other (the newest first). Paging walks through every match once. `rankAll` ranks them all.
 */
export interface SearchRanking {
  /** Matches ranked together (the vault's `searchRankWindow`). */
  readonly window: number;
  /**
   * How many documents match, as far as this page had to count: at least this many, more than `window`
   * (else no window applies). `window + 1` on the first page of a query with many matches: counting them
   * all would cost as much as ranking them.
   */
  readonly matchesAtLeast: number;
  /** True when the page reached the last window, so `matchesAtLeast` is the exact number of matches. */
  readonly allCounted: boolean;
}

/**
 * Default ranking window of `search` (`VaultOptions.searchRankWindow`). bm25 costs FTS5 a read of each
 * match's length (~0.5 µs a match): a word found in 65,000 of 100,000 documents takes 34 ms to rank
 * exactly, the 10,000 newest about 10 ms (docs/search.md has the figures).
 */
export const SEARCH_RANK_WINDOW = 10_000;

/**
 * The sentence that says how a windowed page was ranked, for the window and the CLI: "Best matches among
 * the 10,000 newest of more than 10,000 matches" on the first window; later ones say how many newer come first.
 * `offset` is the page's own (its first hit's place among all matches).
 */
export function rankingNote(ranking: SearchRanking, offset = 0): string {
  const n = (x: number): string => x.toLocaleString('en');
  const { window, matchesAtLeast, allCounted } = ranking;
  const k = Math.floor(offset / window);
  const of = `of ${allCounted ? n(matchesAtLeast) : `more than ${n(matchesAtLeast - 1)}`} matches`;
  return `Best matches among the ${n(window)} newest ${k === 0 ? '' : `after the first ${n(k * window)}, `}${of}`;
}

/** Default page size of `search`. */
export const SEARCH_DEFAULT_LIMIT = 20;
/** Longest query accepted, characters. */
export const SEARCH_MAX_QUERY_CHARS = 1000;
/** Columns a query may name (`title:x`). */
const COLUMNS = new Set(['title', 'content']);
const OPERATORS = new Set(['AND', 'OR', 'NOT']);
/** A word as FTS5 reads a bareword (unicode61 splits on everything else). */
const WORD = /^[\p{L}\p{N}_]+$/u;
const WORDS = /[\p{L}\p{N}_]+/gu;

/** Markers snippet() puts around a match (private-use characters, removed from the text sent out). */
export const MARK_OPEN = '\uE000';
/** See {@link MARK_OPEN}. */
export const MARK_CLOSE = '\uE001';

function invalid(message: string, field = 'query'): DocvaultError {
  return new DocvaultError('Invalid', `${field}: ${message}`, { field });
}

/** Folds a word as the index does (unicode61, remove_diacritics 2): no accents, lower case. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function checkTime(q: SearchQuery, field: 'createdFrom' | 'createdTo' | 'updatedFrom' | 'updatedTo'): void {
  const v = q[field];
  if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) throw invalid('must be a time in ms since the epoch', field);
}

/** Validates every field of a search query except the text's syntax; returns the page size. */
export function validateSearchQuery(q: SearchQuery): number {
  if (typeof q !== 'object' || q === null) throw invalid('must be an object');
  if (typeof q.query !== 'string') throw invalid('must be a string');
  if (q.query.length > SEARCH_MAX_QUERY_CHARS) throw invalid(`must be at most ${SEARCH_MAX_QUERY_CHARS} characters`);
  for (const f of ['type', 'author'] as const) {
    const v = q[f];
    if (v !== undefined && typeof v !== 'string') throw invalid('must be a string', f);
  }
  if (q.tags !== undefined) {
    if (!Array.isArray(q.tags) || q.tags.some((t) => typeof t !== 'string')) throw invalid('must be a list of strings', 'tags');
    if (q.tags.length > LIMITS.tagsMax) throw invalid(`at most ${LIMITS.tagsMax} tags`, 'tags');
  }
  if (q.tagMode !== undefined && q.tagMode !== 'any' && q.tagMode !== 'all') throw invalid('must be "any" or "all"', 'tagMode');
  checkTime(q, 'createdFrom');
  checkTime(q, 'createdTo');
  checkTime(q, 'updatedFrom');
  checkTime(q, 'updatedTo');
  const limit = q.limit ?? SEARCH_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.listMaxLimit) throw invalid(`must be an integer from 1 to ${LIMITS.listMaxLimit}`, 'limit');
  const offset = q.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('must be a whole number, 0 or more', 'offset');
  if (q.rankAll !== undefined && typeof q.rankAll !== 'boolean') throw invalid('must be true or false', 'rankAll');
  return limit;
}

/** A parsed query: the FTS5 expression to bind (never spliced into SQL) and the words to mark. */
export interface ParsedQuery {
  readonly fts: string;
  readonly terms: readonly SearchTerm[];
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * Turns what a person typed into an FTS5 expression. Barewords, `word*`, `"phrases"`, AND / OR / NOT,
 * parentheses and `title:` / `content:` pass through; a word with punctuation inside (`e-mail`, `don't`,
 * `C++`) becomes a phrase of its parts instead of a syntax error; stray punctuation is dropped. Errors a
 * person can fix get a readable `Invalid`: an unclosed quote or parenthesis, an unknown field, a lone `*`,
 * nothing to search.
 * What FTS5 still rejects (`AND OR`) is reported by the engine, also as `Invalid`.
 */
export function parseSearchQuery(text: string): ParsedQuery {
  // SQLite reads the query as a C string: a NUL would cut it short (a phrase left open) — refused, with
  // the other control characters no one types.
  const control = /(?![\t\n\r])\p{Cc}/u.exec(text);
  if (control !== null) throw invalid(`the query must not contain control characters (found U+${(control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} at position ${control.index})`);
  const out: string[] = [];
  const terms: SearchTerm[] = [];
  let negate = false;
  // Parentheses must pair up: the engine wraps the expression in its own (to confine it to title and
  // content), and an unpaired one would reach outside them.
  let depth = 0;
  const addTerms = (s: string, prefix: boolean): void => {
    const words = s.match(WORDS) ?? [];
    words.forEach((w, i) => {
      if (!negate) terms.push({ text: foldWord(w), prefix: prefix && i === words.length - 1 });
    });
    negate = false;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      depth += c === '(' ? 1 : -1;
      if (depth < 0) throw invalid('the query cannot be read: a ")" closes nothing (each "(" needs its ")")');
      out.push(c);
      i++;
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw invalid('a quotation mark is not closed (a phrase is written "like this")');
      const phrase = text.slice(i + 1, end);
      const star = text[end + 1] === '*';
      out.push(quote(phrase) + (star ? '*' : ''));
      addTerms(phrase, star);
      i = end + (star ? 2 : 1);
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s()"]/u.test(text[j] as string)) j++;
    let token = text.slice(i, j);
    i = j;
    if (OPERATORS.has(token)) {
      out.push(token);
      negate = token === 'NOT';
      continue;
    }
    const colon = /^([\p{L}\p{N}_]+):(.*)$/u.exec(token);
    if (colon !== null) {
      const col = (colon[1] as string).toLowerCase();
      if (!COLUMNS.has(col)) throw invalid(`there is no field "${colon[1] as string}" (search in title: or content:)`);
      out.push(`${col}:`);
      token = colon[2] as string;
      if (token === '') continue;
    }
    const prefix = token.endsWith('*');
    const body = prefix ? token.slice(0, -1) : token;
    if (body === '') throw invalid('"*" must follow the start of a word (like penic*)');
    if (body.includes('*')) throw invalid(`"*" may only end a word ("${token}")`);
    if (WORD.test(body)) {
      // FTS5 keywords in lower case are plain words; in upper case they are operators (handled above).
      out.push(body + (prefix ? '*' : ''));
      addTerms(body, prefix);
    } else if ((body.match(WORDS) ?? []).length > 0) {
      out.push(quote(body) + (prefix ? '*' : ''));
      addTerms(body, prefix);
    }
    // else: punctuation only, nothing to search for.
  }
  if (depth > 0) throw invalid('the query cannot be read: a "(" is not closed (each "(" needs its ")")');
  if (terms.length === 0 && !out.some((t) => t !== '(' && t !== ')' && !OPERATORS.has(t) && !t.endsWith(':')))
    throw invalid(out.some((t) => OPERATORS.has(t)) ? 'AND, OR and NOT need a word on each side' : 'type at least one word to search for');
  return { fts: out.join(' '), terms };
}

/** Splits snippet() output into the text and the ranges its markers enclosed. */
export function splitMarks(marked: string): { text: string; marks: [number, number][] } {
  let text = '';
  const marks: [number, number][] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === MARK_OPEN) open = text.length;
    else if (ch === MARK_CLOSE) {
      if (open >= 0 && text.length > open) marks.push([open, text.length]);
      open = -1;
    } else text += ch;
  }
  return { text, marks };
}

/** Ranges `[start, end)` of every word in `text` that a term matches, in order (for marking an opened hit). */
export function findMatches(text: string, terms: readonly SearchTerm[]): [number, number][] {
  if (terms.length === 0) return [];
  const out: [number, number][] = [];
  for (const m of text.matchAll(WORDS)) {
    const w = foldWord(m[0]);
    if (terms.some((t) => (t.prefix ? w.startsWith(t.text) : w === t.text))) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}
