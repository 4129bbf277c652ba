/**
 * Fault injection into a running StorageService's workers, for tests only. Stalling or crashing a worker
 * from inside takes the fault worker (test/fixtures/fault-worker.ts, built into out/test/fault-worker.mjs):
 * start the service with `workerPath: FAULT_WORKER` (test/service/helpers.ts `useFaultWorker`). The
 * production worker refuses those messages like any message outside its protocol.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorageService } from '../../src/main/storage/service/storage-service';
import { poolOwnedBy, type Role, type Slot, type WorkerPool } from '../../src/main/storage/service/worker-pool';
import type { FromWorker } from '../../src/main/storage/worker/protocol';
import type { FaultMessage } from '../fixtures/fault-worker';

/** The fault worker bundle (test/global-setup.ts builds it with the other fixtures). */
export const FAULT_WORKER = join(fileURLToPath(new URL('../..', import.meta.url)), 'out', 'test', 'fault-worker.mjs');

/** Faults a test can cause in one service's workers, and what it can see of them without asking them. */
export interface WorkerFaults {
  /** Kills a worker now (`terminate`, the default) or, on the fault worker, when it next reads its port (`exit`). */
  crash(role: Role | 'long', index?: number, how?: 'terminate' | 'exit'): void;
  /** Fault worker only: blocks a worker's thread for `ms` (a slow query); resolves once it is blocking. */
  stall(role: Role, index: number, ms: number): Promise<void>;
  /**
   * Fault worker only: blocks the `index`th long-read thread from the moment it has started, before it runs
   * the long read it was started for: that read is then handed to it and held (in flight) until the returned
   * `release` is called (or `maxMs` passes: a net for a test that fails before it releases). Call it after
   * starting the long read, in the same turn: it waits for the thread to be started, and throws if the
   * thread had already taken its read. Resolves once the thread is blocking.
   */
  holdLong(index?: number, maxMs?: number): Promise<() => void>;
  /** Calls the worker holds (sent, not yet answered), read without asking it (it may be stalled). */
  inFlight(role: Role | 'long', index?: number): number;
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
  const thread = (role: Role | 'long', index = 0): Worker => {
    const worker = slot(role, index).worker;
    if (!(worker instanceof Worker)) throw new Error(`workerFaults: ${role} ${index} has no thread`);
    return worker;
  };
  const send = (worker: Worker, msg: FaultMessage): void => worker.postMessage(msg);
  return {
    crash: (role, index = 0, how = 'terminate') => {
      const worker = thread(role, index);
      if (how === 'terminate') void worker.terminate();
      else send(worker, { t: '__crash' });
    },
    stall: (role, index, ms) => stall(thread(role, index), ms, send),
    holdLong: async (index = 0, maxMs = 60_000) => {
      // The scheduler starts a long-read thread on its next turn (setImmediate), so look once per turn.
      const until = Date.now() + 30_000;
      while (pool.slotOf('long', index)?.worker === undefined) {
        if (Date.now() > until) throw new Error(`workerFaults.holdLong: no long-read thread ${index} started`);
        await new Promise((r) => setImmediate(r));
      }
      // Sent while the thread starts, the stall is in its port before the read (sent once it is ready).
      if (slot('long', index).state !== 'starting') throw new Error(`workerFaults.holdLong: long-read thread ${index} had already started; hold it in the turn its read is sent`);
      const release = new SharedArrayBuffer(4);
      await stall(thread('long', index), maxMs, send, release);
      return () => {
        const flag = new Int32Array(release);
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
      };
    },
    inFlight: (role, index = 0) => slot(role, index).inFlight.size,
    allReady: () => [pool.writer, ...pool.readers].every((s) => s.state === 'ready'),
    writerReady: () => pool.writer.state === 'ready',
    longThreads: () => pool.longThreads(),
    answeredWhileOpening: () => pool.opening.completed,
  };
}

/**
 * Sends `__stall` and waits (on the shared flag the fault worker raises just before it blocks, with
 * Atomics.waitAsync: no polling) until the thread is blocked. Rejects if the worker refuses the message
 * (it is the production worker) or exits first.
 */
function stall(worker: Worker, ms: number, send: (w: Worker, m: FaultMessage) => void, release?: SharedArrayBuffer): Promise<void> {
  const blocking = new SharedArrayBuffer(4);
  const raised = Atomics.waitAsync(new Int32Array(blocking), 0, 0);
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    const onMessage = (msg: FromWorker): void => {
      if (msg.t !== 'refused') return;
      done();
      reject(new Error(`workerFaults.stall: the worker refused it (${msg.error.message}); start the service with workerPath: FAULT_WORKER`));
    };
    const onExit = (): void => {
      done();
      reject(new Error('workerFaults.stall: the worker exited before it stalled'));
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    void (raised.async ? raised.value : Promise.resolve(raised.value)).then(() => {
      done();
      resolve();
    });
    send(worker, release === undefined ? { t: '__stall', ms, blocking } : { t: '__stall', ms, blocking, release });
  });
}
