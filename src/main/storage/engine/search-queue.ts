/**
 * The search queue's flushes (schema step "search queue", ../search-queue-schema.ts): a write queues the
 * documents it changes (a new document waits after the search mark instead, with no queue row: schema step
 * "search mark", ../search-mark-schema.ts; an update's new version past the sequence mark: schema step
 * "updates wait past a sequence mark", ../search-seq-schema.ts), and the writer brings the search index up to date for many of
 * them in one transaction, which costs FTS5 one segment for the lot instead of one per commit.
 *
 * When the writer flushes:
 * - idle: {@link SearchUpkeep.step} flushes up to {@link FLUSH_STEP_DOCS} documents per step, one step per
 *   idle timer, before the index's merges and the WAL checkpoint (./checkpoint.ts);
 * - before a search or a verify on its connection ({@link SearchQueue.flushAll}), so they see every write;
 *   the service asks its writer for the same before a search or verify on a reader;
 * - after a commit that leaves {@link QUEUE_BOUND} documents or more queued (a writer that never idles, a
 *   synchronous import): down to {@link QUEUE_BOUND} − {@link FLUSH_STEP_DOCS}·4, in a transaction of its own;
 * - at close, all of it (the next session's searches would otherwise miss the documents).
 *
 * A flush is its own IMMEDIATE transaction, durable like any commit. One that fails (busy, a full disk, a
 * damaged page) leaves the queue as it was, and the index as exact as the queue says: it is tried again later.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { QUEUE_CHUNK_END_SQL, QUEUE_FLUSH_SQL, QUEUE_STRAY_TAGS_SQL } from '../search-queue-schema';
import { MARK_CHUNK_END_SQL, MARK_FLUSH_SQL, PENDING_BOUND_SQL } from '../search-mark-schema';
import { SEQ_FLUSHED_SQL, SEQ_QUEUE_SQL } from '../search-seq-schema';
import type { WritableDB } from './db';
import { CLOSE_WORK_MS, DEFAULT_IDLE_CHECKPOINT_MS, IdleCheckpointer, type IdleWork } from './checkpoint';
import { SearchMerger } from './search-merge';

/** Documents per idle step: ~15–40 ms at 1 KB documents, so a write that arrives waits for one step at most. */
export const FLUSH_STEP_DOCS = 256;

/**
 * Queued documents from which a commit's writer flushes at once (down to the bound less four steps). The
 * first search after a burst waits for at most this many documents' indexing (~0.5–1 s at 1 KB); a
 * bulk import of up to this many documents leaves all of its indexing to the idle time after it.
 */
export const QUEUE_BOUND = 4096;

interface QueueStatements {
  /** Queued documents and those after the search mark (the latter bounded in O(1): ../search-mark-schema.ts). */
  readonly count: Database.Statement;
  readonly chunkEnd: Database.Statement;
  readonly flush: readonly Database.Statement[];
  readonly strays: Database.Statement;
  readonly deleteStray: Database.Statement;
  readonly markEnd: Database.Statement;
  readonly markFlush: readonly Database.Statement[];
  readonly seqQueue: Database.Statement;
  readonly seqFlushed: readonly Database.Statement[];
}

/** The writer's flushes of the search queue; see the file comment. One per writer connection. */
export class SearchQueue {
  readonly #db: WritableDB;
  #sql: QueueStatements | undefined;
  /** Documents queued, as last counted (undefined: not counted since the last commit or flush). */
  #queued: number | undefined;

  constructor(db: WritableDB) {
    this.#db = db;
  }

  /** Documents queued now (one count of a small table; cached until the next commit). */
  get size(): number {
    return (this.#queued ??= this.#statements().count.get() as number);
  }

  /** Inside a commit's transaction, before it commits: counts the queue, and says whether the commit should be followed by a flush. */
  counted(): boolean {
    this.#queued = this.#statements().count.get() as number;
    return this.#queued >= QUEUE_BOUND;
  }

  /**
   * Flushes up to `docs` waiting documents in one IMMEDIATE transaction: first the documents updated since
   * the last flush become queue rows (../search-seq-schema.ts: every flush starts so, whatever it indexes
   * next), then queued ones (in document order), then, with what is left of `docs`, those after the search
   * mark (../search-mark-schema.ts). Returns whether more are waiting.
   */
  flush(docs: number): boolean {
    const { count, chunkEnd, flush, strays, deleteStray, markEnd, markFlush, seqQueue, seqFlushed } = this.#statements();
    this.#queued = undefined;
    let more = false;
    this.#db
      .transaction(() => {
        seqQueue.run();
        for (const st of seqFlushed) st.run();
        let left = docs;
        const last = chunkEnd.get(docs) as number | null;
        if (last !== null) {
          // A held tag row whose time was altered outside docvault is not at its key: found by a walk of its tag.
          for (const r of strays.all(last) as { tag: string; doc: number }[]) deleteStray.run(r.tag, r.doc);
          // The last statement removes the queue rows flushed: what it removes is taken from `docs`.
          flush.forEach((s, i) => {
            const { changes } = s.run(last);
            if (i === flush.length - 1) left -= changes;
          });
        }
        const end = left > 0 ? (markEnd.get(left) as number | null) : null;
        if (end !== null) for (const s of markFlush) s.run(end);
        more = count.get() !== 0;
      })
      .immediate();
    return more;
  }

  /** Flushes everything queued (before a search, a verify or a list that reads held rows; at close). Whether anything was. */
  flushAll(): boolean {
    // Counted afresh: another connection may have queued documents since this one's last commit.
    this.#queued = undefined;
    if (this.size === 0) return false;
    while (this.flush(FLUSH_STEP_DOCS * 16));
    this.#queued = 0;
    return true;
  }

  /** After a commit that left the queue at its bound: flushes it down below, leaving the rest for the idle time. */
  flushOver(): void {
    const over = this.size - QUEUE_BOUND + FLUSH_STEP_DOCS * 4;
    if (over > 0) this.flush(over);
  }

  #statements(): QueueStatements {
    const db = this.#db;
    return (this.#sql ??= {
      count: db.prepare(PENDING_BOUND_SQL).pluck(),
      chunkEnd: db.prepare(QUEUE_CHUNK_END_SQL).pluck(),
      flush: QUEUE_FLUSH_SQL.map((s) => db.prepare(s)),
      strays: db.prepare(QUEUE_STRAY_TAGS_SQL),
      deleteStray: db.prepare('DELETE FROM document_tags WHERE tag = ? AND doc = ?'),
      markEnd: db.prepare(MARK_CHUNK_END_SQL).pluck(),
      markFlush: MARK_FLUSH_SQL.map((s) => db.prepare(s)),
      seqQueue: db.prepare(SEQ_QUEUE_SQL),
      seqFlushed: SEQ_FLUSHED_SQL.map((st) => db.prepare(st)),
    });
  }
}

