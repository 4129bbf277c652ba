/**
 * Turns result records into the Markdown table (pure: no I/O). One table per size, a column per driver,
 * the same-run ratios docvault / peer, and the seed report's figure with its caveat.
 */
import { DRIVERS } from './drivers';
import { TRIALS } from './trials';
import type { BenchRecord } from './types';

/** One target from the issue, checked against docvault's figures. */
export interface Target {
  readonly label: string;
  readonly trial: string;
  /** `min`: opsPerSec ≥ value; `maxMs`: 1000 / opsPerSec < value; `vs`: docvault / `peer` ≥ value. */
  readonly kind: 'min' | 'maxMs' | 'vs';
  readonly value: number;
  readonly peer?: string;
}

/** The targets of issue [2/7], stated for docvault in-process, encrypted, 100k × 1 KB. */
export const TARGETS: readonly Target[] = [
  { label: 'get-hot ≥ 5M ops/s', trial: 'get-hot', kind: 'min', value: 5_000_000 },
  { label: 'exists ≥ 5M ops/s', trial: 'exists', kind: 'min', value: 5_000_000 },
  { label: 'get-cold ≥ 0.8× raw', trial: 'get-cold', kind: 'vs', value: 0.8, peer: 'raw' },
  { label: 'save ≥ 15k/s sequential', trial: 'save', kind: 'min', value: 15_000 },
  { label: 'bulk-save (1,000) ≥ 100k docs/s', trial: 'bulk-save-1000', kind: 'min', value: 100_000 },
  { label: 'bulk-get (hot, 100) ≥ 5M docs/s', trial: 'bulk-get', kind: 'min', value: 5_000_000 },
  { label: 'open with raw key < 50 ms', trial: 'open-key', kind: 'maxMs', value: 50 },
  { label: 'get-cold ≥ 3× pouchdb', trial: 'get-cold', kind: 'vs', value: 3, peer: 'pouchdb' },
  { label: 'save ≥ 3× pouchdb', trial: 'save', kind: 'vs', value: 3, peer: 'pouchdb' },
  { label: 'bulk-save (100) ≥ 3× pouchdb', trial: 'bulk-save-100', kind: 'vs', value: 3, peer: 'pouchdb' },
  { label: 'bulk-save (1,000) ≥ 3× pouchdb', trial: 'bulk-save-1000', kind: 'vs', value: 3, peer: 'pouchdb' },
];

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

/** Checks each target against the records of one size. */
export function checkTargets(records: readonly BenchRecord[]): { label: string; figure: string; met: boolean | null }[] {
  const find = (trial: string, driver: string): BenchRecord | undefined => records.find((r) => r.trial === trial && r.driver === driver);
  return TARGETS.map((t) => {
    const dv = find(t.trial, 'docvault');
    if (dv?.opsPerSec == null) return { label: t.label, figure: 'not run', met: null };
    const unit = dv.unit === 'docs' ? 'docs/s' : 'ops/s';
    if (t.kind === 'min') return { label: t.label, figure: `${formatRate(dv.opsPerSec)} ${unit}`, met: dv.opsPerSec >= t.value };
    if (t.kind === 'maxMs') {
      const ms = 1000 / dv.opsPerSec;
      return { label: t.label, figure: `${ms.toFixed(2)} ms`, met: ms < t.value };
    }
    const peer = find(t.trial, t.peer ?? '');
    if (peer?.opsPerSec == null) return { label: t.label, figure: `${t.peer} not run`, met: null };
    const x = dv.opsPerSec / peer.opsPerSec;
    return { label: t.label, figure: `${x.toFixed(2)}× (${formatRate(dv.opsPerSec)} vs ${formatRate(peer.opsPerSec)} ${unit})`, met: x >= t.value };
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
    // Ratios: the engine against each peer; the service (the same engine behind worker threads) against the engine.
    const pairs: [string, string][] = drivers.filter((d) => !OURS.includes(d)).map((p): [string, string] => ['docvault', p]);
    if (drivers.includes('service') && drivers.includes('docvault')) pairs.push(['service', 'docvault']);
    out.push(
      `| trial | ${drivers.join(' | ')} | ${pairs.map(([a, b]) => `${a} / ${b}`).join(' | ')} | seed report |`,
      `|---|${drivers.map(() => '--:').join('|')}|${pairs.map(() => '--:').join('|')}|--:|`,
    );
    for (const t of TRIALS) {
      if (!rs.some((r) => r.trial === t.name)) continue;
      const cells = drivers.map((d) => {
        const r = find(t.name, d);
        if (r === undefined) return '';
        if (r.skipped !== undefined) return `skipped ${footnote(`${d}, ${t.name}: ${r.skipped}`)}`;
        if (r.opsPerSec === null) return '';
        return `${formatRate(r.opsPerSec)} ±${(r.spread ?? 0).toFixed(0)}%`;
      });
      const ratios = pairs.map(([a, b]) => ratio(find(t.name, a), find(t.name, b)));
      const seed = t.seedFigure === undefined ? '–' : `${formatRate(t.seedFigure.value)} ${footnote(`seed report, ${t.name}: ${t.seedFigure.label}`)}`;
      out.push(`| ${t.name} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${seed} |`);
    }
    out.push('', `Peak RSS (MiB) per process:`, '', `| trial | ${drivers.join(' | ')} |`, `|---|${drivers.map(() => '--:').join('|')}|`);
    for (const t of TRIALS) {
      if (!rs.some((r) => r.trial === t.name)) continue;
      out.push(`| ${t.name} | ${drivers.map((d) => { const r = find(t.name, d); return r === undefined || r.skipped !== undefined ? '' : String(r.peakRssMb); }).join(' | ')} |`);
    }
    const open = find('open-key', 'docvault');
    if (open?.opsPerSec != null) out.push('', `open-key as latency: docvault ${(1000 / open.opsPerSec).toFixed(2)} ms per open + close.`);
    out.push('', `Targets (docvault, this size; the issue states them for 100k × 1 KB):`, '');
    for (const c of checkTargets(rs)) out.push(`- ${c.met === null ? '·' : c.met ? '✔' : '✘'} ${c.label}: ${c.figure}`);
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
