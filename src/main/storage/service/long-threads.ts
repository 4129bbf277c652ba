/**
 * Threads for long reads without a time budget (a backup; SQLite's check in a whole verify: one native
 * call, seconds to minutes at scale). Each such read gets a read-only thread of its own, started for it
 * and stopped once no long read waits: a reader holding one would make every read sent to it wait that
 * long, and keeping reads off that reader works only while another reader is ready — not while the others
 * start or restart, nor with one reader. A thread and a connection (~100 ms of CPU, its own page cache)
 * are cheap beside such a read. The pool (./worker-pool.ts) starts and stops the threads; this file keeps
 * the set and its rules.
 */
import { DocvaultError } from '../../../shared/errors';
import { logLine } from '../worker/log';
import type { ServiceCounters } from './types';
import type { Slot } from './worker-pool';

/** What the set needs from the pool. */
export interface LongThreadHost<T> {
  /** At most this many threads at once (the number of readers). */
  readonly max: number;
  readonly newSlot: (name: string) => Slot<T>;
  /** Starts a slot's thread; resolves once it is ready. */
  readonly spawn: (slot: Slot<T>) => Promise<void>;
  readonly stop: (slot: Slot<T>) => Promise<void>;
  readonly closed: () => boolean;
  /** A thread is ready for a long read. */
  readonly ready: (slot: Slot<T>) => void;
  /** A thread could not start; `others` are still running or starting. */
  readonly failed: (error: DocvaultError, others: number) => void;
}

/** The long-read threads of one pool. */
export class LongThreads<T> {
  readonly #host: LongThreadHost<T>;
  /** Running, starting or stopping. */
  readonly #slots: Slot<T>[] = [];
  #started = 0;
  /** What the threads that stopped had done (they leave the list; their work still counts). */
  #retired = { completed: 0, busyMs: 0 };

  constructor(host: LongThreadHost<T>) {
    this.#host = host;
  }

  /** Threads running, starting or stopping. */
  get size(): number {
    return this.#slots.length;
  }

  /** The `index`th of them, in start order. */
  at(index: number): Slot<T> | undefined {
    return this.#slots[index];
  }

  /** Threads started since open and the long reads they answered, stopped threads included. */
  totals(): ServiceCounters['longReads'] {
    let { completed, busyMs } = this.#retired;
    for (const s of this.#slots) {
      completed += s.completed;
      busyMs += s.busyMs;
    }
    return { threads: this.#started, completed, busyMs: Math.round(busyMs * 100) / 100 };
  }

  /** Every one of them (to stop them all). */
  all(): Slot<T>[] {
    return [...this.#slots];
  }

  /**
   * A ready, idle thread for one long read, or undefined: then one is being started (the host is told
   * `ready` or `failed`), or `max` of them are busy.
   */
  take(): Slot<T> | undefined {
    const host = this.#host;
    const idle = this.#slots.find((s) => s.state === 'ready' && s.inFlight.size === 0);
    if (idle !== undefined || host.closed()) return idle;
    if (this.#slots.length >= host.max || this.#slots.some((s) => s.state === 'starting')) return undefined;
    const slot = host.newSlot(`long-${++this.#started}`);
    this.#slots.push(slot);
    host.spawn(slot).then(
      () => {
        if (host.closed()) void host.stop(slot).then(() => this.forget(slot));
        else host.ready(slot);
      },
      (err: unknown) => {
        this.forget(slot);
        // Stopped while starting because the service closes: nothing waits for it.
        if (host.closed()) return;
        const cause = err instanceof DocvaultError ? err : new DocvaultError('WorkerCrashed', (err as Error).message);
        logLine('service', `a thread for a long read could not start: ${cause.message}`);
        host.failed(new DocvaultError(cause.kind, `Could not start a thread for this long read: ${cause.message}`, { ...cause.details, worker: slot.name }), this.#slots.length);
      },
    );
    return undefined;
  }

  /** Stops the threads that hold no call. */
  retireIdle(): void {
    for (const slot of this.#slots) if (slot.state === 'ready' && slot.inFlight.size === 0) void this.#host.stop(slot).then(() => this.forget(slot));
  }

  /** Drops a thread that stopped or died (a long-read thread is never restarted: the reads it held fail with it). */
  forget(slot: Slot<T>): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    this.#slots.splice(i, 1);
    this.#retired = { completed: this.#retired.completed + slot.completed, busyMs: this.#retired.busyMs + slot.busyMs };
  }
}
