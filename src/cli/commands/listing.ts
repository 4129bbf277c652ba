/** What `ls`, `trash` and `history` print alike: the document table, and rows that failed their integrity tag. */
import type { DocumentSummary } from '../../shared/types';
import type { CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import { formatBytes, isoTime, renderTable } from '../format';

/** The table of `ls` and `trash`: id (marked ! when its summary fails its tag), version, `time` (UTC), size, title. */
export function summaryTable<T extends DocumentSummary>(items: readonly T[], time: { readonly header: string; readonly at: (d: T) => number }): string {
  return renderTable(items, [
    { header: 'ID', value: (d) => (d.integrityFailed === true ? `! ${d.id}` : d.id) },
    { header: 'VERSION', align: 'right', value: (d) => String(d.version) },
    { header: time.header, value: (d) => isoTime(time.at(d)) },
    { header: 'SIZE', align: 'right', value: (d) => formatBytes(d.size) },
    { header: 'TITLE', value: (d) => d.title },
  ]);
}

/**
 * A listing that met rows failing their integrity tag shows them (marked !), never drops them, and then
 * fails like any read that met an integrity problem: the exit status, and `warn` to print `problems` on stderr.
 */
export function integrityOutcome(ctx: Pick<CommandContext, 'note'>, problems: readonly string[]): { readonly status: number; readonly warn: () => void } {
  return {
    status: problems.length > 0 ? EXIT.integrity : EXIT.ok,
    warn: () => {
      for (const p of problems) ctx.note(`Integrity: ${p}`);
    },
  };
}
