/**
 * Turns result records into the Markdown table (pure: no I/O). One table per size, a column per driver,
 * the same-run ratios docvault / peer, and the seed report's figure with its caveat.
 */
import { DRIVERS } from './drivers';
import { TRIALS } from './trials';
import type { BenchRecord } from './types';

/** A figure a target reads: one trial on one driver. */
export interface TargetFigure {
  readonly trial: string;
  readonly driver: string;
}

/** One target from an issue, checked against the records of one size. */
export interface Target {
  readonly label: string;
  /** The issue that states it. */
  readonly issue: number;
  /** `min`: figure ≥ value (units/s); `maxMs`: 1000 / figure < value; `ratio`: figure ÷ `of` ≥ value (same run). */
  readonly kind: 'min' | 'maxMs' | 'ratio';
  readonly figure: TargetFigure;
  /** The denominator of a `ratio` target. */
  readonly of?: TargetFigure;
  readonly value: number;
  /** The issue's aim beyond the must, where it states one. */
  readonly aim?: number;
}

const dv = (trial: string): TargetFigure => ({ trial, driver: 'docvault' });
const raw = (trial: string): TargetFigure => ({ trial, driver: 'raw' });

/**
 * Issue 12's table first (docvault ÷ raw in the same run, realistic data; the must, with the aim beside
 * it), then the absolute and PouchDB targets of issue 2, stated for docvault in-process at 100k × 1 KB.
 */
export const TARGETS: readonly Target[] = [
  { label: 'get-cold docvault ÷ raw', issue: 12, kind: 'ratio', figure: dv('get-cold'), of: raw('get-cold'), value: 0.4, aim: 0.7 },
  { label: 'update docvault ÷ raw', issue: 12, kind: 'ratio', figure: dv('update'), of: raw('update'), value: 0.5, aim: 0.8 },
  { label: 'bulk-save-1000 docvault ÷ raw', issue: 12, kind: 'ratio', figure: dv('bulk-save-1000'), of: raw('bulk-save-1000'), value: 0.6, aim: 0.8 },
  { label: 'save (single, durable) docvault ÷ raw', issue: 12, kind: 'ratio', figure: dv('save'), of: raw('save'), value: 0.7, aim: 0.9 },
  {
    label: "service save-concurrent (64 callers) ÷ raw bulk-save-1000 docs/s",
    issue: 12,
    kind: 'ratio',
    figure: { trial: 'save-concurrent', driver: 'service' },
    of: raw('bulk-save-1000'),
    value: 0.5,
    aim: 0.8,
  },
  { label: 'get-hot ≥ 5M ops/s', issue: 2, kind: 'min', figure: dv('get-hot'), value: 5_000_000 },
  { label: 'exists ≥ 5M ops/s', issue: 2, kind: 'min', figure: dv('exists'), value: 5_000_000 },
  { label: 'save ≥ 15k/s sequential', issue: 2, kind: 'min', figure: dv('save'), value: 15_000 },
  { label: 'bulk-save (1,000) ≥ 100k docs/s', issue: 2, kind: 'min', figure: dv('bulk-save-1000'), value: 100_000 },
  { label: 'bulk-get (hot, 100) ≥ 5M docs/s', issue: 2, kind: 'min', figure: dv('bulk-get'), value: 5_000_000 },
  { label: 'open with raw key < 50 ms', issue: 2, kind: 'maxMs', figure: dv('open-key'), value: 50 },
  { label: 'get-cold ≥ 3× pouchdb', issue: 2, kind: 'ratio', figure: dv('get-cold'), of: { trial: 'get-cold', driver: 'pouchdb' }, value: 3 },
  { label: 'save ≥ 3× pouchdb', issue: 2, kind: 'ratio', figure: dv('save'), of: { trial: 'save', driver: 'pouchdb' }, value: 3 },
  { label: 'bulk-save (100) ≥ 3× pouchdb', issue: 2, kind: 'ratio', figure: dv('bulk-save-100'), of: { trial: 'bulk-save-100', driver: 'pouchdb' }, value: 3 },
  { label: 'bulk-save (1,000) ≥ 3× pouchdb', issue: 2, kind: 'ratio', figure: dv('bulk-save-1000'), of: { trial: 'bulk-save-1000', driver: 'pouchdb' }, value: 3 },
];

/** The outcome of one target: `met` is null when a figure it needs was not measured. */
export interface TargetCheck {
  readonly label: string;
  readonly issue: number;
  readonly figure: string;
  readonly met: boolean | null;
}

/** docvault's own drivers; every other driver is a peer. */
const OURS: readonly string[] = ['docvault', 'service'];

