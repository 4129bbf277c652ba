/**
 * The bench:scale curve as Markdown (pure: no I/O): one row per figure, one column per size, and how
 * the figure grew over each 10× step (value at 10n ÷ value at n: for a latency 1.0× is flat and 10× is
 * linear; for a rate < 1 means it fell).
 */
import { formatRate } from './report';
import { DEEP_PAGES, type ScaleFilter, type ScaleRecord } from './scale';

type Format = 'ms' | 'rate' | 'ratio' | 'mb' | 's';

interface Row {
  readonly label: string;
  readonly format: Format;
  readonly get: (r: ScaleRecord) => number | undefined;
}

const FILTER_LABEL: Record<ScaleFilter, string> = { all: 'unfiltered', type: 'by type', tag: 'by tag' };
const FILTERS: readonly ScaleFilter[] = ['all', 'type', 'tag'];

const ROWS: readonly Row[] = [
  { label: 'seed (bulk, 10k per transaction), docs/s', format: 'rate', get: (r) => r.docvault.seed.docsPerSec },
  { label: 'raw seed, docs/s', format: 'rate', get: (r) => r.raw?.seed.docsPerSec },
  { label: 'seed docvault ÷ raw', format: 'ratio', get: (r) => (r.raw === undefined ? undefined : r.docvault.seed.docsPerSec / r.raw.seed.docsPerSec) },
  { label: 'file ÷ content', format: 'ratio', get: (r) => r.docvault.seed.fileRatio },
  { label: 'raw file ÷ content', format: 'ratio', get: (r) => r.raw?.seed.fileRatio },
  { label: 'open, first in the process, ms', format: 'ms', get: (r) => r.docvault.measure.firstOpenMs },
  { label: 'open + close, ms', format: 'ms', get: (r) => r.docvault.measure.openMs },
  ...FILTERS.map((f): Row => ({ label: `first list call after open, ${FILTER_LABEL[f]}, ms`, format: 'ms', get: (r) => r.docvault.measure.pages[f].firstCallMs })),
  ...FILTERS.map((f): Row => ({ label: `first page, ${FILTER_LABEL[f]}, ms`, format: 'ms', get: (r) => r.docvault.measure.pages[f].firstPageMs })),
  ...FILTERS.map((f): Row => ({ label: `deep page (${DEEP_PAGES} cursors in), ${FILTER_LABEL[f]}, ms`, format: 'ms', get: (r) => r.docvault.measure.pages[f].deepPageMs })),
  { label: 'first page, by title, ms', format: 'ms', get: (r) => r.docvault.measure.titlePages?.firstPageMs },
  { label: `deep page (${DEEP_PAGES} cursors in), by title, ms`, format: 'ms', get: (r) => r.docvault.measure.titlePages?.deepPageMs },
  ...FILTERS.map((f): Row => ({ label: `count, ${FILTER_LABEL[f]}, ms`, format: 'ms', get: (r) => r.docvault.measure.countMs[f] })),
  { label: 'stats, ms', format: 'ms', get: (r) => r.docvault.measure.statsMs },
  { label: 'verify, versions/s', format: 'rate', get: (r) => r.docvault.measure.verifyVersionsPerSec },
  { label: 'verify, whole vault, s', format: 's', get: (r) => r.docvault.measure.verifyMs / 1000 },
  { label: 'get-cold, ops/s (cache 1,000 entries)', format: 'rate', get: (r) => r.docvault.measure.getColdOpsPerSec },
  { label: 'raw get-cold, ops/s', format: 'rate', get: (r) => r.raw?.measure.getColdOpsPerSec },
  { label: 'get-cold docvault ÷ raw', format: 'ratio', get: (r) => (r.raw === undefined ? undefined : r.docvault.measure.getColdOpsPerSec / r.raw.measure.getColdOpsPerSec) },
  { label: 'StorageService.open, ms', format: 'ms', get: (r) => r.docvault.service?.openMs },
  { label: 'StorageService open → first page answered, ms', format: 'ms', get: (r) => r.docvault.service?.firstAnswerMs },
  { label: 'StorageService.verify, versions/s', format: 'rate', get: (r) => (r.docvault.service === undefined ? undefined : (r.docs * 1000) / r.docvault.service.verifyMs) },
  { label: "a caller's get during service verify, p99 ms", format: 'ms', get: (r) => r.docvault.service?.getsDuringVerify.p99Ms },
  { label: "a caller's get during service verify, max ms", format: 'ms', get: (r) => r.docvault.service?.getsDuringVerify.maxMs },
  { label: 'peak RSS, seeding, MiB', format: 'mb', get: (r) => r.docvault.seed.peakRssMb },
  { label: 'peak RSS, measuring, MiB', format: 'mb', get: (r) => r.docvault.measure.peakRssMb },
  { label: 'peak RSS, service (main thread + workers), MiB', format: 'mb', get: (r) => r.docvault.service?.peakRssMb },
  { label: 'JS heap in use after a full GC, seeded (vault open), MiB', format: 'mb', get: (r) => r.docvault.seed.liveHeapMb },
  { label: 'JS heap in use after a full GC, measured (vault open), MiB', format: 'mb', get: (r) => r.docvault.measure.liveHeapMb },
];

