/** The current figures beside the Performance charts: per-operation rates and percentiles, cache, writer, queues, workers. */
import { Fragment } from 'react';
import type { LiveSample } from '../../shared/live';
import { formatBytes, formatMs, formatRate, workerText } from '../model/live-series';

/** The numbers of one sample. */
export function PerformanceFigures({ s }: { s: LiveSample }) {
  const ops = Object.entries(s.ops).sort((a, b) => b[1].perSec - a[1].perSec);
  return (
    <div className="perf-figures">
      <table className="figures" data-testid="op-table">
        <caption>Operations (this second)</caption>
        <thead>
          <tr>
            <th scope="col">operation</th>
            <th scope="col">ops/s</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          {ops.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                idle
              </td>
            </tr>
          )}
          {ops.map(([name, o]) => (
            <tr key={name} data-testid={`op-${name}`}>
              <th scope="row">{name.replace(/^doc\./, '')}</th>
              <td>{formatRate(o.perSec)}</td>
              <td>{formatMs(o.p50Ms)}</td>
              <td>{formatMs(o.p95Ms)}</td>
              <td>{formatMs(o.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts" data-testid="perf-facts">
        <dt>Cache hit rate</dt>
        <dd data-testid="hit-rate">{s.cache.hitRate === null ? '– (no reads)' : `${(s.cache.hitRate * 100).toFixed(1)} %`}</dd>
        <dt>Cache</dt>
        <dd>
          {formatRate(s.cache.entries)} entries · {formatBytes(s.cache.bytes)} of {formatBytes(s.cache.maxBytes)} · {formatRate(s.cache.evictions)} evictions
        </dd>
        {s.groupCommit !== null && (
          <>
            <dt>Group commit</dt>
            <dd>
              {formatRate(s.groupCommit.commitsPerSec)} commits/s · batch {s.groupCommit.meanBatch === null ? '–' : s.groupCommit.meanBatch} · p50 {formatMs(s.groupCommit.p50CommitMs)}
            </dd>
          </>
        )}
        {s.queues !== null && (
          <>
            <dt>Queues</dt>
            <dd>
              reads {s.queues.queuedReads} waiting / {s.queues.pendingReads} in flight · writes {s.queues.queuedWrites} / {s.queues.pendingWrites}
            </dd>
          </>
        )}
        {s.workers.length > 0 && (
          <>
            <dt>Workers</dt>
            <dd data-testid="workers">
              {/* One unbreakable item per worker: a narrow pane wraps between workers, never inside one. */}
              {s.workers.map((w, i) => (
                <Fragment key={w.name}>
                  {i > 0 && ' · '}
                  <span className="worker-load">{workerText(w)}</span>
                </Fragment>
              ))}
            </dd>
          </>
        )}
        <dt>Main event loop</dt>
        <dd data-testid="event-loop">
          delay p50 {formatMs(s.eventLoop.p50Ms)} · p99 {formatMs(s.eventLoop.p99Ms)} · max {formatMs(s.eventLoop.maxMs)}
        </dd>
      </dl>
    </div>
  );
}
