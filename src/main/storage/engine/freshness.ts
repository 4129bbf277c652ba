/**
 * Whether another connection or process changed the vault since we last looked (`PRAGMA data_version`),
 * asked at most once per event-loop turn (and, if set, at most every N ms): the pragma costs ~2 µs,
 * more than a cache hit, so it is not asked on every read. The in-process outside-change detector of the
 * document cache (../cache.ts).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { OutsideChanges } from '../cache';

function now(): number {
  return performance.now();
}

/** Tracks the connection's `data_version`: it moves when another connection commits. */
export class ChangeDetector implements OutsideChanges {
  readonly #dataVersion: Database.Statement;
  readonly #everyMs: number;
  #seen: number;
  #lastCheck = now();
  /** Set at the first check of an event-loop turn; cleared by a microtask when the turn ends. */
  #turnChecked = false;
  readonly #endTurn = (): void => {
    this.#turnChecked = false;
  };

  constructor(dataVersion: Database.Statement, everyMs: number) {
    this.#dataVersion = dataVersion;
    this.#everyMs = everyMs;
    this.#seen = dataVersion.get() as number;
  }

  /** At the first look of a turn (throttled by `everyMs`): whether another connection committed; later looks in the turn say no. */
  changed(): boolean {
    if (this.#turnChecked) return false;
    this.#turnChecked = true;
    queueMicrotask(this.#endTurn);
    if (this.#everyMs > 0) {
      const t = now();
      if (t - this.#lastCheck < this.#everyMs) return false;
      this.#lastCheck = t;
    }
    return this.#sync();
  }

  /** Looks now: whether another connection committed since the last look. */
  changedNow(): boolean {
    this.#lastCheck = now();
    return this.#sync();
  }

  #sync(): boolean {
    const v = this.#dataVersion.get() as number;
    if (v === this.#seen) return false;
    this.#seen = v;
    return true;
  }
}