function fmt(x: number | undefined, f: Format): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  switch (f) {
    case 'rate':
      return formatRate(x);
    case 'ratio':
      return `${x.toFixed(2)}×`;
    case 'mb':
      return String(Math.round(x));
    case 's':
      return x >= 10 ? x.toFixed(0) : x.toPrecision(2);
    case 'ms':
      return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toPrecision(3) : x.toFixed(3);
  }
}

/** The curve of `records` (one per size, any order) as Markdown. */
export function renderScaleMarkdown(records: readonly ScaleRecord[], opts: { context?: readonly string[] } = {}): string {
  const rs = [...records].sort((a, b) => a.docs - b.docs);
  const out: string[] = ['# docvault bench:scale', ''];
  const first = rs[0];
  if (first !== undefined) {
    const m = first.machine;
    out.push(
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, Node ${m.node}. Date: ${first.date.slice(0, 16).replace('T', ' ')} UTC. ` +
        `Commit: \`${first.commit}\`. Documents: realistic (bench/data.ts), ${first.docBytes} B each, engine defaults (memory mode standard, durability full).`,
      '',
    );
  }
  for (const line of opts.context ?? []) out.push(line, '');
  out.push(
    'Each size ran in fresh processes (seed, measure, service open). Latencies: median of 5 calls after one untimed call. ' +
      '"×10" columns: the figure at 10n ÷ the figure at n (latency: 1× flat, 10× linear; rate: < 1× means it fell).',
    '',
  );
  const steps = rs.slice(1).map((r, i) => [rs[i] as ScaleRecord, r] as const);
  const head = [...rs.map((r) => r.docs.toLocaleString('en-US')), ...steps.map(([a, b]) => `×10 ${formatRate(a.docs)}→${formatRate(b.docs)}`)];
  out.push(`| figure | ${head.join(' | ')} |`, `|---|${head.map(() => '--:').join('|')}|`);
  for (const row of ROWS) {
    const vals = rs.map((r) => row.get(r));
    if (vals.every((v) => v === undefined)) continue;
    const growth = steps.map(([a, b]) => {
      const x = row.get(a);
      const y = row.get(b);
      return x === undefined || y === undefined || x === 0 ? '–' : `${(y / x).toFixed(2)}×`;
    });
    out.push(`| ${row.label} | ${[...vals.map((v) => fmt(v, row.format)), ...growth].join(' | ')} |`);
  }
  out.push('', `Deep pages: cursors followed (at most ${DEEP_PAGES}; fewer where the filter has fewer pages of 100):`, '');
  out.push(`| filter | ${rs.map((r) => r.docs.toLocaleString('en-US')).join(' | ')} |`, `|---|${rs.map(() => '--:').join('|')}|`);
  for (const f of FILTERS) out.push(`| ${FILTER_LABEL[f]} | ${rs.map((r) => String(r.docvault.measure.pages[f].depth)).join(' | ')} |`);
  out.push('', 'Matches per filter (checked against bench/data.ts on every run):', '');
  out.push(`| filter | ${rs.map((r) => r.docs.toLocaleString('en-US')).join(' | ')} |`, `|---|${rs.map(() => '--:').join('|')}|`);
  for (const f of FILTERS) out.push(`| ${FILTER_LABEL[f]} | ${rs.map((r) => r.docvault.measure.counts[f].toLocaleString('en-US')).join(' | ')} |`);
  out.push('');
  return out.join('\n');
}
