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
 *
 * Other idle work (the search index's merges, ./search-merge.ts) runs first, one bounded step per timer,
 * and the checkpoint after it, so the checkpoint folds in the merges' pages too.
 */
import type { WritableDB } from './db';

/** Work done in bounded steps while the writer is idle, before the checkpoint. */
export interface IdleWork {
  /** Whether a step may find work. */
  readonly pending: boolean;
  /** A commit of the connection ended. */
  touched(): void;
  /** One bounded step; whether more may be left. May throw (busy, full disk): retried later. */
  step(): boolean;
  /** How long the writer may be busy, with no idle time, before {@link IdleWork.busy} is called. */
  readonly busyAfterMs?: number;
  /** Called (between transactions) once the writer has been busy for `busyAfterMs`. May throw: tried again later. */
  busy?(): void;
}

/**
 * Pages the WAL may hold before a commit checkpoints it (`PRAGMA wal_autocheckpoint`): at 4 KiB pages
 * a WAL of ~16 MiB at most, while idle checkpoints usually keep it far smaller.
 */
export const WAL_CHECKPOINT_PAGES = 4000;

/** Default of `VaultOptions.idleCheckpointMs`. */
export const DEFAULT_IDLE_CHECKPOINT_MS = 250;

/** How long a writer's close may spend on idle work left (the search index's merges) before its checkpoint. */
export const CLOSE_WORK_MS = 100;

/** Runs `wal_checkpoint(PASSIVE)` once the connection has been idle for a while; see the file comment. */
export class IdleCheckpointer {
  readonly #db: WritableDB;
  readonly #idleMs: number;
  readonly #clock: () => number;
  readonly #work: IdleWork | undefined;
  #lastUse = 0;
  /** When the writer became busy after its last idle time (undefined: idle work has run since). */
  #busySince: number | undefined;
  /** Wait before retrying a checkpoint that a reader's snapshot or a lock held back (doubles, to 30 s). */
  #retryMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #runs = 0;

  constructor(db: WritableDB, idleMs: number, clock: () => number = () => performance.now(), work?: IdleWork) {
    this.#db = db;
    this.#idleMs = Math.max(0, idleMs);
    this.#clock = clock;
    this.#work = work;
    // Work left from before this connection opened (a last session's unmerged segments) waits for the first idle time.
    if (work?.pending === true) this.touched();
  }

  /** How many idle checkpoints ran, complete or not (for tests). */
  get runs(): number {
    return this.#runs;
  }

  /** Called when a transaction of this connection ends: the idle time starts again. O(1), no syscall. */
  touched(): void {
    if (this.#closed) return;
    this.#lastUse = this.#clock();
    this.#busySince ??= this.#lastUse;
    this.#retryMs = 0;
    this.#work?.touched();
    if (this.#timer === undefined) this.#schedule(this.#idleMs);
  }

  /**
   * Runs idle work's steps now, until none is left or `budgetMs` has passed (close does this: a process that
   * opens, writes and closes within the idle time, as the CLI does, would otherwise never run them). Outside
   * a transaction only; a step that fails ends it quietly.
   */
  drain(budgetMs: number): void {
    const work = this.#work;
    if (work === undefined || this.#closed || this.#db.inTransaction) return;
    const end = this.#clock() + budgetMs;
    while (work.pending && this.#clock() < end) if (this.#noWait(() => work.step()) !== true) return;
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
      this.#whileBusy();
      this.#schedule(Math.max(1, this.#idleMs - Math.max(0, idleFor)));
      return;
    }
    this.#busySince = undefined;
    const work = this.#work;
    const more = work?.pending === true ? this.#noWait(() => work.step()) : false;
    // More to do: the next step once the event loop has turned (a caller's write in between restarts the
    // idle time, so it waits for one step at most).
    if (more === true) {
      this.#schedule(0);
      return;
    }
    const done = this.#noWait(() => {
      const row = (this.#db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[])[0];
      this.#runs++;
      return row !== undefined && row.busy === 0 && row.checkpointed >= row.log;
    });
    // Frames a reader's snapshot still needs (or a lock) held it back, or the step failed (busy, a damaged
    // page: the checkpoint still ran): try again, less and less often.
    if (done !== true || more === undefined) this.#retryLater();
  }

  /** Between transactions of a writer that has been busy for the work's `busyAfterMs`: its `busy()`, once per busy time. */
  #whileBusy(): void {
    const work = this.#work;
    if (work?.busy === undefined || this.#busySince === undefined || this.#db.inTransaction) return;
    if (this.#clock() - this.#busySince < (work.busyAfterMs ?? 0)) return;
    const ran = this.#noWait(() => {
      work.busy?.();
      return true;
    });
    // Done for this busy time; one that failed is tried at the next look.
    if (ran === true) this.#busySince = Number.POSITIVE_INFINITY;
  }

  #retryLater(): void {
    this.#retryMs = Math.min(30_000, Math.max(this.#idleMs, this.#retryMs * 2, 1));
    this.#schedule(this.#retryMs);
  }

  /**
   * Runs `fn` with the busy timeout at 0: another connection checkpointing or writing just means "later".
   * Returns undefined if it threw: busy, locked, a full disk or a damaged page, all retried (the commit
   * bound and close() checkpoint too, and verify reports damage). Idle work has no caller to report to.
   */
  #noWait(fn: () => boolean): boolean | undefined {
    const before = this.#db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.#db.pragma('busy_timeout = 0');
      return fn();
    } catch {
      return undefined;
    } finally {
      this.#db.pragma(`busy_timeout = ${before}`);
    }
  }
}
