/** `docvault get`: prints a document's content. */
import { wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { toJson } from '../format';

/** `get`: writes the content of the current (or a given) version to stdout, exactly. */
export const getCommand: Command = {
  name: 'get',
  summary: 'print the content of a document',
  usage: 'ID [--version N]',
  description: [
    'Writes the content of document ID to stdout exactly as stored: no newline is added.',
    'With --version N, the content of version N. With --json, the whole document (content and metadata).',
  ].join('\n'),
  options: {
    version: { type: 'string', value: 'N', help: 'read version N instead of the current one' },
  },
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const version = wholeOpt(ctx.values, 'version', 'get', 1);
    const vault = await ctx.openVault();
    const doc = version === undefined ? vault.get(id) : vault.getVersion(id, version);
    ctx.out(ctx.json ? toJson(doc) : doc.content);
    return 0;
  },
};
