/**
 * Helpers for service tests: services on temp vaults, running the storage worker that test/global-setup.ts
 * builds once before any test file starts (out/node/storage-worker.mjs, rebuilt when older than the sources).
 * Error kinds are read with test/helpers/errors.ts, the one helper for them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageService, type ServiceOptions } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';
import { FAULT_WORKER } from '../helpers/worker-faults';

export { kindOf } from '../helpers/errors';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The worker bundle built by the global setup. */
export const WORKER_PATH = join(root, 'out', 'node', 'storage-worker.mjs');

/** The path of the storage worker bundle, as a getter (the form every service test file takes). */
export function useWorkerBundle(): () => string {
  return () => {
    if (!existsSync(WORKER_PATH)) throw new Error(`${WORKER_PATH} is missing: run the tests through vitest (its global setup builds it) or npm run build:node`);
    return WORKER_PATH;
  };
}

/**
 * The path of the fault worker (the storage worker that also takes test-only `__stall` / `__crash`, see
 * test/helpers/worker-faults.ts), as a getter: for the tests that stall or crash a worker from inside.
 */
export function useFaultWorker(): () => string {
  return () => {
    if (!existsSync(FAULT_WORKER)) throw new Error(`${FAULT_WORKER} is missing: run the tests through vitest (its global setup builds it)`);
    return FAULT_WORKER;
  };
}

/** A service on a fresh encrypted vault in a temp dir. */
export async function makeService(worker: () => string, opts: Partial<ServiceOptions> = {}) {
  const { dir, cleanup } = tempDir('docvault-svc-');
  const key = hexKey();
  const path = join(dir, 'svc.dvault');
  const service = await StorageService.create(path, { key: { rawKey: key }, workerPath: worker(), ...opts });
  return {
    service,
    path,
    key,
    dir,
    cleanup: async () => {
      await service.close();
      cleanup();
    },
  };
}

/** Re-exported for the service tests, which import it from here. */
export { waitFor } from '../helpers/wait';
