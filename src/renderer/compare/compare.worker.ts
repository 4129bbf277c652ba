/**
 * The comparison worker: computes version comparisons off the UI thread so that two 1 MB versions
 * do not freeze the window. Started by useComparison with
 * `new Worker(new URL('./compare.worker.ts', import.meta.url), { type: 'module' })`.
 */
import { runCompareRequest, type CompareReply, type CompareRequest } from './protocol';

/** The part of a dedicated worker's global scope used here (the renderer's tsconfig has the DOM lib, not WebWorker). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<CompareRequest>) => void) | null;
  postMessage(message: CompareReply): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (e) => runCompareRequest(e.data, (reply) => scope.postMessage(reply));
