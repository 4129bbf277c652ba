/**
 * Messages between the page and the comparison worker (compare.worker.ts): a request with a sequence
 * number, answered by progress messages and then one result or one error. Cancelling is terminating
 * the worker, so there is no cancel message.
 */
import { compareVersions, type ComparableVersion, type CompareProgress, type Comparison } from '../../shared/compare';
import { serializeError, type SerializedError } from '../../shared/errors';

/** Page → worker: compare `a` (older, left) with `b` (newer, right). */
export interface CompareRequest {
  readonly seq: number;
  readonly a: ComparableVersion;
  readonly b: ComparableVersion;
}

/** Worker → page. */
export type CompareReply =
  | { readonly seq: number; readonly type: 'progress'; readonly progress: CompareProgress }
  | { readonly seq: number; readonly type: 'done'; readonly comparison: Comparison; readonly durationMs: number }
  | { readonly seq: number; readonly type: 'error'; readonly error: SerializedError };

/** Runs one request, posting its replies: what the worker does, testable without a worker. */
export function runCompareRequest(req: CompareRequest, post: (reply: CompareReply) => void, now: () => number = () => performance.now()): void {
  const started = now();
  try {
    const comparison = compareVersions(req.a, req.b, { onProgress: (progress) => post({ seq: req.seq, type: 'progress', progress }) });
    post({ seq: req.seq, type: 'done', comparison, durationMs: now() - started });
  } catch (err) {
    post({ seq: req.seq, type: 'error', error: serializeError(err) });
  }
}
