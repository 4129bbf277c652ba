/** `docvault trash` and `docvault undelete`: the Trash from the command line. */
import { LIMITS, type TrashedSummary } from '../../shared/types';
import { arg, type Command } from '../command';
import { formatBytes, plural, printable, toJson } from '../format';
import { integrityOutcome, summaryTable } from './listing';
import { summaryOf } from './put';

/** `trash`: lists the documents in the Trash, most recently deleted first (`--empty`: purges them all). */
export const trashCommand: Command = {
  name: 'trash',
  summary: 'list the Trash (--empty: delete everything in it forever)',
  usage: '[--empty]',
  description: [
    'Lists the documents in the Trash, most recently deleted first: id, version, when it was deleted (UTC),',
    'size of its current version, title. `docvault undelete ID` brings one back.',
    '--empty deletes every document in the Trash and all their versions forever (secure_delete).',
  ].join('\n'),
  options: {
    empty: { type: 'boolean', help: 'delete everything in the Trash forever' },
  },
  usesVault: true,
  args: [],
  async run(ctx) {
    const vault = await ctx.openVault();
    if (ctx.values['empty'] === true) {
      const n = vault.emptyTrash();
      ctx.out(ctx.json ? toJson({ purged: n }) : `Deleted ${plural(n, 'document')} forever\n`);
      return 0;
    }
    const items: TrashedSummary[] = [];
    let total: number;
    let cursor: string | undefined;
    do {
      const page = vault.listTrash({ limit: LIMITS.listMaxLimit, ...(cursor !== undefined ? { cursor } : {}) });
      items.push(...page.items);
      total = page.total;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    // As `ls`: a row failing its integrity tag is shown (marked !), and the command then fails.
    const bad = items.filter((d) => d.integrityFailed === true).length;
    const { status, warn } = integrityOutcome(ctx, bad > 0 ? [`${plural(bad, 'document')} in the Trash failed the integrity check (marked !); run docvault verify`] : []);
    if (ctx.json) {
      ctx.out(toJson({ items, total }));
      warn();
      return status;
    }
    if (items.length === 0) {
      ctx.out('The Trash is empty\n');
      return 0;
    }
    ctx.out(summaryTable(items, { header: 'DELETED', at: (d) => d.trashedAt }));
    ctx.out(`${plural(total, 'document')} in the Trash\n`);
    warn();
    return status;
  },
};

/** `undelete`: brings a document back from the Trash. */
export const undeleteCommand: Command = {
  name: 'undelete',
  summary: 'bring a document back from the Trash',
  usage: 'ID',
  description: 'Brings document ID back from the Trash as it was: same version, tags and history. NotFound (exit 3) unless it is in the Trash.',
  options: {},
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const vault = await ctx.openVault();
    const doc = vault.undelete(id);
    ctx.out(ctx.json ? toJson(summaryOf(doc)) : `Brought back ${printable(id)} at version ${doc.version} (${formatBytes(doc.size)})\n`);
    return 0;
  },
};
