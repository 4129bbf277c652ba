/**
 * WAL checkpoints off the commit path. SQLite's default checkpoints the WAL from inside the commit that
 * takes it past 1,000 pages. A docvault save writes ~23 pages (the row, its indexes, tag rows, the
 * search index, the audit log), so every ~40th save also copied ~1,000 frames into the main file and
 * fsynced it, while raw SQLCipher's one-page saves did so every ~330th. Two changes, neither touching
 * what a commit promises (each commit is still fsynced in the WAL before it returns; a crash at any
 * point recovers from the WAL as before):
 *
 * - the bound is raised to {@link WAL_CHECKPOINT_PAGES}: a page written again and again (the counters,
 *   the search index's structure record, index interior pages) is copied once per checkpoint, not once
 *   per 1,000 frames (measured: main-file writes per save 5.5 → 3.1, per update 11.7 → 9.5);
 * - when the vault has been idle for `idleMs` after a transaction, an {@link IdleCheckpointer} runs a
 *   PASSIVE checkpoint, so the WAL is folded in while nothing waits, and a burst starts from an empty
 *   WAL instead of paying the bound's checkpoint inside one of its commits.
 *
 * A PASSIVE checkpoint never waits for readers or writers: pages a reader's snapshot still needs stay in
 * the WAL until a later checkpoint. `close()` still checkpoints and truncates the WAL.
 */
import type { WritableDB } from './db';

/**
 * Pages the WAL may hold before a commit checkpoints it (`PRAGMA wal_autocheckpoint`): at 4 KiB pages
 * a WAL of ~16 MiB at most, while idle checkpoints usually keep it far smaller.
 */
export const WAL_CHECKPOINT_PAGES = 4000;

/** Default of `VaultOptions.idleCheckpointMs`. */
export const DEFAULT_IDLE_CHECKPOINT_MS = 250;

/** Runs `wal_checkpoint(PASSIVE)` once the connection has been idle for a while; see the file comment. */
export class IdleCheckpointer {
  readonly #db: WritableDB;
  readonly #idleMs: number;
  readonly #clock: () => number;
  #lastUse = 0;
  /** Wait before retrying a checkpoint that a reader's snapshot or a lock held back (doubles, to 30 s). */
  #retryMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #runs = 0;

  constructor(db: WritableDB, idleMs: number, clock: () => number = () => performance.now()) {
    this.#db = db;
    this.#idleMs = Math.max(0, idleMs);
    this.#clock = clock;
  }

  /** How many idle checkpoints ran, complete or not (for tests). */
  get runs(): number {
    return this.#runs;
  }

  /** Called when a transaction of this connection ends: the idle time starts again. O(1), no syscall. */
  touched(): void {
    if (this.#closed) return;
    this.#lastUse = this.#clock();
    this.#retryMs = 0;
    if (this.#timer === undefined) this.#schedule(this.#idleMs);
  }

  /** Stops the timer; close() checkpoints on its own. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), ms);
    // An idle checkpoint must not keep a process alive.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    const idleFor = this.#clock() - this.#lastUse;
    // Still busy (a transaction open, or one ended less than idleMs ago): look again when it may be idle.
    if (this.#db.inTransaction || idleFor < this.#idleMs) {
      this.#schedule(Math.max(1, this.#idleMs - Math.max(0, idleFor)));
      return;
    }
    const before = this.#db.pragma('busy_timeout', { simple: true }) as number;
    let done = false;
    try {
      // Never wait on the busy timeout: another connection checkpointing or writing just means "later".
      this.#db.pragma('busy_timeout = 0');
      const row = (this.#db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[])[0];
      this.#runs++;
      done = row !== undefined && row.busy === 0 && row.checkpointed >= row.log;
    } catch {
      // Busy, locked, a full disk or a damaged page: retried below; the commit bound and close() checkpoint
      // too, and verify reports damage. An idle checkpoint has no caller to report to.
    } finally {
      this.#db.pragma(`busy_timeout = ${before}`);
    }
    // Frames a reader's snapshot still needs (or a lock) held it back: try again, less and less often.
    if (!done) {
      this.#retryMs = Math.min(30_000, Math.max(this.#idleMs, this.#retryMs * 2, 1));
      this.#schedule(this.#retryMs);
    }
  }
}
