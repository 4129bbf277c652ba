/**
 * The background sync's clock: while the vault is unlocked and attached, run one sync every `intervalMs`;
 * after a failure wait longer each time (the period doubled per failure in a row, capped), so an offline
 * laptop does not hammer the network; stop at once on lock. Never more than one run at a time, and a run
 * that ends after `stop()` schedules nothing. Pure timing: what a run does is the caller's.
 */
import { SYNC_BACKOFF_MAX_S, SYNC_INTERVAL_FLOOR_S } from '../../shared/team';

/** Options of {@link SyncScheduler}. */
export interface SyncSchedulerOptions {
  /** One sync; rejects when it fails. */
  readonly run: () => Promise<unknown>;
  /** The period in seconds, read at every scheduling (the setting may change); 0 = off. */
  readonly intervalSeconds: () => number;
  /** Called whenever the next run time changes (null: none scheduled). */
  readonly onSchedule?: (nextAt: number | null) => void;
  readonly now?: () => number;
}

/** The delay before the next run after `failures` failures in a row, ms; null when off. */
export function nextDelayMs(intervalSeconds: number, failures: number): number | null {
  if (!(intervalSeconds > 0)) return null;
  const base = Math.max(SYNC_INTERVAL_FLOOR_S, intervalSeconds);
  const backoff = failures === 0 ? base : Math.min(SYNC_BACKOFF_MAX_S, base * 2 ** Math.min(failures, 20));
  return Math.max(base, backoff) * 1000;
}

/** Runs a sync every period while started; see the file comment. */
export class SyncScheduler {
  readonly #opts: SyncSchedulerOptions;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #started = false;
  #failures = 0;
  #nextAt: number | null = null;
  /** Bumped by stop(): a run that began before it does not schedule the next. */
  #generation = 0;

  constructor(opts: SyncSchedulerOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** When the next run is due (ms since the epoch), or null. */
  get nextAt(): number | null {
    return this.#nextAt;
  }

  /** Failed runs in a row. */
  get failures(): number {
    return this.#failures;
  }

  /** Starts (or restarts) the clock; the first run is one period from now. */
  start(): void {
    this.#started = true;
    this.#failures = 0;
    this.#schedule();
  }

  /** Stops the clock; a run in flight finishes but schedules nothing. */
  stop(): void {
    this.#started = false;
    this.#generation += 1;
    this.#clear();
    this.#setNext(null);
  }

  /** The period changed: schedule again from now (not while a run is in flight: it schedules when it ends). */
  reschedule(): void {
    if (this.#started && !this.#running) this.#schedule();
  }

  /** A sync ran outside the clock (Sync now): count its outcome and start a fresh period. */
  ranOutside(ok: boolean): void {
    this.#failures = ok ? 0 : this.#failures + 1;
    this.reschedule();
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #setNext(at: number | null): void {
    this.#nextAt = at;
    this.#opts.onSchedule?.(at);
  }

  #schedule(): void {
    this.#clear();
    const delay = this.#started ? nextDelayMs(this.#opts.intervalSeconds(), this.#failures) : null;
    if (delay === null) {
      this.#setNext(null);
      return;
    }
    this.#timer = setTimeout(() => void this.#fire(), delay);
    this.#timer.unref?.();
    this.#setNext(this.#now() + delay);
  }

  async #fire(): Promise<void> {
    this.#timer = undefined;
    if (!this.#started || this.#running) return;
    const generation = this.#generation;
    this.#running = true;
    this.#setNext(null);
    try {
      await this.#opts.run();
      this.#failures = 0;
    } catch {
      // The error is the run's to report (it lands in the sync status); here it only lengthens the wait.
      this.#failures += 1;
    } finally {
      this.#running = false;
    }
    if (generation === this.#generation) this.#schedule();
  }
}
