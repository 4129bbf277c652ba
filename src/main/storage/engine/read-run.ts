/**
 * The shared read run: from the second cold single read (`get`, `exists`) in a run of synchronous code on,
 * the run's reads share one read transaction instead of each taking its own. One behind each VaultCore
 * (./vault-core.ts), which calls it before those reads' SQL and ends it before anything else uses the
 * connection.
 */
import type { ReadableDB } from './db';

/** The read transaction cold single reads of one run of synchronous code share, on one connection. */
export class ReadRun {
  /** The connection, or undefined once the vault is closed (asked each time: the core owns its life). */
  readonly #db: () => ReadableDB | undefined;
  /** Cold single reads (`get`, `exists`) in this run of synchronous code (see {@link ReadRun.read}). */
  #reads = 0;
  /** True while the read transaction those reads share is open. */
  #tx = false;
  readonly #endRun = (): void => {
    this.#reads = 0;
    this.end();
  };

  constructor(db: () => ReadableDB | undefined) {
    this.#db = db;
  }

  /** True while the run's shared read transaction is open. */
  get open(): boolean {
    return this.#tx;
  }

  /**
   * Before a cold single read's SQL (`get`, `exists`), outside any transaction: the first in a run of
   * synchronous code reads on its own (one statement, its own implicit transaction); from the second on,
   * the run's reads share one read transaction, ended when the run's microtasks run, or before anything
   * else uses the connection (VaultCore.conn: every write, transaction, verify, list…). A statement's
   * own read transaction takes and drops SQLite's file locks (`fcntl`) and checks the WAL (`fstat`): ~8 µs
   * per statement on the bench machine, half a cold get's SQL (docs/bench.md). What it changes: another
   * connection's commit in the middle of such a run is seen from the next run (`refresh()` ends it at once);
   * this connection's own writes end it first, so they are always read back.
   */
  read(): void {
    if (this.#reads++ === 0) {
      queueMicrotask(this.#endRun);
      return;
    }
    if (this.#tx) return;
    const db = this.#db();
    if (db === undefined || db.inTransaction) return;
    db.exec('BEGIN DEFERRED');
    this.#tx = true;
  }

  /** Ends the read transaction cold reads share (a read-only one: nothing to commit). */
  end(): void {
    if (!this.#tx) return;
    this.#tx = false;
    const db = this.#db();
    try {
      if (db !== undefined && db.inTransaction) db.exec('ROLLBACK');
    } catch {
      // SQLite ends a transaction that failed this way itself; the next read begins a new one.
    }
  }
}
