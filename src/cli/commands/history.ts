/** `docvault history`: lists the versions of a document. */
import { arg, type Command } from '../command';
import { formatBytes, isoTime, plural, renderTable, toJson } from '../format';
import { integrityOutcome } from './listing';

/** `history`: a table of every version of a document, oldest first. */
export const historyCommand: Command = {
  name: 'history',
  summary: 'list the versions of a document',
  usage: 'ID',
  description: 'Prints every version of document ID, oldest first: number, time written (UTC), size, SHA-256 prefix, title, comment.',
  options: {},
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const vault = await ctx.openVault();
    const versions = vault.versions(id);
    // A version whose record fails its tag is listed (marked !), never dropped; the command then fails
    // like any read that met an integrity problem.
    const problems = versions.flatMap((v) => (v.integrityProblem !== undefined ? [v.integrityProblem] : []));
    const { status, warn: warnBad } = integrityOutcome(ctx, problems);
    if (ctx.json) {
      ctx.out(toJson(versions));
      warnBad();
      return status;
    }
    ctx.out(
      renderTable(versions, [
        { header: 'VERSION', align: 'right', value: (v) => (v.integrityProblem !== undefined ? `! ${v.version}` : String(v.version)) },
        { header: 'WRITTEN', value: (v) => isoTime(v.createdAt) },
        { header: 'SIZE', align: 'right', value: (v) => formatBytes(v.size) },
        { header: 'SHA256', value: (v) => v.checksum.slice(0, 12) },
        { header: 'TITLE', value: (v) => v.title },
        { header: 'COMMENT', value: (v) => v.comment ?? '' },
      ]),
    );
    ctx.out(`${plural(versions.length, 'version')}\n`);
    warnBad();
    return status;
  },
};
