/**
 * Secure deletion that holds while a vault is open. `secure_delete` zeroes the pages a purge frees, but
 * in WAL mode the zeroed pages are first appended to the `-wal` file, whose older frames still hold the
 * deleted text until the WAL is checkpointed and truncated — which a clean close does, and nothing else
 * did. So after an erasing write (purge, emptyTrash) the engine asks this scrubber for a
 * `wal_checkpoint(TRUNCATE)`: at once when none ran in the last `intervalMs`, else when that interval
 * ends (requests in between coalesce into one). A checkpoint that other connections hold up (a reader
 * still in an older snapshot) is retried every `intervalMs` until it gets through; it never waits on the
 * busy timeout, so it never holds up the writes that follow.
 */
import { statSync } from 'node:fs';
import type { WritableDB } from './db';

/** What one checkpoint attempt did. */
export interface ScrubResult {
  /** True when the WAL was folded into the main file and truncated to zero bytes. */
  readonly truncated: boolean;
}

/** Coalesced `wal_checkpoint(TRUNCATE)` after erasing writes; see the file comment. */
export class WalScrubber {
  readonly #db: WritableDB;
  readonly #intervalMs: number;
  readonly #clock: () => number;
  #lastRun = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending = false;
  #closed = false;
  #runs = 0;

  constructor(db: WritableDB, intervalMs: number, clock: () => number = () => performance.now()) {
    this.#db = db;
    this.#intervalMs = Math.max(0, intervalMs);
    this.#clock = clock;
  }

  /** True while an erasure is committed (or about to be) but the WAL not yet truncated after it. */
  get pending(): boolean {
    return this.#pending;
  }

  /** How many checkpoints truncated the WAL (for tests and stats). */
  get runs(): number {
    return this.#runs;
  }

  /**
   * Asks for a truncating checkpoint after an erasing write. Runs it now if allowed (outside any
   * transaction, none in the last interval), else schedules one.
   */
  request(): void {
    if (this.#closed) return;
    this.#pending = true;
    const wait = this.#lastRun + this.#intervalMs - this.#clock();
    if (wait <= 0 && !this.#db.inTransaction) {
      this.#attempt();
      return;
    }
    this.#schedule(Math.max(0, wait));
  }

  /** Runs a pending checkpoint now, if any (close does this; a checkpoint that is held up stays pending). */
  flush(): ScrubResult {
    if (!this.#pending || this.#db.inTransaction) return { truncated: !this.#pending };
    return this.#attempt();
  }

  /** Stops the timer; the caller's close checkpoints on its own. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed || !this.#pending) return;
      if (this.#db.inTransaction) this.#schedule(this.#intervalMs);
      else this.#attempt();
    }, ms);
    // A pending scrub must not keep a process alive; close() runs it anyway.
    this.#timer.unref();
  }

  #attempt(): ScrubResult {
    this.#lastRun = this.#clock();
    const before = this.#db.pragma('busy_timeout', { simple: true }) as number;
    let truncated: boolean;
    try {
      // Never wait on the busy timeout here: a reader in an old snapshot would hold up every write behind us.
      this.#db.pragma('busy_timeout = 0');
      const row = (this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[])[0];
      truncated = row !== undefined && row.busy === 0 && row.log <= 0;
    } catch {
      // SQLITE_BUSY/LOCKED: another connection is writing or checkpointing; try again after the interval.
      truncated = false;
    } finally {
      this.#db.pragma(`busy_timeout = ${before}`);
    }
    if (truncated) {
      this.#pending = false;
      this.#runs++;
    } else this.#schedule(this.#intervalMs);
    return { truncated };
  }
}

/** Size of the vault's `-wal` file (0 when there is none). */
export function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
