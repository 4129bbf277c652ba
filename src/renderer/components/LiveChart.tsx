/**
 * A small time-series chart drawn by uPlot (canvas; ~50 KB; made for streaming series). Created once per
 * mount, fed new columns on every sample, resized with its container. Colours come from the page's CSS
 * variables, so light and dark both read well. uPlot styles its elements through the CSSOM, which the
 * CSP (`style-src 'self'`, no inline styles) allows.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Columns } from '../model/live-series';

/** One line of a chart. */
export interface SeriesSpec {
  readonly label: string;
  /** A CSS colour. */
  readonly color: string;
}

/** Props of {@link LiveChart}. */
export interface LiveChartProps {
  readonly title: string;
  readonly series: readonly SeriesSpec[];
  readonly data: Columns;
  /** Unit shown on the y axis values, e.g. "/s", " ms", "%". */
  readonly unit: string;
  readonly height?: number;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

/** Tick steps of the time axis, in seconds. */
const X_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300];
const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A live chart of the last minutes. */
export function LiveChart({ title, series, data, unit, height = 140 }: LiveChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (el === null) return undefined;
    const fg = cssVar('--muted', '#888');
    const grid = cssVar('--line', '#ddd');
    const axis: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        // Clock times in the user's locale, whole seconds only (uPlot's default adds a US-style date row and,
        // with the first few samples, ticks at fractions of a second).
        { ...axis, size: 32, space: 80, incrs: X_STEPS_S, values: (_u, vals) => vals.map((v) => clockTime.format(v * 1000)) },
        { ...axis, size: 56, values: (_u, vals) => vals.map((v) => `${+v.toPrecision(3)}${unit}`) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false, points: { show: false } }))],
    };
    const u = new uPlot(opts, latest.current as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // Built once per size and unit (series are fixed per chart); new data arrives through setData below.
  }, [height, unit]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure className="chart" data-testid="chart" data-points={data[0].length}>
      <figcaption>{title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
