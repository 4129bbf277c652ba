/**
 * The service's worker threads: one writer and a pool of readers. Starts them (the writer first; readers in
 * the background once it is up, so the first answer does not wait for them), restarts one that dies,
 * picks the least-loaded reader, and carries control messages (stats, refresh) to the writer.
 * A long read without a time budget gets a thread of its own (./long-threads.ts), never a reader.
 * What the calls mean is the scheduler's business: the pool reports answers, crashes and restarts.
 */
import { Worker } from 'node:worker_threads';
import { DocvaultError, deserializeError } from '../../../shared/errors';
import type { Progress, VaultStats } from '../../../shared/types';
import { wipe } from '../keys';
import { logLine } from '../worker/log';
import type { FromWorker, ToWorker } from '../worker/protocol';
import { LongThreads } from './long-threads';
import { workerLoad } from './metrics';
import { OpeningReads, type WorkerPort } from './opening-reads';
import type { ServiceCounters, WorkerLoad } from './types';
import { openingOptions, workerInit, type PoolConfig } from './worker-init';

/** What a worker does. */
export type Role = 'reader' | 'writer';

/** One worker thread and the calls (`T`) it holds. */
export interface Slot<T> {
  readonly name: string;
  /**
   * `opening`: the read-only connection in the calling thread that answers reads while the writer starts.
   * `long`: a read-only thread started for long reads without a time budget, and stopped once idle.
   */
  readonly role: Role | 'opening' | 'long';
  worker: WorkerPort | undefined;
  state: 'starting' | 'ready' | 'closing' | 'stopped';
  /** Calls handed to it and not yet answered, by sequence number. */
  readonly inFlight: Map<number, T>;
  completed: number;
  busyMs: number;
  restarts: number;
  lastError: string | undefined;
  onExit: (() => void) | undefined;
}

/** A results message from a worker. */
export type ResultsMessage = Extract<FromWorker, { t: 'results' }>;

/** What the pool tells its owner. */
export interface PoolEvents<T> {
  /** A worker answered calls (and, from the writer, maybe committed a group). */
  readonly results: (slot: Slot<T>, msg: ResultsMessage) => void;
  /** Progress of a running `verify`. */
  readonly progress: (slot: Slot<T>, seq: number, progress: Progress) => void;
  /** A ready worker died; `held` are the calls it had (already removed from it). It is being restarted. */
  readonly crashed: (slot: Slot<T>, code: number, held: readonly T[]) => void;
  /** A worker started (first time or after a restart) and takes calls. */
  readonly ready: (slot: Slot<T>) => void;
  /** A worker could not be (re)started `maxRestarts` times in a row. */
  readonly gaveUp: (slot: Slot<T>, error: DocvaultError) => void;
  /** A long-read thread could not start; `others` long-read threads are still running or starting. */
  readonly longFailed: (error: DocvaultError, others: number) => void;
}

interface Control {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** Readers start this long after open at the latest (earlier once the writer has answered a call). */
const READERS_AFTER_MS = 100;

/** Each service's pool, by its owner: only the tests' fault injector (test/helpers/worker-faults.ts) looks here. */
const pools = new WeakMap<object, WorkerPool<unknown>>();

/** The pool started for `owner` (a StorageService): a read-only look for the tests' fault injector. */
export function poolOwnedBy(owner: object): WorkerPool<unknown> | undefined {
  return pools.get(owner);
}

/** The role of a slot that is a thread (the opening connection is none: it is never started or listed). A long-read thread is a reader. */
function threadRole(slot: Slot<unknown>): Role {
  if (slot.role === 'opening') throw new DocvaultError('Internal', 'the opening connection is not a worker thread');
  return slot.role === 'long' ? 'reader' : slot.role;
}

function newSlot<T>(name: string, role: Slot<T>['role']): Slot<T> {
  return { name, role, worker: undefined, state: 'stopped', inFlight: new Map(), completed: 0, busyMs: 0, restarts: 0, lastError: undefined, onExit: undefined };
}

/** The writer and the readers of one service. */
export class WorkerPool<T> {
  readonly writer: Slot<T>;
  readonly readers: readonly Slot<T>[];
  /** Answers reads in the calling thread until the writer is up (see ./opening-reads); then stopped. */
  readonly opening: Slot<T>;
  readonly #longs: LongThreads<T>;
  readonly #stopping = new Map<Slot<T>, Promise<void>>();
  readonly #config: PoolConfig;
  readonly #events: PoolEvents<T>;
  readonly #control = new Map<number, Control>();
  #controlSeq = 0;
  #closed = false;
  #readersStarted = false;
  #readerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Settles when the writer has started for the first time (or could not be): control requests wait on it. */
  #writerUp: Promise<void> = Promise.resolve();

