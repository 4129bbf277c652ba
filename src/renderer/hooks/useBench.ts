/**
 * The Benchmark panel's state: the catalog, past runs, the run going on with its progress, and the actions
 * (start, cancel, export). Runs happen in the app (a worker thread on scratch stores); this only asks and listens.
 */
import { useCallback, useEffect, useState } from 'react';
import type { BenchCatalog, BenchProgress, BenchRequest, BenchRun } from '../../shared/bench';
import type { SerializedError } from '../../shared/errors';
import { toSerializedError } from '../errors';
import { useApi, usePushEvents } from '../state';

/** Everything the panel shows and does. */
export function useBench() {
  const { call } = useApi();
  const [catalog, setCatalog] = useState<BenchCatalog | undefined>(undefined);
  const [runs, setRuns] = useState<readonly BenchRun[]>([]);
  const [progress, setProgress] = useState<BenchProgress | undefined>(undefined);
  const [runningId, setRunningId] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);

  useEffect(() => {
    call('bench.catalog', {}, 'Checking which drivers load')
      .then(setCatalog)
      .catch((err: unknown) => setError(toSerializedError(err)));
    call('bench.runs', {})
      .then(setRuns)
      .catch(() => undefined);
  }, [call]);

  usePushEvents((e) => {
    if (e.event === 'bench.progress') {
      setRunningId(e.data.runId);
      setProgress(e.data);
    } else if (e.event === 'bench.done') {
      setRunningId(undefined);
      setProgress(undefined);
      setRuns((r) => [e.data, ...r.filter((x) => x.id !== e.data.id)]);
      setSelected(e.data.id);
    }
  });

  const start = useCallback(
    (request: BenchRequest) => {
      setError(undefined);
      call('bench.start', request)
        .then((r) => setRunningId(r.runId))
        .catch((err: unknown) => setError(toSerializedError(err)));
    },
    [call],
  );
  const cancel = useCallback(() => {
    call('bench.cancel', {}).catch((err: unknown) => setError(toSerializedError(err)));
  }, [call]);
  const download = useCallback(
    (id: string, format: 'json' | 'markdown') => {
      call('bench.export', { id, format })
        .then((text) => {
          const url = URL.createObjectURL(new Blob([text], { type: format === 'json' ? 'application/json' : 'text/markdown' }));
          const a = document.createElement('a');
          a.href = url;
          a.download = `docvault-bench-${id.slice(0, 8)}.${format === 'json' ? 'json' : 'md'}`;
          a.click();
          URL.revokeObjectURL(url);
        })
        .catch((err: unknown) => setError(toSerializedError(err)));
    },
    [call],
  );

  const shown = runs.find((r) => r.id === selected) ?? runs[0];
  return { catalog, runs, progress, running: runningId !== undefined, shown, select: setSelected, start, cancel, download, error, clearError: () => setError(undefined) };
}
