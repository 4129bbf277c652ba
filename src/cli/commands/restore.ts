/** `docvault restore`: makes an old version current again. */
import { parseWhole, stringOpt, wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { formatBytes, printable, toJson } from '../format';
import { summaryOf } from './put';

/** `restore`: writes a new version equal to version N (history is never rewritten). */
export const restoreCommand: Command = {
  name: 'restore',
  summary: 'write a new version equal to an old one',
  usage: 'ID N [--comment C] [--expected-version N]',
  description: [
    'Writes a new version of document ID with the content, title, type, tags and metadata of version N,',
    'commented "restored from version N" (then ": C" with --comment C). No version is removed.',
  ].join('\n'),
  options: {
    comment: { type: 'string', value: 'C', help: 'why: stored after "restored from version N: "' },
    'expected-version': { type: 'string', value: 'N', help: 'fail with Conflict unless the document is at version N' },
  },
  usesVault: true,
  args: ['ID', 'N'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const version = parseWhole(arg(ctx, 1), 'N', 'restore', 1);
    const expectedVersion = wholeOpt(ctx.values, 'expected-version', 'restore', 1);
    const comment = stringOpt(ctx.values, 'comment');
    const vault = await ctx.openVault();
    const doc = vault.restore(id, version, { ...(expectedVersion !== undefined ? { expectedVersion } : {}), ...(comment !== undefined ? { comment } : {}) });
    if (ctx.json) ctx.out(toJson(summaryOf(doc)));
    else ctx.out(`Restored ${printable(id)} version ${version} as version ${doc.version} (${formatBytes(doc.size)})\n`);
    return 0;
  },
};
