/** `docvault verify`: checks the whole vault. */
import { recordQuietly } from './audit';
import type { Progress, VerifyProblem } from '../../shared/types';
import type { Command } from '../command';
import { plural, printable, toJson } from '../format';
import { EXIT } from '../exit-codes';

function describe(p: VerifyProblem): string {
  const where = p.id === undefined ? '' : ` ${printable(p.id)}${p.version === undefined ? '' : `@v${p.version}`}`;
  return `  ${p.kind}${where}: ${printable(p.message)}`;
}

/** `verify`: every version's HMAC tag and checksum, every head, SQLite's own checks. Exit 6 when anything fails. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check every version, every document and the file itself',
  usage: '',
  description: [
    "Checks each document's head and its whole chain of versions (HMAC tags, SHA-256 checksums, no gaps), the",
    "vault's tagged set of documents, the counters and tag rows, orphan rows and SQLite's integrity check; damaged",
    `pages are reported and skipped. Prints the report; exits ${EXIT.integrity} (with an Integrity line on stderr) if anything failed.`,
    'Shows progress on stderr when stderr is a terminal.',
  ].join('\n'),
  options: {},
  usesVault: true,
  args: [],
  async run(ctx) {
    const vault = await ctx.openVault();
    const tty = ctx.io.stderr.isTTY === true;
    const onProgress = tty
      ? (p: Progress): void => {
          ctx.io.stderr.write(`\rVerifying ${p.phase ?? ''} ${p.done}/${p.total}\x1b[K`);
        }
      : undefined;
    const report = vault.verify(onProgress);
    if (!report.ok) recordQuietly(vault, { event: 'integrity.failure', outcome: 'failed', count: report.problems.length });
    if (tty) ctx.io.stderr.write('\r\x1b[K');
    if (ctx.json) ctx.out(toJson(report));
    else {
      const counts = `${plural(report.documents, 'document')}, ${plural(report.versions, 'version')}`;
      if (report.ok) ctx.out(`OK: ${counts} verified in ${Math.round(report.durationMs)} ms\n`);
      else ctx.out(`FAILED: ${plural(report.problems.length, 'problem')} in ${counts}\n${report.problems.map(describe).join('\n')}\n`);
    }
    if (report.ok) return EXIT.ok;
    ctx.note(`Integrity: verify found ${plural(report.problems.length, 'problem')}`);
    return EXIT.integrity;
  },
};
