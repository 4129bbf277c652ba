/** `docvault diff`: a unified diff between two versions. */
import { DEFAULT_DIFF_CONTEXT, diffHunks, diffStats, lineDiff, unifiedDiff } from '../../shared/diff';
import { parseWhole, wholeOpt } from '../args';
import { arg, type Command } from '../command';
import { isoTime, toJson } from '../format';

/** Colours a unified diff for a terminal: headers bold, hunks cyan, removals red, additions green. */
function colourize(patch: string): string {
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return `\x1b[1m${line}\x1b[0m`;
      if (line.startsWith('@@')) return `\x1b[36m${line}\x1b[0m`;
      if (line.startsWith('-')) return `\x1b[31m${line}\x1b[0m`;
      if (line.startsWith('+')) return `\x1b[32m${line}\x1b[0m`;
      return line;
    })
    .join('\n');
}

/** `diff`: unified diff of the content of two versions of a document. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'show what changed between two versions',
  usage: 'ID A [B] [--context N]',
  description: [
    'Prints a unified diff of the content of version A and version B of document ID (B defaults to the current',
    'version), with headers "--- ID@vA" and "+++ ID@vB" followed by the time each was written.',
    'Prints nothing when the contents are equal. Colours only when stdout is a terminal and $NO_COLOR is unset.',
    'With --json: {id, from, to, added, removed, hunks} where each hunk holds structured lines.',
  ].join('\n'),
  options: {
    context: { type: 'string', short: 'U', value: 'N', help: `lines of context (default ${DEFAULT_DIFF_CONTEXT})` },
  },
  usesVault: true,
  args: ['ID', 'A', '[B]'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const a = parseWhole(arg(ctx, 1), 'A', 'diff', 1);
    const bText = ctx.positionals[2];
    const context = wholeOpt(ctx.values, 'context', 'diff') ?? DEFAULT_DIFF_CONTEXT;
    const vault = await ctx.openVault();
    const older = vault.getVersion(id, a);
    const newer = bText === undefined ? vault.get(id) : vault.getVersion(id, parseWhole(bText, 'B', 'diff', 1));
    if (ctx.json) {
      const lines = lineDiff(older.content, newer.content);
      ctx.out(toJson({ id, from: older.version, to: newer.version, ...diffStats(lines), hunks: diffHunks(lines, context) }));
      return 0;
    }
    const patch = unifiedDiff(older.content, newer.content, {
      oldLabel: `${id}@v${older.version}`,
      newLabel: `${id}@v${newer.version}`,
      oldHeader: isoTime(older.updatedAt),
      newHeader: isoTime(newer.updatedAt),
      context,
    });
    const colour = ctx.io.stdout.isTTY === true && (ctx.io.env['NO_COLOR'] ?? '') === '';
    ctx.out(colour ? colourize(patch) : patch);
    return 0;
  },
};
