/**
 * Results as bars: per trial, one bar per driver on a log scale (figures span 1/s to 10M/s). Plain SVG
 * attributes (no inline styles: the CSP forbids them); colours from a fixed palette that reads on light and dark.
 */
import type { BenchRow } from '../../../shared/bench-table';
import { shortRate } from '../../../shared/bench-table';

const PALETTE = ['#2f7de1', '#d99a00', '#2e9e5b', '#8a5cf6', '#d1453b', '#13a3a3', '#a0522d'];
const BAR = 12;
const GAP = 10;
const LABEL_W = 110;
const WIDTH = 560;

/** The chart. */
export function BenchChart({ drivers, rows }: { drivers: readonly string[]; rows: readonly BenchRow[] }) {
  const all = rows.flatMap((r) => r.figures.filter((f): f is number => f !== null && f > 0));
  if (all.length === 0) return null;
  const max = Math.log10(Math.max(...all) * 1.5);
  const min = Math.min(0, Math.floor(Math.log10(Math.min(...all))));
  const scale = (v: number): number => ((Math.log10(v) - min) / (max - min)) * (WIDTH - LABEL_W - 60);
  const groupH = drivers.length * BAR + GAP;
  const height = rows.length * groupH;
  return (
    <figure className="chart bench-chart" data-testid="bench-chart">
      <figcaption>
        Throughput per second, log scale:{' '}
        {drivers.map((d, i) => (
          <span key={d} className="legend-item">
            <svg width="10" height="10" aria-hidden="true">
              <rect width="10" height="10" fill={PALETTE[i % PALETTE.length]} />
            </svg>{' '}
            {d}{' '}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label="Benchmark results chart">
        {rows.map((r, ri) => (
          <g key={r.trial} transform={`translate(0, ${ri * groupH})`}>
            <text x="0" y={(drivers.length * BAR) / 2 + 4} className="chart-label">
              {r.trial}
            </text>
            {r.figures.map((f, di) =>
              f === null || f <= 0 ? null : (
                <g key={drivers[di]}>
                  <rect x={LABEL_W} y={di * BAR} width={Math.max(1, scale(f))} height={BAR - 2} fill={PALETTE[di % PALETTE.length]} />
                  <text x={LABEL_W + Math.max(1, scale(f)) + 4} y={di * BAR + BAR - 3} className="chart-value">
                    {shortRate(f)}
                  </text>
                </g>
              ),
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}
