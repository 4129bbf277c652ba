/** Tests that run the bundled storage worker (the `service` bench driver, bench:scale's service step). */
import { resolveWorkerPath } from '../../src/main/storage/service';

/** Why the worker bundle cannot run (`npm test` builds it first with build:node), or undefined when it can: a skip reason. */
export function workerBundleMissing(): string | undefined {
  try {
    resolveWorkerPath();
    return undefined;
  } catch {
    return 'the storage worker bundle is not built (npm run build:node)';
  }
}
