/** `docvault search`: full-text search from the command line. */
import { SEARCH_DEFAULT_LIMIT, SEARCH_RANK_WINDOW, rankingNote, type SearchHit, type SearchQuery } from '../../shared/search';
import { LIMITS } from '../../shared/types';
import { stringOpt, stringsOpt, usageError, wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { printable, toJson } from '../format';

const WINDOW = SEARCH_RANK_WINDOW.toLocaleString('en');

/** The snippet with each match in [brackets] (plain text: pipes and files stay readable). */
function markedSnippet(hit: SearchHit): string {
  let out = '';
  let at = 0;
  for (const [a, b] of hit.marks) {
    out += `${hit.snippet.slice(at, a)}[${hit.snippet.slice(a, b)}]`;
    at = b;
  }
  return printable(out + hit.snippet.slice(at)).replace(/\s+/g, ' ');
}

/** `search`: the best matches of a query, with a snippet each. */
export const searchCommand: Command = {
  name: 'search',
  summary: 'full-text search of titles and content',
  usage: 'QUERY [--type T] [--tag T ...] [--all-tags] [--author A] [--limit N] [--offset N] [--rank-all]',
  description: [
    'Searches the title and content of the current version of every live document, best match first',
    '(bm25; a match in the title counts ten times one in the content). Case and accents are ignored.',
    'QUERY: words (all must match), prefix* , "a phrase", AND / OR / NOT in capitals, ( ), title:word.',
    `When more than ${WINDOW} documents match, the ${WINDOW} newest (by when each was added) are ranked first, then the next`,
    `${WINDOW}, and so on; stderr says so, and --rank-all ranks every match (slower: bm25 reads each one's length).`,
    'Prints id, title and a snippet with each match in [brackets]. A query that cannot be read is',
    'Invalid (exit 2) with the reason. --json prints { items: [{ id, title, snippet, score, marks, … }], nextOffset,',
    'ranking? } (ranking: { window, matchesAtLeast }, present when the window applied).',
  ].join('\n'),
  options: {
    type: { type: 'string', value: 'T', help: 'only documents of type T' },
    tag: { type: 'string', value: 'T', multiple: true, help: 'only documents tagged T (repeat: any of them)' },
    'all-tags': { type: 'boolean', help: 'with several --tag: documents carrying every one' },
    author: { type: 'string', value: 'A', help: 'only documents whose metadata.author is A' },
    limit: { type: 'string', value: 'N', help: `hits to print, 1..${LIMITS.listMaxLimit} (default ${SEARCH_DEFAULT_LIMIT})` },
    offset: { type: 'string', value: 'N', help: 'skip the first N hits (the next page)' },
    'rank-all': { type: 'boolean', help: `rank every match by relevance, however many (else the newest ${WINDOW} first)` },
  },
  usesVault: true,
  args: ['QUERY'],
  async run(ctx) {
    const text = arg(ctx, 0);
    const limit = wholeOpt(ctx.values, 'limit', 'search', 1);
    if (limit !== undefined && limit > LIMITS.listMaxLimit) throw usageError(`--limit: at most ${LIMITS.listMaxLimit}, got ${limit}`, 'search');
    const offset = wholeOpt(ctx.values, 'offset', 'search', 0);
    const type = stringOpt(ctx.values, 'type');
    const author = stringOpt(ctx.values, 'author');
    const tags = stringsOpt(ctx.values, 'tag');
    const query: SearchQuery = {
      query: text,
      ...(type !== undefined ? { type } : {}),
      ...(author !== undefined ? { author } : {}),
      ...(tags.length > 0 ? { tags, tagMode: ctx.values['all-tags'] === true ? ('all' as const) : ('any' as const) } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(offset !== undefined ? { offset } : {}),
      ...(ctx.values['rank-all'] === true ? { rankAll: true } : {}),
    };
    const vault = await ctx.openVault();
    const page = vault.search(query);
    if (ctx.json) {
      ctx.out(toJson({ items: page.items, nextOffset: page.nextOffset, ...(page.ranking === undefined ? {} : { ranking: page.ranking }) }));
      return 0;
    }
    // On stderr: the hits on stdout stay one format whatever the ranking.
    if (page.ranking !== undefined) ctx.note(`${rankingNote(page.ranking, offset ?? 0)}; --rank-all ranks every match.`);
    if (page.items.length === 0) {
      ctx.out('No matches\n');
      return 0;
    }
    for (const hit of page.items) {
      ctx.out(`${hit.integrityFailed === true ? '! ' : ''}${printable(hit.id)}  ${printable(hit.title)}\n    ${markedSnippet(hit)}\n`);
    }
    ctx.out(`${page.items.length} ${page.items.length === 1 ? 'match' : 'matches'}${page.nextOffset !== null ? ` shown; more with --offset ${page.nextOffset}` : ''}\n`);
    return 0;
  },
};
