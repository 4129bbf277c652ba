/**
 * The Performance view: charts of the last five minutes (throughput, latency, cache hit rate and event-loop
 * delay) with the current figures beside them. Fed by pushed samples (see useLiveStats); it never polls.
 */
import { useMemo } from 'react';
import type { LiveSample } from '../../shared/live';
import { formatBytes, formatMs, formatRate, healthColumns, latencyColumns, throughputColumns } from '../model/live-series';
import { LiveChart } from './LiveChart';
import { PerformanceFigures } from './PerformanceFigures';

/** Props of {@link PerformanceView}. */
export interface PerformanceViewProps {
  readonly history: readonly LiveSample[];
  readonly latest: LiveSample | undefined;
  readonly onClose: () => void;
}

const THROUGHPUT = [{ label: 'calls/s', color: '#2f7de1' }];
const LATENCY = [
  { label: 'p50', color: '#2e9e5b' },
  { label: 'p95', color: '#d99a00' },
  { label: 'p99', color: '#d1453b' },
];
const HEALTH = [
  { label: 'cache hit %', color: '#8a5cf6' },
  { label: 'event-loop p99 ms', color: '#d1453b' },
];

/** Live performance of the open vault. */
export function PerformanceView({ history, latest, onClose }: PerformanceViewProps) {
  const throughput = useMemo(() => throughputColumns(history), [history]);
  const latency = useMemo(() => latencyColumns(history), [history]);
  const health = useMemo(() => healthColumns(history), [history]);
  return (
    <section className="panel performance" aria-label="Performance">
      <header className="panel-head">
        <h2>Performance</h2>
        <span className="muted small">last 5 minutes · one sample a second while this view is open</span>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {latest === undefined ? (
        <p className="muted">Waiting for the first sample…</p>
      ) : (
        <div className="perf-grid">
          <div className="perf-charts">
            <LiveChart title={`Throughput · ${formatRate(latest.totalPerSec)} calls/s`} series={THROUGHPUT} data={throughput} unit="" />
            <LiveChart title="Latency of the slowest operation (ms)" series={LATENCY} data={latency} unit="" />
            <LiveChart
              title={`Cache hit rate ${latest.cache.hitRate === null ? '–' : `${(latest.cache.hitRate * 100).toFixed(1)} %`} · event-loop p99 ${formatMs(latest.eventLoop.p99Ms)}`}
              series={HEALTH}
              data={health}
              unit=""
            />
          </div>
          <PerformanceFigures s={latest} />
        </div>
      )}
      {latest !== undefined && (
        <p className="muted small">
          {formatRate(latest.vault.documents)} documents · {formatRate(latest.vault.versions)} versions · vault {formatBytes(latest.vault.fileBytes)} · WAL {formatBytes(latest.vault.walBytes)}
        </p>
      )}
    </section>
  );
}
