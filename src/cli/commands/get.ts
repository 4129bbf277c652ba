/** `docvault get`: prints a document's content. */
import { stringOpt, usageError, wholeOpt } from '../args';
import { writeAttachment } from './attach';
import { arg, type Command } from '../command';
import { toJson } from '../format';

/** `get`: writes the content of the current (or a given) version to stdout, exactly. */
export const getCommand: Command = {
  name: 'get',
  summary: 'print the content of a document',
  usage: 'ID [--version N] [--attachment NAME [--out FILE]]',
  description: [
    'Writes the content of document ID to stdout exactly as stored: no newline is added.',
    'With --version N, the content of version N. With --json, the whole document (content and metadata).',
    'With --attachment NAME, the bytes of that attachment instead (verified chunk by chunk as they are read),',
    'to stdout or, with --out FILE, to a new file (written whole or not at all; an existing FILE is refused).',
  ].join('\n'),
  options: {
    version: { type: 'string', value: 'N', help: 'read version N instead of the current one' },
    attachment: { type: 'string', value: 'NAME', help: 'write the bytes of attachment NAME instead of the content' },
    out: { type: 'string', value: 'FILE', help: 'with --attachment: write to FILE instead of stdout' },
  },
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const version = wholeOpt(ctx.values, 'version', 'get', 1);
    const attachment = stringOpt(ctx.values, 'attachment');
    const out = stringOpt(ctx.values, 'out');
    if (out !== undefined && attachment === undefined) throw usageError('--out goes with --attachment NAME', 'get');
    const vault = await ctx.openVault();
    if (attachment !== undefined) {
      if (ctx.json) throw usageError('--json does not go with --attachment (bytes are written as they are)', 'get');
      await writeAttachment(ctx, vault, id, attachment, version, out);
      return 0;
    }
    const doc = version === undefined ? vault.get(id) : vault.getVersion(id, version);
    ctx.out(ctx.json ? toJson(doc) : doc.content);
    return 0;
  },
};
