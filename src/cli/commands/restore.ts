/** `docvault restore`: makes an old version current again. */
import { parseWhole, wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { formatBytes, printable, toJson } from '../format';
import { summaryOf } from './put';

/** `restore`: writes a new version equal to version N (history is never rewritten). */
export const restoreCommand: Command = {
  name: 'restore',
  summary: 'write a new version equal to an old one',
  usage: 'ID N [--expected-version N]',
  description: [
    'Writes a new version of document ID with the content, title, type, tags and metadata of version N,',
    'commented "restored from version N". No version is removed.',
  ].join('\n'),
  options: {
    'expected-version': { type: 'string', value: 'N', help: 'fail with Conflict unless the document is at version N' },
  },
  usesVault: true,
  args: ['ID', 'N'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const version = parseWhole(arg(ctx, 1), 'N', 'restore', 1);
    const expectedVersion = wholeOpt(ctx.values, 'expected-version', 'restore', 1);
    const vault = await ctx.openVault();
    const doc = vault.restore(id, version, expectedVersion !== undefined ? { expectedVersion } : undefined);
    if (ctx.json) ctx.out(toJson(summaryOf(doc)));
    else ctx.out(`Restored ${printable(id)} version ${version} as version ${doc.version} (${formatBytes(doc.size)})\n`);
    return 0;
  },
};
