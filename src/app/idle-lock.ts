/**
 * Auto-lock: locks the vault after a stretch with no activity from any window. Activity is any request
 * except the ones a window makes on its own (status, stats, settings reads), plus `app.activity`, which the
 * window sends while the user types or clicks — so a user editing without saving is not locked out mid-sentence.
 */

/** Options of {@link IdleLock}. */
export interface IdleLockOptions {
  /** Locks the vault. */
  readonly lock: () => Promise<unknown>;
  /** Idle minutes before locking; 0 = never. Read at every reset, so a settings change applies at once. */
  readonly minutes: () => number;
}

/** One timer, restarted by activity, armed only while the vault is unlocked. */
export class IdleLock {
  readonly #opts: IdleLockOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armed = false;

  constructor(opts: IdleLockOptions) {
    this.#opts = opts;
  }

  /** The vault opened (arm) or closed (disarm). */
  setUnlocked(unlocked: boolean): void {
    this.#armed = unlocked;
    this.touch();
  }

  /** Activity: restart the countdown. */
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const minutes = this.#opts.minutes();
    if (!this.#armed || !(minutes > 0)) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#opts.lock().catch(() => undefined);
    }, minutes * 60_000);
    this.#timer.unref?.();
  }

  /** Stops for good. */
  stop(): void {
    this.#armed = false;
    this.touch();
  }
}
