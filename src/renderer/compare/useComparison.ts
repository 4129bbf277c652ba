/**
 * Compares two versions in a Web Worker, so the window stays responsive on large documents.
 * A new pair of versions (or unmounting) terminates the running worker; so does `cancel`.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { ComparableVersion } from '../../shared/compare';
import { comparisonReducer, IDLE, type ComparisonState } from './comparison-state';
import type { CompareReply, CompareRequest } from './protocol';

/** Makes the worker; tests and other hosts can pass their own. */
export type WorkerFactory = () => Worker;

const defaultWorker: WorkerFactory = () => new Worker(new URL('./compare.worker.ts', import.meta.url), { type: 'module', name: 'docvault-compare' });

let nextSeq = 0;

/** What {@link useComparison} returns. */
export interface ComparisonHandle {
  readonly state: ComparisonState;
  /** Stops a running comparison (terminates its worker). */
  cancel(): void;
  /** Runs the comparison again (after a cancel or an error). */
  retry(): void;
}

/**
 * The comparison of `a` (older, left) with `b` (newer, right); idle while either is undefined.
 * Pass stable objects (state or memoized values): a new object starts a new comparison.
 */
export function useComparison(a: ComparableVersion | undefined, b: ComparableVersion | undefined, makeWorker: WorkerFactory = defaultWorker): ComparisonHandle {
  const [state, dispatch] = useReducer(comparisonReducer, IDLE);
  const running = useRef<{ worker: Worker; seq: number } | undefined>(undefined);
  /** This hook's latest comparison (on the page or in a worker), for cancel. */
  const latest = useRef(0);
  const [attempt, bump] = useReducer((n: number) => n + 1, 0);

  const stop = useCallback(() => {
    running.current?.worker.terminate();
    running.current = undefined;
  }, []);

  useEffect(() => {
    if (a === undefined || b === undefined) {
      dispatch({ type: 'reset' });
      return undefined;
    }
    const seq = ++nextSeq;
    latest.current = seq;
    const request: CompareRequest = { seq, a, b };
    dispatch({ type: 'start', seq });
    let heard = false;
    let live = true;
    // Where no worker can start (a stricter CSP or file:// rules in some shell), compare on the page
    // instead: slower to show for huge versions, but the comparison is still there. The code is
    // loaded only then, so the page does not carry the diff package otherwise.
    const onPage = (): void => {
      void import('./protocol').then(({ runCompareRequest }) => {
        if (live) runCompareRequest(request, (reply) => live && dispatch({ type: 'reply', reply }));
      });
    };
    let worker: Worker;
    try {
      worker = makeWorker();
    } catch {
      onPage();
      return () => {
        live = false;
      };
    }
    running.current = { worker, seq };
    worker.onmessage = (e: MessageEvent<CompareReply>) => {
      heard = true;
      dispatch({ type: 'reply', reply: e.data });
      if (e.data.type !== 'progress') stop();
    };
    worker.onerror = (e: ErrorEvent) => {
      stop();
      if (!heard) onPage();
      else dispatch({ type: 'crash', seq, message: e.message || 'unknown error' });
    };
    worker.postMessage(request);
    return () => {
      live = false;
      if (running.current?.seq === seq) stop();
    };
  }, [a, b, makeWorker, attempt, stop]);

  const cancel = useCallback(() => {
    stop();
    // The reducer ignores a cancel of anything but the running comparison.
    dispatch({ type: 'cancel', seq: latest.current });
  }, [stop]);

  return { state, cancel, retry: bump };
}
