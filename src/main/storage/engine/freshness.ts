/**
 * Whether another connection or process changed the vault since we last looked (`PRAGMA data_version`),
 * asked at most once per event-loop turn (and, if set, at most every N ms): the pragma costs ~2 µs,
 * more than a cache hit, so it is not asked on every read.
 */
import type Database from 'better-sqlite3-multiple-ciphers';

function now(): number {
  return performance.now();
}

/** Tracks the connection's `data_version`; calls `onChange` (drop the cache) when it moves. */
export class ChangeDetector {
  readonly #dataVersion: Database.Statement;
  readonly #everyMs: number;
  readonly #onChange: () => void;
  #seen: number;
  #lastCheck = now();
  /** Set at the first check of an event-loop turn; cleared by a microtask when the turn ends. */
  #turnChecked = false;
  readonly #endTurn = (): void => {
    this.#turnChecked = false;
  };

  constructor(dataVersion: Database.Statement, everyMs: number, onChange: () => void) {
    this.#dataVersion = dataVersion;
    this.#everyMs = everyMs;
    this.#onChange = onChange;
    this.#seen = dataVersion.get() as number;
  }

  /** At the first read of a turn (throttled by `everyMs`): looks, and drops what is stale. */
  checkThisTurn(): void {
    if (this.#turnChecked) return;
    this.#turnChecked = true;
    queueMicrotask(this.#endTurn);
    if (this.#everyMs > 0) {
      const t = now();
      if (t - this.#lastCheck < this.#everyMs) return;
      this.#lastCheck = t;
    }
    this.#sync();
  }

  /** Looks now. Returns whether another connection had committed. */
  checkNow(): boolean {
    this.#lastCheck = now();
    return this.#sync();
  }

  #sync(): boolean {
    const v = this.#dataVersion.get() as number;
    if (v === this.#seen) return false;
    this.#seen = v;
    this.#onChange();
    return true;
  }
}