  constructor(owner: object, config: PoolConfig, events: PoolEvents<T>) {
    pools.set(owner, this as WorkerPool<unknown>);
    this.#config = config;
    this.#events = events;
    this.writer = newSlot('writer', 'writer');
    this.readers = Array.from({ length: config.readers }, (_, i) => newSlot<T>(`reader-${i + 1}`, 'reader'));
    this.opening = newSlot('opening', 'opening');
    this.#longs = new LongThreads<T>({
      max: config.readers,
      newSlot: (name) => newSlot<T>(name, 'long'),
      spawn: (slot) => this.#spawn(slot, false),
      stop: (slot) => this.#stop(slot),
      closed: () => this.#closed,
      ready: (slot) => events.ready(slot),
      failed: (error, others) => events.longFailed(error, others),
    });
  }

  /**
   * Opening an existing vault that needs no migration: opens a read-only connection in this thread and
   * resolves at once; the writer starts in the background and the scheduler sends reads to that connection
   * until the writer is up (a thread takes far longer to start than a connection to open). Otherwise (a
   * new vault, one to migrate, a key only SQLCipher's own KDF opens, any failure): starts the writer, which
   * creates or opens and migrates the vault, and resolves once it is ready. Either way the readers start
   * later, in the background (see {@link #startReaders}); until one is ready the writer answers reads.
   */
  async start(create: boolean): Promise<void> {
    const opening = create ? undefined : this.#openHere();
    if (opening === undefined) {
      await this.#spawn(this.writer, create);
      this.#writerStarted();
      return;
    }
    this.opening.worker = opening;
    this.searchPendingAtOpen = opening.searchPending;
    this.opening.state = 'ready';
    this.writer.state = 'starting';
    this.#writerUp = this.#startOrGiveUp(this.writer);
  }

  /** Whether documents waited for the search queue's flush when the connection in this thread opened (undefined: none opened). */
  searchPendingAtOpen: boolean | undefined;

  /** The read-only connection in this thread, when the key opens it at once (a raw key or none). */
  #openHere(): OpeningReads | undefined {
    const c = this.#config;
    const k = c.key;
    if ('sqlcipherPassphrase' in k) return undefined;
    const key = 'rawKey' in k ? { rawKey: new Uint8Array(k.rawKey) } : { encryption: false as const };
    try {
      return OpeningReads.open(c.path, openingOptions(c, key), (msg) => this.#onMessage(this.opening, msg));
    } finally {
      if ('rawKey' in key) wipe(key.rawKey);
    }
  }

  /** The writer is up: the connection in this thread is no longer needed; the readers follow shortly. */
  #writerStarted(): void {
    const opening = this.opening;
    if (opening.worker !== undefined) {
      const port = opening.worker;
      opening.state = 'closing';
      void port.terminate().then(() => {
        opening.worker = undefined;
        opening.state = 'stopped';
      });
    }
    if (this.#readersStarted || this.#readerTimer !== undefined) return;
    this.#readerTimer = setTimeout(() => this.#startReaders(), READERS_AFTER_MS);
    this.#readerTimer.unref();
  }

  /**
   * Starts the readers once the writer has given its first answer (or {@link READERS_AFTER_MS} after open
   * if no call came): starting them at once would take the CPU from that first answer (~70 ms of a 2-core
   * machine's time per thread), which the caller is waiting for and the readers are not.
   */
  #startReaders(): void {
    if (this.#readersStarted || this.#closed) return;
    this.#readersStarted = true;
    if (this.#readerTimer !== undefined) clearTimeout(this.#readerTimer);
    for (const slot of this.readers) void this.#startOrGiveUp(slot);
  }

  /** The ready reader with the fewest calls in flight, if any. (Long reads never run on a reader: see {@link longThread}.) */
  leastLoadedReader(): Slot<T> | undefined {
    let best: Slot<T> | undefined;
    for (const s of this.readers) {
      if (s.state !== 'ready') continue;
      if (best === undefined || s.inFlight.size < best.inFlight.size) best = s;
    }
    return best;
  }

  /** A ready, idle long-read thread for one long read without a time budget, or undefined (see ./long-threads.ts). */
  longThread(): Slot<T> | undefined {
    return this.#longs.take();
  }

  /** Stops the long-read threads that hold no call (each is started for the long reads waiting, not kept). */
  retireIdleLongThreads(): void {
    this.#longs.retireIdle();
  }

  /** Long-read threads running, starting or stopping. */
  longThreads(): number {
    return this.#longs.size;
  }

  /** Long-read threads and the long reads they answered since open, stopped threads included. */
  longReads(): ServiceCounters['longReads'] {
    return this.#longs.totals();
  }

  /** Per-worker load: the writer, the readers, then the long-read threads that exist now. */
  loads(): WorkerLoad[] {
    return [this.writer, ...this.readers, ...this.#longs.all()].map(workerLoad);
  }

  /** Asks the writer for its engine stats. */
  writerStats(): Promise<VaultStats> {
    return this.#askWriter((seq) => ({ t: 'stats', seq })) as Promise<VaultStats>;
  }

  /** Asks the writer to look for commits by other processes now. */
  async refresh(): Promise<void> {
    await this.#askWriter((seq) => ({ t: 'refresh', seq }));
  }

  /** Asks the writer to bring the search index up to date with every commit (the search queue flushed). */
  async indexSearch(): Promise<void> {
    await this.#askWriter((seq) => ({ t: 'indexSearch', seq }));
  }

  /** Closes every worker (the writer checkpoints) and fails control requests still waiting with `error`. */
  async stop(error: DocvaultError): Promise<void> {
    this.#closed = true;
    if (this.#readerTimer !== undefined) clearTimeout(this.#readerTimer);
    // A writer still starting is let finish, so that it closes (and checkpoints) the vault last.
    if (this.writer.state === 'starting') await this.#writerUp;
    await this.opening.worker?.terminate();
    // Readers first: the last connection to close folds the WAL in and removes the -wal and -shm files, which
    // a read-only connection cannot do (a restore takes leftover ones for a vault still open).
    await Promise.all([...this.readers, ...this.#longs.all()].map((s) => this.#stop(s)));
    await this.#stop(this.writer);
    for (const c of this.#control.values()) c.reject(error);
    this.#control.clear();
  }

  /** The slot of `role` number `index`, if there is one (a read-only look for tests: test/helpers/worker-faults.ts). */
  slotOf(role: Role | 'long', index = 0): Slot<T> | undefined {
    return role === 'writer' ? this.writer : role === 'long' ? this.#longs.at(index) : this.readers[index];
  }

  async #askWriter(message: (seq: number) => ToWorker): Promise<unknown> {
    // Right after an open that answers reads in this thread, the writer may still be starting.
    await this.#writerUp;
    const writer = this.writer;
    if (writer.state !== 'ready' || writer.worker === undefined)
      return Promise.reject(new DocvaultError('WorkerCrashed', 'The storage writer is restarting; try again', { worker: writer.name }));
    const seq = ++this.#controlSeq;
    const worker = writer.worker;
    return new Promise((resolve, reject) => {
      this.#control.set(seq, { resolve, reject });
      worker.postMessage(message(seq));
    });
  }

  #spawn(slot: Slot<T>, create: boolean): Promise<void> {
    const c = this.#config;
    return new Promise<void>((resolve, reject) => {
      const { init, copy } = workerInit(c, slot.name, threadRole(slot), create);
      let worker: Worker;
      try {
        worker = new Worker(c.workerPath, { workerData: init, name: `docvault-${slot.name}` });
      } catch (err) {
        reject(new DocvaultError('Internal', `Could not start the storage ${slot.name}: ${(err as Error).message}`));
        return;
      } finally {
        // workerData was copied into the new thread; drop this copy of the key now.
        wipe(copy);
      }
      let settled = false;
      slot.worker = worker;
      slot.state = 'starting';
      slot.lastError = undefined;
      worker.on('message', (msg: FromWorker) => {
        if (slot.worker !== worker) return;
        if (slot.state === 'starting') {
          if (msg.t === 'ready') {
            slot.state = 'ready';
            settled = true;
            resolve();
            return;
          }
          if (msg.t === 'fatal') {
            slot.state = 'stopped';
            settled = true;
            reject(deserializeError(msg.error));
            return;
          }
        }
        this.#onMessage(slot, msg);
      });
      worker.on('error', (err) => {
        slot.lastError = err.message;
      });
      worker.on('exit', (code) => {
        if (slot.worker !== worker) return;
        slot.worker = undefined;
        const was = slot.state;
        slot.state = 'stopped';
        if (!settled) {
          settled = true;
          reject(new DocvaultError('WorkerCrashed', `The storage ${slot.name} stopped while starting (exit code ${code}${slot.lastError !== undefined ? `: ${slot.lastError}` : ''})`));
        } else if (was === 'ready') this.#onCrash(slot, code);
        const onExit = slot.onExit;
        slot.onExit = undefined;
        onExit?.();
      });
    });
  }

  #onMessage(slot: Slot<T>, msg: FromWorker): void {
    switch (msg.t) {
      case 'results':
        for (const r of msg.results) {
          slot.completed++;
          slot.busyMs += r.durationMs;
        }
        this.#events.results(slot, msg);
        if (slot.role === 'writer') this.#startReaders();
        break;
      case 'progress':
        this.#events.progress(slot, msg.seq, msg.progress);
        break;
      case 'stats':
      case 'refreshed':
      case 'indexed': {
        const c = this.#control.get(msg.seq);
        this.#control.delete(msg.seq);
        c?.resolve(msg.t === 'stats' ? msg.stats : msg.t === 'refreshed' ? msg.changed : undefined);
        break;
      }
      case 'refused':
        // Only a worker bundle out of step with this code refuses a message the pool sent: say so, go on.
        logLine('service', `${slot.name} refused a message: ${msg.error.message}`);
        break;
      case 'migrating':
        // The writer upgrading an older vault while it opens (the caller's handler must not throw into the pool).
        try {
          this.#config.options.onMigration?.(msg.progress);
        } catch (err) {
          logLine('service', `onMigration threw: ${(err as Error).message}`);
        }
        break;
      case 'ready':
      case 'fatal':
      case 'closed':
        break;
      default: {
        const never: never = msg;
        logLine('service', `unknown worker message ${String((never as { t?: unknown }).t)}`);
      }
    }
  }

  /** A worker died: hand over what it held, fail waiting control requests (writer), start a new one. */
  #onCrash(slot: Slot<T>, code: number): void {
    const why = slot.lastError !== undefined ? `: ${slot.lastError}` : '';
    logLine('service', `${slot.name} stopped unexpectedly (exit code ${code}${why})${slot.role === 'long' ? '' : '; restarting it'}`);
    const held = [...slot.inFlight.values()];
    slot.inFlight.clear();
    if (slot.role === 'long') {
      // Started for the reads it held, which fail with it: not restarted.
      this.#longs.forget(slot);
      this.#events.crashed(slot, code, held);
      return;
    }
    if (slot.role === 'writer') {
      for (const c of this.#control.values()) c.reject(new DocvaultError('WorkerCrashed', `The storage writer stopped (exit code ${code})`, { worker: slot.name }));
      this.#control.clear();
    }
    this.#events.crashed(slot, code, held);
    void this.#startOrGiveUp(slot, true);
  }

  /** Starts a worker, retrying up to `maxRestarts` times; then reports it as given up. */
  async #startOrGiveUp(slot: Slot<T>, restart = false): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // A writer still making its first start is let finish even when closing: stop() waits for it, so that
      // it closes (and checkpoints) the vault last.
      if (this.#closed && (restart || slot !== this.writer)) return;
      try {
        await this.#spawn(slot, false);
        if (slot === this.writer) this.#writerStarted();
        if (this.#closed) return;
        if (restart) slot.restarts++;
        this.#events.ready(slot);
        return;
      } catch (err) {
        if (this.#closed) return;
        if (attempt >= this.#config.maxRestarts) {
          const error = new DocvaultError('WorkerCrashed', `The storage ${slot.name} could not be ${restart ? 'restarted' : 'started'}: ${(err as Error).message}`, {
            worker: slot.name,
          });
          logLine('service', error.message);
          this.#events.gaveUp(slot, error);
          return;
        }
        await new Promise((r) => setTimeout(r, 25 * attempt));
      }
    }
  }

  /**
   * Closes a worker politely (the writer checkpoints), or terminates it if it is not ready or does not
   * answer. A second call while one is under way (a long-read thread retiring as the service closes) waits
   * for the first.
   */
  #stop(slot: Slot<T>): Promise<void> {
    let stopping = this.#stopping.get(slot);
    if (stopping === undefined) {
      stopping = this.#stopNow(slot).finally(() => this.#stopping.delete(slot));
      this.#stopping.set(slot, stopping);
    }
    return stopping;
  }

  async #stopNow(slot: Slot<T>): Promise<void> {
    const worker = slot.worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => {
      slot.onExit = resolve;
    });
    if (slot.state !== 'ready') {
      slot.state = 'closing';
      await worker.terminate();
      return;
    }
    slot.state = 'closing';
    worker.postMessage({ t: 'close' } satisfies ToWorker);
    const timer = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
