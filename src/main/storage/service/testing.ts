/**
 * Test-only fault injection into a running StorageService's workers. Not part of the API: nothing under
 * src/ may import this module (eslint.config.js), and `src/main/storage/index.ts` does not export it.
 */
import type { StorageService } from './storage-service';
import { poolOwnedBy, type Role, type Slot, type WorkerPool } from './worker-pool';

/** Faults a test can cause in one service's workers. */
export interface WorkerFaults {
  /** Kills a worker now (`terminate`, the default) or when it next reads its port (`exit`). */
  crash(role: Role | 'long', index?: number, how?: 'terminate' | 'exit'): void;
  /** Blocks a worker's thread for `ms` (a slow query); resolves once it is blocking. */
  stall(role: Role, index: number, ms: number): Promise<void>;
  /** Calls the worker holds (sent, not yet answered), read without asking it (it may be stalled). */
  inFlight(role: Role, index?: number): number;
  /** Whether every worker has started and takes calls. */
  allReady(): boolean;
  /** Whether the writer has started and takes calls. */
  writerReady(): boolean;
  /** Threads started for long reads without a time budget (backup, SQLite's check) and not yet stopped. */
  longThreads(): number;
  /** Reads answered by the read-only connection opened in the calling thread while the writer started. */
  answeredWhileOpening(): number;
}

/** The fault injector of `service`. */
export function workerFaults(service: StorageService): WorkerFaults {
  const pool = poolOwnedBy(service) as WorkerPool<unknown> | undefined;
  if (pool === undefined) throw new Error('workerFaults: not a started StorageService');
  const slot = (role: Role | 'long', index = 0): Slot<unknown> => {
    const s = pool.slotOf(role, index);
    if (s === undefined) throw new Error(`workerFaults: no ${role} ${index}`);
    return s;
  };
  return {
    crash: (role, index = 0, how = 'terminate') => pool.crash(slot(role, index), how),
    stall: (role, index, ms) => pool.stall(slot(role, index), ms),
    inFlight: (role, index = 0) => slot(role, index).inFlight.size,
    allReady: () => pool.loads().every((w) => w.ready),
    writerReady: () => pool.writer.state === 'ready',
    longThreads: () => pool.longThreads(),
    answeredWhileOpening: () => pool.opening.completed,
  };
}
