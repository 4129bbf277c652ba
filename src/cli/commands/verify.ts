/** `docvault verify`: checks the whole vault. */
import { recordQuietly } from './audit';
import type { Progress, VerifyProblem } from '../../shared/types';
import type { Command } from '../command';
import { plural, printable, toJson } from '../format';
import { EXIT } from '../exit-codes';
import { flag } from '../args';

function describe(p: VerifyProblem): string {
  const where = p.id === undefined ? '' : ` ${printable(p.id)}${p.version === undefined ? '' : `@v${p.version}`}`;
  return `  ${p.kind}${where}: ${printable(p.message)}`;
}

/** `verify`: every version's HMAC tag and checksum, every head, SQLite's own checks. Exit 6 when anything fails. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check every version, every document and the file itself',
  usage: '[--deep] [--repair-index]',
  description: [
    "Checks each document's head and its whole chain of versions (HMAC tags, SHA-256 checksums, no gaps), the",
    "vault's tagged set of documents, the counters and tag rows, orphan rows, the search index's rows against the",
    "documents, and SQLite's integrity check of every table but the versions (read whole above); damaged pages are",
    `reported and skipped. Prints the report; exits ${EXIT.integrity} (with an Integrity line on stderr) if anything failed.`,
    "With --deep, also SQLite's check of the whole file (every table and index, free pages) and FTS5's checks of the",
    'search index (its structure, and its entries against the text): slower, for a scheduled or suspicious check.',
    'Shows progress on stderr when stderr is a terminal.',
    'With --repair-index, a damaged or stale full-text index (an Index problem: no document is affected) is rebuilt',
    'from the documents and the vault verified again; the report is the second one.',
  ].join('\n'),
  options: {
    deep: { type: 'boolean', help: "also SQLite's whole-file check and FTS5's checks of the search index (slower)" },
    'repair-index': { type: 'boolean', help: 'rebuild the full-text index if verify finds it damaged, then verify again' },
  },
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
    const options = { deep: flag(ctx.values, 'deep') };
    let report = vault.verify(onProgress, options);
    if (tty) ctx.io.stderr.write('\r\x1b[K');
    if (flag(ctx.values, 'repair-index') && report.problems.some((p) => p.kind === 'Index')) {
      vault.rebuildSearchIndex();
      ctx.note(`Search index: ${plural(report.problems.filter((p) => p.kind === 'Index').length, 'problem')} found; rebuilt from the documents; verifying again`);
      report = vault.verify(onProgress, options);
      if (tty) ctx.io.stderr.write('\r\x1b[K');
    }
    if (!report.ok) recordQuietly(vault, { event: 'integrity.failure', outcome: 'failed', count: report.problems.length });
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
