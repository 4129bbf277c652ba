/**
 * A benchmark run as a table: one row per trial, one column per driver, docvault's ratio against each peer
 * (same run, same data) and the seed report's figure beside them. Pure: the panel renders it, the app
 * exports it as Markdown.
 */
import type { BenchRun, BenchTrialInfo } from './bench';

/** The note that goes with the seed report's figures wherever they are shown. */
export const SEED_NOTE =
  "Seed report: the seed's own figures, measured in memory with encryption off on 1,000 × 100 B documents, every read a cache hit — shown only because they were claimed, not comparable.";

/** One row of {@link benchTable}. */
export interface BenchRow {
  readonly trial: string;
  /** Per driver, in column order: the figure, or null (skipped / not run). */
  readonly figures: readonly (number | null)[];
  /** Why a driver's cell is empty. */
  readonly skipped: readonly (string | undefined)[];
  /** docvault / each peer (same order as `peers`); null where either side is missing. */
  readonly ratios: readonly (number | null)[];
  readonly seed: number | null;
  readonly unit: 'ops' | 'docs';
}

/** The table of a run. `base` is the driver ratios are computed for (docvault when it ran). */
export function benchTable(run: BenchRun, trials: readonly BenchTrialInfo[]): { drivers: string[]; base: string | undefined; peers: string[]; rows: BenchRow[] } {
  const drivers = [...new Set(run.cells.map((c) => c.driver))];
  const base = drivers.includes('docvault') ? 'docvault' : drivers[0];
  const peers = drivers.filter((d) => d !== base);
  const rows: BenchRow[] = [];
  for (const trial of [...new Set(run.cells.map((c) => c.trial))]) {
    const cellOf = (d: string | undefined) => run.cells.find((c) => c.trial === trial && c.driver === d);
    const baseFig = cellOf(base)?.opsPerSec ?? null;
    rows.push({
      trial,
      figures: drivers.map((d) => cellOf(d)?.opsPerSec ?? null),
      skipped: drivers.map((d) => cellOf(d)?.skipped),
      ratios: peers.map((p) => {
        const f = cellOf(p)?.opsPerSec ?? null;
        return baseFig === null || f === null || f === 0 ? null : baseFig / f;
      }),
      seed: trials.find((t) => t.name === trial)?.seedFigure?.value ?? null,
      unit: cellOf(base)?.unit ?? 'ops',
    });
  }
  return { drivers, base, peers, rows };
}

/** A rate as a short figure: 950, 12.3k, 4.56M. */
export function shortRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)}k`;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** A run as a Markdown report: context, the table with ratios and seed figures, the caveats. */
export function benchMarkdown(run: BenchRun, trials: readonly BenchTrialInfo[]): string {
  const t = benchTable(run, trials);
  const out = [
    `# docvault benchmark (in-app panel), ${new Date(run.startedAt).toISOString()}`,
    '',
    `${run.docs.toLocaleString('en')} documents × ${run.docBytes} B, size \`${run.request.size}\`, outcome **${run.outcome}**${run.error === undefined ? '' : ` (${run.error})`}.`,
    `Machine: ${run.machine.cpu}, ${run.machine.cores} cores, ${run.machine.os}, Node ${run.machine.node}.`,
    `Main event-loop delay during the run: p50 ${run.eventLoop.p50Ms} ms, p99 ${run.eventLoop.p99Ms} ms, max ${run.eventLoop.maxMs} ms.`,
    'Scratch stores in a temp folder (SQLCipher 4 with a real key, WAL, on disk), deleted afterwards; figures are medians per second (documents per second for bulk trials).',
    run.request.size === 'quick' ? '**Quick run**: tiny data and short runs — a smoke test, not a measurement.' : '',
    '',
    `| trial | ${t.drivers.join(' | ')} | ${t.peers.map((p) => `${t.base} / ${p}`).join(' | ')} | seed report |`,
    `|---|${t.drivers.map(() => '--:').join('|')}|${t.peers.map(() => '--:').join('|')}${t.peers.length > 0 ? '|' : ''}--:|`,
  ];
  for (const r of t.rows)
    out.push(
      `| ${r.trial} | ${r.figures.map((f, i) => (f === null ? (r.skipped[i] === undefined ? '–' : 'n/a') : shortRate(f))).join(' | ')} | ${r.ratios
        .map((x) => (x === null ? '–' : `${x.toFixed(2)}×`))
        .join(' | ')}${t.peers.length > 0 ? ' | ' : ''}${r.seed === null ? '–' : shortRate(r.seed)} |`,
    );
  out.push('', SEED_NOTE, '');
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}
