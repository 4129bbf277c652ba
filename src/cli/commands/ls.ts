/** `docvault ls`: lists documents. */
import { LIMITS, type DocumentSummary, type ListQuery, type SortKey } from '../../shared/types';
import { stringOpt, usageError, wholeOpt } from '../args';
import type { Command } from '../command';
import { plural, toJson } from '../format';
import { integrityOutcome, summaryTable } from './listing';

const SORTS: readonly SortKey[] = ['updated', 'created', 'title'];

/** `ls`: a table of documents (all of them, or one page with `--limit`). */
export const lsCommand: Command = {
  name: 'ls',
  summary: 'list documents',
  usage: '[--type T] [--tag T] [--limit N [--cursor C]] [--sort updated|created|title] [--order asc|desc]',
  description: [
    'Prints a table of documents (id, version, last update in UTC, size of the current version, title) and a total.',
    `Without --limit, lists every match. With --limit N (1..${LIMITS.listMaxLimit}), prints one page and, if there is more,`,
    'the --cursor to pass for the next page (same filters and sort). Newest first by default.',
  ].join('\n'),
  options: {
    type: { type: 'string', value: 'T', help: 'only documents of type T' },
    tag: { type: 'string', value: 'T', help: 'only documents tagged T' },
    limit: { type: 'string', value: 'N', help: `page size, 1..${LIMITS.listMaxLimit}` },
    cursor: { type: 'string', value: 'C', help: 'start after the page that printed this cursor' },
    sort: { type: 'string', value: 'KEY', help: 'updated (default), created or title' },
    order: { type: 'string', value: 'DIR', help: 'asc or desc (default: desc, asc for title)' },
  },
  usesVault: true,
  args: [],
  async run(ctx) {
    const limit = wholeOpt(ctx.values, 'limit', 'ls', 1);
    if (limit !== undefined && limit > LIMITS.listMaxLimit) throw usageError(`--limit: at most ${LIMITS.listMaxLimit}, got ${limit}`, 'ls');
    const sort = stringOpt(ctx.values, 'sort');
    if (sort !== undefined && !(SORTS as readonly string[]).includes(sort)) throw usageError(`--sort: one of ${SORTS.join(', ')}, got '${sort}'`, 'ls');
    const order = stringOpt(ctx.values, 'order');
    if (order !== undefined && order !== 'asc' && order !== 'desc') throw usageError(`--order: asc or desc, got '${order}'`, 'ls');
    const type = stringOpt(ctx.values, 'type');
    const tag = stringOpt(ctx.values, 'tag');
    const cursor = stringOpt(ctx.values, 'cursor');
    const query: ListQuery = {
      ...(type !== undefined ? { type } : {}),
      ...(tag !== undefined ? { tag } : {}),
      ...(sort !== undefined ? { sort: sort as SortKey } : {}),
      ...(order !== undefined ? { order } : {}),
    };
    const vault = await ctx.openVault();
    const items: DocumentSummary[] = [];
    let total: number | undefined;
    let nextCursor: string | null = null;
    if (limit !== undefined) {
      const page = vault.list({ ...query, limit, ...(cursor !== undefined ? { cursor } : {}) });
      items.push(...page.items);
      total = page.total;
      nextCursor = page.nextCursor;
    } else {
      // Every page. Keyset cursors never fail or repeat a page if another process writes meanwhile.
      let c = cursor;
      for (;;) {
        const page = vault.list({ ...query, limit: LIMITS.listMaxLimit, ...(c !== undefined ? { cursor: c } : {}) });
        items.push(...page.items);
        total ??= page.total;
        if (page.nextCursor === null) break;
        c = page.nextCursor;
      }
    }
    // A page after the first leaves out a total the running totals cannot give (type and tag together).
    total ??= vault.count(query);
    // A listed document whose stored summary fails its tag is shown (marked), never silently dropped;
    // the command then fails like any read that met an integrity problem.
    const bad = items.filter((d) => d.integrityFailed === true).length;
    const { status, warn: warnBad } = integrityOutcome(ctx, bad > 0 ? [`${plural(bad, 'listed document')} failed the integrity check (marked !); run docvault verify`] : []);
    if (ctx.json) {
      ctx.out(toJson({ items, nextCursor, total }));
      warnBad();
      return status;
    }
    if (items.length > 0)
      ctx.out(summaryTable(items, { header: 'UPDATED', at: (d) => d.updatedAt }));
    if (nextCursor !== null) ctx.out(`${items.length} of ${plural(total, 'document')}; next page: --cursor ${nextCursor}\n`);
    else if (items.length === total) ctx.out(`${plural(total, 'document')}\n`);
    else ctx.out(`${items.length} of ${plural(total, 'document')}\n`);
    warnBad();
    return status;
  },
};