/** 3 significant digits with k/M. */
export function formatRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)}k`;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

function formatBytes(b: number): string {
  return b >= 1024 && b % 1024 === 0 ? `${b / 1024} KB` : `${b} B`;
}

function sizeKey(r: Pick<BenchRecord, 'docs' | 'docBytes'>): string {
  return `${r.docs}×${r.docBytes}`;
}

function ratio(a: BenchRecord | undefined, b: BenchRecord | undefined): string {
  if (a?.opsPerSec == null || b?.opsPerSec == null || b.opsPerSec === 0) return '–';
  return `${(a.opsPerSec / b.opsPerSec).toFixed(2)}×`;
}

/** Checks each target against the records of one size (met / missed, or null when not measured). */
export function checkTargets(records: readonly BenchRecord[], targets: readonly Target[] = TARGETS): TargetCheck[] {
  const find = (f: TargetFigure): BenchRecord | undefined => records.find((r) => r.trial === f.trial && r.driver === f.driver);
  return targets.map((t) => {
    const base = { label: t.label, issue: t.issue };
    const a = find(t.figure);
    if (a?.opsPerSec == null) return { ...base, figure: `${t.figure.driver} ${t.figure.trial} not run`, met: null };
    const unit = a.unit === 'docs' ? 'docs/s' : 'ops/s';
    if (t.kind === 'min') return { ...base, figure: `${formatRate(a.opsPerSec)} ${unit}`, met: a.opsPerSec >= t.value };
    if (t.kind === 'maxMs') {
      const ms = 1000 / a.opsPerSec;
      return { ...base, figure: `${ms.toFixed(2)} ms`, met: ms < t.value };
    }
    const of = t.of;
    const b = of === undefined ? undefined : find(of);
    if (of === undefined || b?.opsPerSec == null || b.opsPerSec === 0) return { ...base, figure: `${of?.driver ?? '?'} ${of?.trial ?? '?'} not run`, met: null };
    const x = a.opsPerSec / b.opsPerSec;
    const want = `must ≥ ${t.value}${t.aim === undefined ? '' : `, aim ≥ ${t.aim}`}`;
    return { ...base, figure: `${x.toFixed(2)} (${want}; ${formatRate(a.opsPerSec)} vs ${formatRate(b.opsPerSec)} ${b.unit === 'docs' ? 'docs/s' : 'ops/s'})`, met: x >= t.value };
  });
}

/** The Markdown report of `records`. */
export function renderMarkdown(records: readonly BenchRecord[], opts: { title?: string; context?: readonly string[] } = {}): string {
  const first = records[0];
  const out: string[] = [`# ${opts.title ?? 'docvault benchmark'}`, ''];
  if (first !== undefined) {
    const m = first.machine;
    const loads = records.map((r) => r.machine.load1);
    out.push(
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, Node ${m.node}. ` +
        `Date: ${first.date.slice(0, 16).replace('T', ' ')} UTC. Commit: \`${first.commit}\`. ` +
        `1-min load average during the run: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}.`,
      '',
    );
  }
  for (const line of opts.context ?? []) out.push(line, '');
  out.push(
    'Each cell: median throughput of the measured runs, ± spread = (max − min) / median. Bulk trials count documents/s, the others operations/s. ' +
      'Every trial × driver × size ran in a fresh process on a fresh copy of the same seeded data; ratios compare figures of the same run.',
    '',
    '**Seed report column**: the figures of shared/seed/m002-implementation-report.md, measured in memory with encryption off, 1,000 documents ' +
      'of 100 bytes, reads all cache hits, "ops/s = 1 / mean latency". They are not comparable to ours and are shown only because they were claimed.',
    '',
  );

  const drivers = DRIVERS.map((d) => d.name).filter((n) => records.some((r) => r.driver === n));
  const footnotes: string[] = [];
  const footnote = (text: string): string => {
    let i = footnotes.indexOf(text);
    if (i < 0) i = footnotes.push(text) - 1;
    return `[${i + 1}]`;
  };

  const sizes = [...new Set(records.map(sizeKey))];
  for (const size of sizes) {
    const rs = records.filter((r) => sizeKey(r) === size);
    const any = rs[0];
    if (any === undefined) continue;
    const find = (trial: string, driver: string): BenchRecord | undefined => rs.find((r) => r.trial === trial && r.driver === driver);
    out.push(`## ${any.docs.toLocaleString('en-US')} documents × ${formatBytes(any.docBytes)}`, '');
    // Throughput per driver, then the same-run ratios in a table of their own (one wide table would not read).
    out.push(`| trial | ${drivers.join(' | ')} | seed report |`, `|---|${drivers.map(() => '--:').join('|')}|--:|`);
    for (const t of TRIALS) {
      if (!rs.some((r) => r.trial === t.name)) continue;
      const cells = drivers.map((d) => {
        const r = find(t.name, d);
        if (r === undefined) return '';
        if (r.skipped !== undefined) return `${r.skipped.startsWith('unavailable') ? 'unavailable' : 'n/a'} ${footnote(`${d}, ${t.name}: ${r.skipped}`)}`;
        if (r.opsPerSec === null) return '';
        return `${formatRate(r.opsPerSec)} ±${(r.spread ?? 0).toFixed(0)}%`;
      });
      const seed = t.seedFigure === undefined ? '–' : `${formatRate(t.seedFigure.value)} ${footnote(`seed report, ${t.name}: ${t.seedFigure.label}`)}`;
      out.push(`| ${t.name} | ${cells.join(' | ')} | ${seed} |`);
    }
    // Ratios: the engine against each peer; the service (the same engine behind worker threads) against the engine.
    const pairs: [string, string][] = drivers.filter((d) => !OURS.includes(d)).map((p): [string, string] => ['docvault', p]);
    if (drivers.includes('service') && drivers.includes('docvault')) pairs.push(['service', 'docvault']);
    if (pairs.length > 0) {
      out.push('', 'Ratios, same run (> 1: docvault is faster):', '');
      out.push(`| trial | ${pairs.map(([a, b]) => `${a} / ${b}`).join(' | ')} |`, `|---|${pairs.map(() => '--:').join('|')}|`);
      for (const t of TRIALS) {
        if (!rs.some((r) => r.trial === t.name)) continue;
        out.push(`| ${t.name} | ${pairs.map(([a, b]) => ratio(find(t.name, a), find(t.name, b))).join(' | ')} |`);
      }
      const sc = find('save-concurrent', 'service');
      const bulk = find('bulk-save-1000', 'raw');
      if (sc !== undefined || bulk !== undefined)
        out.push('', `service save-concurrent (64 callers) ÷ raw bulk-save-1000 docs/s: ${ratio(sc, bulk)}`);
    }
    out.push('', `Peak RSS (MiB) per process:`, '', `| trial | ${drivers.join(' | ')} |`, `|---|${drivers.map(() => '--:').join('|')}|`);
    for (const t of TRIALS) {
      if (!rs.some((r) => r.trial === t.name)) continue;
      out.push(`| ${t.name} | ${drivers.map((d) => { const r = find(t.name, d); return r === undefined || r.skipped !== undefined ? '' : String(r.peakRssMb); }).join(' | ')} |`);
    }
    const open = find('open-key', 'docvault');
    if (open?.opsPerSec != null) out.push('', `open-key as latency: docvault ${(1000 / open.opsPerSec).toFixed(2)} ms per open + close.`);
    const checks = checkTargets(rs);
    for (const issue of [...new Set(checks.map((c) => c.issue))]) {
      out.push(
        '',
        issue === 12
          ? 'Targets of issue 12 (same-run ratios, realistic data; stated for 10k and 100k × 1 KB):'
          : `Targets of issue ${issue} (docvault in-process; stated for 100k × 1 KB):`,
        '',
      );
      for (const c of checks.filter((x) => x.issue === issue))
        out.push(`- ${c.met === null ? '· not measured' : c.met ? '✔ met' : '✘ missed'} — ${c.label}: ${c.figure}`);
    }
    out.push('');
  }

  const notes = new Map<string, string[]>();
  for (const r of records)
    for (const n of r.notes) {
      const key = `${r.driver}, ${r.trial}`;
      const list = notes.get(key) ?? [];
      if (!list.includes(n)) list.push(n);
      notes.set(key, list);
    }
  if (footnotes.length > 0) {
    out.push('## Footnotes', '');
    footnotes.forEach((f, i) => out.push(`${i + 1}. ${f}`));
    out.push('');
  }
  if (notes.size > 0) {
    out.push('## Notes per trial', '');
    for (const [k, list] of notes) out.push(`- ${k}: ${list.join('; ')}`);
    out.push('');
  }
  out.push('## Drivers', '');
  for (const d of DRIVERS) if (drivers.includes(d.name)) out.push(`- **${d.name}**: ${d.description}`);
  out.push('', '## Trials', '');
  for (const t of TRIALS) if (records.some((r) => r.trial === t.name)) out.push(`- **${t.name}**: ${t.what}`);
  out.push('');
  return out.join('\n');
}
