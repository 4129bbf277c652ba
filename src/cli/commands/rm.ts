/** `docvault rm`: deletes a document. */
import { wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { printable, toJson } from '../format';

/** `rm`: deletes a document with every version of it. */
export const rmCommand: Command = {
  name: 'rm',
  summary: 'delete a document and all its versions',
  usage: 'ID [--expected-version N]',
  description: [
    'Deletes document ID and every version of it. The freed pages are overwritten (secure_delete).',
    'This cannot be undone. --expected-version N refuses (Conflict, exit 4) unless the document is at version N.',
  ].join('\n'),
  options: {
    'expected-version': { type: 'string', value: 'N', help: 'fail with Conflict unless the document is at version N' },
  },
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const expectedVersion = wholeOpt(ctx.values, 'expected-version', 'rm', 1);
    const vault = await ctx.openVault();
    vault.delete(id, expectedVersion !== undefined ? { expectedVersion } : undefined);
    ctx.out(ctx.json ? toJson({ id, deleted: true }) : `Deleted ${printable(id)}\n`);
    return 0;
  },
};
