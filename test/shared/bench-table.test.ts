/** A benchmark run as a table: ratios against each peer from the same run, seed figures, Markdown. */
import { describe, expect, it } from 'vitest';
import type { BenchRun } from '../../src/shared/bench';
import { SEED_NOTE, benchMarkdown, benchTable } from '../../src/shared/bench-table';

const run: BenchRun = {
  id: 'r1',
  request: { trials: ['get-hot', 'list-page'], drivers: ['docvault', 'raw'], size: 'quick' },
  docs: 200,
  docBytes: 1024,
  startedAt: 0,
  finishedAt: 1,
  outcome: 'done',
  cells: [
    { trial: 'get-hot', driver: 'docvault', opsPerSec: 1_000_000, unit: 'ops', spread: 1, notes: [] },
    { trial: 'get-hot', driver: 'raw', opsPerSec: 250_000, unit: 'ops', spread: 1, notes: [] },
    { trial: 'list-page', driver: 'docvault', opsPerSec: 1000, unit: 'ops', spread: 1, notes: [] },
    { trial: 'list-page', driver: 'raw', opsPerSec: null, unit: 'ops', spread: null, skipped: 'raw keeps no summaries', notes: [] },
  ],
  eventLoop: { p50Ms: 1, p99Ms: 4.5, maxMs: 9 },
  machine: { cpu: 'cpu', cores: 2, node: 'v20', os: 'linux' },
};
const trials = [
  { name: 'get-hot', what: 'get', seedFigure: { value: 1_990_026, label: 'reads/s' } },
  { name: 'list-page', what: 'list', seedFigure: null },
];

describe('benchTable', () => {
  it('computes docvault / peer ratios and carries the seed figures', () => {
    const t = benchTable(run, trials);
    expect(t.drivers).toEqual(['docvault', 'raw']);
    expect(t.peers).toEqual(['raw']);
    expect(t.rows[0]).toMatchObject({ trial: 'get-hot', figures: [1_000_000, 250_000], ratios: [4], seed: 1_990_026 });
    expect(t.rows[1]).toMatchObject({ trial: 'list-page', figures: [1000, null], ratios: [null], seed: null, skipped: [undefined, 'raw keeps no summaries'] });
  });

  it('renders Markdown with the ratios, the event-loop delay and the seed caveat', () => {
    const md = benchMarkdown(run, trials);
    expect(md).toContain('| get-hot | 1.00M | 250k | 4.00× | 1.99M |');
    expect(md).toContain('| list-page | 1.00k | n/a | – | – |');
    expect(md).toContain('p99 4.5 ms');
    expect(md).toContain('Quick run');
    expect(md).toContain(SEED_NOTE);
  });
});
