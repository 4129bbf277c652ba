/** `docvault rm`: moves a document to the Trash, or deletes it forever with `--purge`. */
import { DocvaultError } from '../../shared/errors';
import { wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { printable, toJson } from '../format';

/** `rm`: moves a document with every version of it to the Trash (`--purge`: deletes it forever). */
export const rmCommand: Command = {
  name: 'rm',
  summary: 'move a document to the Trash (--purge: delete it forever)',
  usage: 'ID [--expected-version N] [--purge]',
  description: [
    'Moves document ID, with every version of it, to the Trash: it leaves ls, counts and stats, and',
    '`docvault undelete ID` brings it back as it was. `docvault trash` lists the Trash.',
    '--purge deletes it (live or in the Trash) and every version of it forever; the freed pages are',
    'overwritten (secure_delete). That cannot be undone.',
    '--expected-version N refuses (Conflict, exit 4) unless the (live) document is at version N.',
  ].join('\n'),
  options: {
    'expected-version': { type: 'string', value: 'N', help: 'fail with Conflict unless the document is at version N' },
    purge: { type: 'boolean', help: 'delete forever instead of moving to the Trash' },
  },
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const expectedVersion = wholeOpt(ctx.values, 'expected-version', 'rm', 1);
    const purge = ctx.values['purge'] === true;
    const vault = await ctx.openVault();
    if (purge) {
      if (expectedVersion !== undefined)
        // purge takes no version guard: check the live document's version in the same transaction.
        vault.transaction(() => {
          const actual = vault.get(id).version;
          if (actual !== expectedVersion)
            throw new DocvaultError('Conflict', `Document "${id}" is at version ${actual}, not ${expectedVersion}`, { id, expected: expectedVersion, actual });
          vault.purge(id);
        });
      else vault.purge(id);
      ctx.out(ctx.json ? toJson({ id, purged: true }) : `Deleted ${printable(id)} forever\n`);
      return 0;
    }
    vault.delete(id, expectedVersion !== undefined ? { expectedVersion } : undefined);
    ctx.out(ctx.json ? toJson({ id, trashed: true }) : `Moved ${printable(id)} to the Trash (docvault undelete ${printable(id)} brings it back)\n`);
    return 0;
  },
};