/**
 * The writer's idle work on the search index: the queue flushed first (a step per {@link FLUSH_STEP_DOCS}
 * documents), then the index's merges (./search-merge.ts), which the flushes' segments feed.
 */
export class SearchUpkeep implements IdleWork {
  readonly #queue: SearchQueue;
  readonly #merges: IdleWork;
  /** Whether the queue may hold documents (true at open: a last session or another process may have left some). */
  #queuePending = true;

  constructor(queue: SearchQueue, merges: IdleWork) {
    this.#queue = queue;
    this.#merges = merges;
  }

  get busyAfterMs(): number | undefined {
    return this.#merges.busyAfterMs;
  }

  get pending(): boolean {
    return this.#queuePending || this.#merges.pending;
  }

  touched(): void {
    this.#queuePending = true;
    this.#merges.touched();
  }

  step(): boolean {
    if (this.#queuePending) {
      if (this.#queue.size === 0) this.#queuePending = false;
      else {
        // A flush that throws keeps its work pending (retried by the caller's backoff).
        this.#queuePending = this.#queue.flush(FLUSH_STEP_DOCS);
        // Its segment is the merges' work.
        this.#merges.touched();
        return true;
      }
    }
    return this.#merges.step();
  }

  busy(): void {
    this.#merges.busy?.();
  }
}

/**
 * A writer connection's upkeep after its commits: the search queue (flushed past its bound, on request, at
 * close) and the idle work (the queue, the index's merges, the WAL checkpoint: ./checkpoint.ts). One per
 * writer; vault-core.ts calls it at the points named by its methods.
 */
export class WriterUpkeep {
  readonly #queue: SearchQueue;
  readonly #idle: IdleCheckpointer;
  readonly #closeWorkMs: number;
  /** Set before the outermost commit when it leaves the queue at its bound: flushed once it has committed. */
  #flushDue = false;

  constructor(db: WritableDB, opts: { readonly idleCheckpointMs?: number; readonly closeWorkMs?: number }) {
    this.#queue = new SearchQueue(db);
    this.#idle = new IdleCheckpointer(db, opts.idleCheckpointMs ?? DEFAULT_IDLE_CHECKPOINT_MS, undefined, new SearchUpkeep(this.#queue, new SearchMerger(db)));
    this.#closeWorkMs = Math.max(0, opts.closeWorkMs ?? CLOSE_WORK_MS);
  }

  /** A transaction of the connection ended (committed or not): the idle time starts again. O(1). */
  touched(): void {
    this.#idle.touched();
  }

  /** Inside the outermost transaction, before it commits: counts the queue (a count that fails is no reason to fail the write). */
  beforeCommit(): void {
    try {
      this.#flushDue = this.#queue.counted();
    } catch {
      this.#flushDue = false;
    }
  }

  /**
   * After the outermost commit: when it left the queue at its bound, a flush in a transaction of its own.
   * Its failure (busy, a full disk) is not the write's: the write is committed, and the queue waits for the
   * idle time.
   */
  afterCommit(): void {
    if (!this.#flushDue) return;
    this.#flushDue = false;
    try {
      this.#queue.flushOver();
    } catch {
      // Retried at idle, and before the next search.
    }
  }

  /** Every queued document indexed now; a failure leaves the index as of its last flush. See `VaultCore.flushSearch`. */
  flushSearch(): void {
    let flushed: boolean;
    try {
      flushed = this.#queue.flushAll();
    } catch {
      return;
    }
    // Its segments wait for the idle merges, and its frames for the checkpoint. Nothing queued, nothing
    // written: the idle time goes on (every list by update time asks, and must not hold the idle work off).
    if (flushed) this.#idle.touched();
  }

  /** At close, before the checkpoint: the queue indexed whole, then merges left for `closeWorkMs`; the timer stopped. */
  close(): void {
    this.flushSearch();
    this.#idle.drain(this.#closeWorkMs);
    this.#idle.close();
  }
}
