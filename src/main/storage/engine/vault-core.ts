/**
 * What every Vault operation stands on: the connection and its life, the read and write contexts, the
 * cache and its freshness, per-operation timing, and the guards each method runs inside (`op`, `tx`,
 * `transaction`, `afterWrite`, `audit`). The Vault class (../vault.ts) is the public face; the other
 * `vault-*.ts` files hold the bodies of its methods and take this core.
 */

import { DocvaultError } from '../../../shared/errors';
import { LIMITS, type Document, type MemoryMode, type VaultStats } from '../../../shared/types';
import { ATTACHMENT_LIMITS } from '../../../shared/attachments';
import { AUDIT_MAX_ENTRIES, AUDIT_MERGE_MS } from '../../../shared/audit';
import { AttachmentStore, DEFAULT_UPLOAD_IDLE_MS } from './attachments';
import { DocumentCache } from '../cache';
import { StatementCache, mapSqliteError, type ReadableDB } from './db';
import type { Opened } from './open';
import { ChangeDetector } from './freshness';
import { prepareReads, prepareWrites, type ReadContext, type WriteContext } from './statements';
import { vaultStats } from './stats';
import { WalScrubber, walBytes } from './wal-scrub';
import { VaultFileGuard } from './vault-file';
import { appendAudit, type AuditAppend, type AuditLimits } from './audit';
import { deriveAuditKey, wipe, type ResolvedKey } from '../keys';
import { tuningFor, type MemoryTuning } from '../memory-modes';
import { OpRecorder } from '../op-stats';
import { DEFAULT_WAL_SCRUB_MS, searchRankWindowOf, type VaultOptions } from './options';
import { WriterUpkeep } from './search-queue';
import { PendingTotals } from './totals';
import { PendingAudit } from './audit-pending';
import { flushPending, markPending, restorePending } from './pending';
import { ReadRun } from './read-run';

/** Microsecond-capable clock for operation timing. */
export function now(): number {
  return performance.now();
}

/**
 * A write inside {@link VaultCore.group} failed after changing rows: the group's transaction holds part of
 * it, so the group must roll back and its writes be retried one by one. `cause` is the write's own error.
 */
export class GroupSpoiled extends DocvaultError {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('Internal', `A write of a group commit failed after changing rows (${why}); the group must be retried write by write`, undefined, { cause });
  }
}

/** An open vault's connection, contexts, cache and guards: one behind each Vault (see ../vault.ts). */
export class VaultCore {
  readonly path: string;
  readonly encrypted: boolean;
  readonly memoryMode: MemoryMode;
  readonly tuning: MemoryTuning;
  readonly maxContentBytes: number;
  readonly readonly: boolean;
  /** `search` ranks at most this many matches together (VaultOptions.searchRankWindow, checked before opening). */
  readonly rankWindow: number;

  #db: ReadableDB | undefined;
  readonly #macKey: Buffer;
  /** The audit log's tag key (derived from the tag key), wiped on close. */
  readonly auditKey: Buffer;
  /** The audit log's cap and merge time (VaultOptions `auditMaxEntries`, `auditMergeMs`). */
  readonly #auditLimits: AuditLimits;
  readonly read: ReadContext;
  /** Undefined on a read-only connection: the only place "can this write?" is decided. */
  readonly write: WriteContext | undefined;
  /** The document cache, told of other connections' commits by the connection's `data_version` (./freshness.ts). */
  readonly cache: DocumentCache;
  readonly #ops = new OpRecorder();
  readonly #openedAt: number;
  /** Cache hits of `get` and `exists`: counted (by vault-reads.ts), not timed — timing would cost more than the hit. */
  cachedGets = 0;
  cachedExists = 0;
  /** Depth of transactions this object opened (see `counted`). */
  #txDepth = 0;
  /** True while {@link VaultCore.group} runs: a write directly inside it takes no savepoint of its own. */
  #grouped = false;
  /** The read transaction cold single reads of a run of synchronous code share (see {@link VaultCore.readInRun}). */
  readonly #run = new ReadRun(() => this.#db);
  /** What the connection was keyed with (a copy, wiped on close): a backup is opened and verified with it. */
  readonly key: ResolvedKey;
  readonly nativeBinding: string | undefined;
  /** Truncates the WAL after erasing writes (writers only). */
  readonly scrub: WalScrubber | undefined;
  /**
   * Writers only: the search queue (indexed past its bound, before searches and verifies, at close) and the
   * idle work (the queue, the index's merges, the WAL checkpoint): ./search-queue.ts, ./checkpoint.ts.
   */
  readonly #upkeep: WriterUpkeep | undefined;
  /** The file opened, checked before each commit (undefined on a read-only connection, which never commits). */
  readonly #file: VaultFileGuard | undefined;
  /** Uploads, reads and checks of attachments (engine/attachments.ts). */
  readonly attachments: AttachmentStore;

  /** A core over `opened`; a damaged page met while preparing (the schema, the search index's config) closes the connection, wipes the keys, throws typed. */
  static over(path: string, opened: Opened, opts: VaultOptions): VaultCore {
    try {
      return new VaultCore(path, opened, opts);
    } catch (err) {
      try {
        opened.db.close();
      } catch {
        // Dropped either way.
      }
      wipe(opened.macKey);
      if ('rawKey' in opened.key) wipe(opened.key.rawKey);
      throw mapSqliteError(err, 'Opening the vault');
    }
  }

  private constructor(path: string, opened: Opened, opts: VaultOptions) {
    this.path = path;
    this.#db = opened.db;
    this.#macKey = opened.macKey;
    this.auditKey = deriveAuditKey(opened.macKey);
    this.#auditLimits = { maxEntries: opts.auditMaxEntries ?? AUDIT_MAX_ENTRIES, mergeMs: opts.auditMergeMs ?? AUDIT_MERGE_MS };
    this.key = opened.key;
    this.nativeBinding = opts.nativeBinding;
    this.encrypted = opened.encrypted;
    this.memoryMode = opts.memoryMode ?? 'standard';
    this.tuning = tuningFor(this.memoryMode, opts.tuning);
    this.maxContentBytes = opts.maxContentBytes ?? LIMITS.defaultMaxContentBytes;
    this.readonly = opened.mode === 'read';
    this.rankWindow = searchRankWindowOf(opts);
    const sql = new StatementCache(opened.db);
    this.read = { db: opened.db, r: prepareReads(opened.db), sql, macKey: this.#macKey };
    this.cache = new DocumentCache({
      maxEntries: this.tuning.cacheEntries,
      maxBytes: this.tuning.cacheBytes,
      existsEntries: this.tuning.existsEntries,
      outside: new ChangeDetector(this.read.r.dataVersion, opts.externalCheckMs ?? 0),
    });
    this.write =
      opened.mode === 'write'
        ? { ...this.read, db: opened.db, w: prepareWrites(opened.db), clock: opts.now ?? Date.now, maxContentBytes: this.maxContentBytes, totals: new PendingTotals(), audits: new PendingAudit(), inTx: opened.db.transaction((body: () => unknown) => body()) }
        : undefined;
    this.scrub = this.write === undefined ? undefined : new WalScrubber(this.write.db, opts.walScrubMs ?? DEFAULT_WAL_SCRUB_MS);
    this.#upkeep = this.write === undefined ? undefined : new WriterUpkeep(this.write.db, opts);
    // A crash between an erasure and its checkpoint leaves the erased text in the -wal: fold it in now.
    if (this.scrub !== undefined && walBytes(path) > 0) this.scrub.request();
    this.#file = opened.mode === 'write' ? new VaultFileGuard(path) : undefined;
    this.attachments = new AttachmentStore({
      maxBytes: opts.maxAttachmentBytes ?? ATTACHMENT_LIMITS.maxBytes,
      uploadIdleMs: opts.uploadIdleMs ?? DEFAULT_UPLOAD_IDLE_MS,
    });
    // Uploads a crashed process left behind are dropped once idle past the time-out (a cheap look first:
    // no write lock is taken when there are none).
    if (this.write !== undefined) {
      const w = this.write;
      try {
        if (w.sql.get('SELECT 1 FROM attachment_uploads LIMIT 1', true).get() !== undefined) w.db.transaction(() => this.attachments.expire(w)).immediate();
      } catch {
        // Best effort: another writer holds the lock, the disk is full, or a page there is damaged (found by
        // the tamper suite) — none of it may keep the rest of the vault from opening. The next begin drops
        // them; verify reports damage.
      }
    }
    this.#openedAt = (opts.now ?? Date.now)();
  }

  // ---------------------------------------------------------------- plumbing

  /** The connection; `Closed` after {@link VaultCore.close}. Ends the read transaction cold reads share, if open. */
  conn(): ReadableDB {
    const db = this.#db;
    if (db === undefined) throw new DocvaultError('Closed', 'The vault is closed');
    if (this.#run.open) this.#run.end();
    return db;
  }

  /** `Closed` after {@link VaultCore.close}; keeps the read transaction cold reads share (their own hit path). */
  live(): void {
    if (this.#db === undefined) throw new DocvaultError('Closed', 'The vault is closed');
  }

  /** Before a cold single read's SQL (`get`, `exists`), outside any transaction: see {@link ReadRun.read} (./read-run.ts). */
  readInRun(): void {
    this.#run.read();
  }

  /** Ends the read transaction cold reads share (a read-only one: nothing to commit). */
  endSharedRead(): void {
    this.#run.end();
  }

  /** The write context; `Closed` after close, `Invalid` on a read-only connection. */
  writer(): WriteContext {
    this.conn();
    if (this.write === undefined) throw new DocvaultError('Invalid', 'This vault connection is read-only');
    return this.write;
  }

  /** How many transactions this object has open (0 outside any): reads inside one bypass the cache. */
  get txDepth(): number {
    return this.#txDepth;
  }

  /**
   * Runs `fn` as a timed operation, mapping stray SQLite errors to typed ones (naming `id`, if the call is about
   * one). `sharedRead`: a cold single read, which may share the run's read transaction ({@link VaultCore.readInRun}).
   */
  op<T>(name: string, fn: () => T, id?: string, sharedRead = false): T {
    if (sharedRead) this.live();
    else this.conn();
    const t0 = now();
    try {
      const r = fn();
      this.#ops.record(name, (now() - t0) * 1000);
      return r;
    } catch (err) {
      this.#ops.record(name, (now() - t0) * 1000, true);
      // A damaged page fails the rest of the transaction it was read in: the run's next reads start a new one.
      if (sharedRead) this.endSharedRead();
      throw mapSqliteError(err, name, typeof id === 'string' ? id : undefined);
    }
  }

  /**
   * Runs a write in its own transaction (or a savepoint inside the caller's; directly inside a
   * {@link VaultCore.group}, in the group's transaction itself unless `savepoint` is set: bulk calls set
   * it, so a failed item rolls back only their part).
   */
  tx<T>(fn: (w: WriteContext) => T, savepoint = false): T {
    const w = this.writer();
    if (this.#grouped && this.#txDepth === 1 && !savepoint) return this.#inGroup(w, fn);
    const outermost = this.#txDepth === 0;
    const r = w.inTx.immediate(this.counted(this.#guarded(() => fn(w)))) as T;
    // The search queue past its bound is indexed in a commit of its own (./search-queue.ts).
    if (outermost) this.#upkeep?.afterCommit();
    return r;
  }

  /**
   * Brings the search index up to date with every committed write (the queue flushed), before a search or a
   * whole verify on this connection, on a writer. Inside a transaction it is part of it (a search sees the
   * transaction's own writes, and a rollback puts the queue back with them). One that fails (another process
   * holds the write lock past the busy timeout, a full disk) leaves the index as of its last flush, still
   * exact for what it holds: the caller reads it as it is. `Closed` after close.
   */
  flushSearch(): void {
    if (this.#upkeep === undefined) return;
    // `Closed` after close; ends the read transaction cold reads share (the flush writes).
    this.conn();
    this.#upkeep.flushSearch();
  }

  /**
   * The service writer's group commit: `fn` runs its writes in one transaction, committed once. A
   * savepoint per write cost more than its two statements: FTS5 writes its pending index data to a new
   * segment at every savepoint and release (measured, 64 creates per group, 10k realistic documents:
   * CPU per write −13 % without them). So a write directly inside the group runs without one, and:
   * - one that fails having changed nothing (every check of create, update, put, delete… comes before its
   *   first write statement: AlreadyExists, Conflict, NotFound, Invalid, Integrity) fails alone, its
   *   pending totals put back; `total_changes()` tells, as it counts every completed statement's rows,
   *   triggers included (a statement that fails part-way is undone by SQLite itself);
   * - one that fails after changing rows cannot be taken out of the transaction alone: it throws
   *   {@link GroupSpoiled} (kind `Internal`), which the caller must let abort the group, then retry each
   *   write in a transaction of its own (worker/serve.ts does).
   * Nested `transaction()` calls (the service's `batch`) and bulk calls keep their savepoints.
   */
  group<T>(fn: () => T): T {
    if (this.#txDepth > 0) throw new DocvaultError('Invalid', 'group(): not possible inside a transaction');
    this.#grouped = true;
    try {
      return this.transaction(fn);
    } finally {
      this.#grouped = false;
    }
  }

  /** A write directly inside a group, without a savepoint: see {@link VaultCore.group}. */
  #inGroup<T>(w: WriteContext, fn: (w: WriteContext) => T): T {
    const mark = markPending(w);
    // FTS5 writes the previous write's pending index data at the first statement of this one that opens a
    // statement journal, and those rows count in total_changes(): written here first, they cannot be
    // mistaken for this write's.
    w.w.flushSearchIndex.run();
    const before = w.w.totalChanges.get() as number;
    this.#txDepth++;
    try {
      return fn(w);
    } catch (err) {
      restorePending(w, mark);
      if ((w.w.totalChanges.get() as number) !== before) throw new GroupSpoiled(err);
      throw err;
    } finally {
      this.#txDepth--;
    }
  }

  /**
   * The read context, with the totals pending in the current transaction written first: a count, list
   * total or stats read inside a transaction sees its own writes. Outside one nothing is pending.
   */
  settled(): ReadContext {
    const w = this.write;
    if (w !== undefined && this.#txDepth > 0) flushPending(w, this.auditKey, this.#auditLimits);
    return this.read;
  }

  /**
   * Wraps a transaction body (run inside `counted`). The outermost one, before it commits, writes the
   * totals and vault state its writes changed, once (engine/totals.ts: a group of 64 writes pays one
   * totals statement and one state tag, not 64), and checks that the path still names the file opened:
   * SQLite would commit into a deleted or replaced file without an error, and the write would be lost at
   * close. Throwing here rolls the transaction back; one `stat` per commit. A nested one (a savepoint)
   * marks the pending totals and, if it rolls back, puts them back to the mark.
   */
  #guarded<T>(fn: () => T): () => T {
    return () => {
      const w = this.write;
      const outermost = this.#txDepth === 1;
      const mark = outermost || w === undefined ? undefined : markPending(w);
      let r: T;
      try {
        r = fn();
        if (outermost && w !== undefined) {
          flushPending(w, this.auditKey, this.#auditLimits);
          this.#upkeep?.beforeCommit();
        }
      } catch (err) {
        if (w !== undefined && mark !== undefined) restorePending(w, mark);
        else {
          w?.totals.clear();
          w?.audits.clear();
        }
        throw err;
      }
      if (outermost) this.#file?.check();
      return r;
    };
  }

  /**
   * Wraps a transaction body so `txDepth` says whether we are inside one. Cheaper than asking SQLite
   * (`db.inTransaction` is a native call), which matters on the cache-hit path.
   */
  counted<T>(fn: () => T): () => T {
    return () => {
      this.#txDepth++;
      try {
        return fn();
      } finally {
        if (--this.#txDepth === 0) this.#upkeep?.touched();
      }
    };
  }

  /** After a write to `id`: cache the new state, or forget it while a transaction may still roll back. */
  afterWrite(id: string, doc: Document | null): void {
    if (this.#txDepth > 0) {
      this.cache.invalidate(id);
      return;
    }
    if (doc === null) {
      this.cache.invalidate(id);
      this.cache.setExists(id, false);
    } else this.cache.set(doc);
  }

  /** A single-document write: its own transaction, then the cache. */
  writeDoc(name: string, fn: (w: WriteContext) => Document): Document {
    return this.op(name, () => {
      const doc = this.tx(fn);
      this.afterWrite(doc.id, doc);
      return doc;
    });
  }

  /**
   * Records an audit entry in the current write transaction: it commits or rolls back with the write.
   * Appended when the outermost transaction ends, merged with the entry before it when both count the same
   * event and outcome (audit-pending.ts); outside any transaction, at once.
   */
  audit(w: WriteContext, e: AuditAppend): void {
    if (this.#txDepth > 0) w.audits.add(e, w.clock());
    else appendAudit(w.db, this.auditKey, e, w.clock(), this.#auditLimits);
  }

  /** `Vault.transaction`: runs `fn` in a transaction; nested calls become savepoints. */
  transaction<T>(fn: () => T): T {
    const w = this.writer();
    const body = this.counted(
      this.#guarded(() => {
        const r = fn();
        if (r instanceof Promise) throw new DocvaultError('Invalid', 'transaction(): the function must be synchronous');
        return r;
      }),
    );
    let r: T;
    try {
      if (this.#txDepth > 0) return w.inTx(body) as T;
      r = w.inTx.immediate(body) as T;
    } catch (err) {
      throw mapSqliteError(err, 'transaction');
    }
    this.#upkeep?.afterCommit();
    return r;
  }

  // ---------------------------------------------------------------- state

  /** `Vault.stats`: counters, sizes and latencies. */
  stats(): VaultStats {
    this.conn();
    const read = this.settled();
    const ops = this.#ops.snapshot();
    // Cache hits are counted here, not timed (timing would cost more than the hit).
    for (const [name, cached] of [['get', this.cachedGets], ['exists', this.cachedExists]] as const) {
      if (cached === 0) continue;
      const o = ops[name];
      ops[name] = o === undefined ? { count: cached, errors: 0, p50Us: 0, p95Us: 0, p99Us: 0, maxUs: 0 } : { ...o, count: o.count + cached };
    }
    return vaultStats(read, { path: this.path, encrypted: this.encrypted, memoryMode: this.memoryMode, cache: this.cache.stats(), ops, openedAt: this.#openedAt });
  }

  /** `Vault.refresh`: drops the cache now if another connection changed the vault; returns whether it did. */
  refresh(): boolean {
    this.conn();
    return this.cache.refresh();
  }

  /** True until {@link VaultCore.close}. */
  get isOpen(): boolean {
    return this.#db !== undefined;
  }

  /** `Vault.close`: checkpoints the WAL, runs `PRAGMA optimize`, closes, wipes the keys. Idempotent. */
  close(): void {
    const db = this.#db;
    if (db === undefined) return;
    this.endSharedRead();
    // Uploads this connection began end with it (locking the vault ends them); their chunks go.
    if (this.write !== undefined)
      for (const upload of this.attachments.ownUploads) {
        try {
          this.tx((w) => this.attachments.abort(w, upload));
        } catch {
          this.attachments.forget(upload);
        }
      }
    // The search queue is indexed whole (the next session's searches must find every document), then merges
    // left (a writer closed within its idle time) run for a bounded time, before the checkpoint.
    this.#upkeep?.close();
    this.#db = undefined;
    this.scrub?.close();
    this.attachments.close();
    try {
      if (this.write !== undefined) {
        this.write.db.pragma('optimize');
        this.write.db.pragma('wal_checkpoint(TRUNCATE)');
      }
    } catch (err) {
      // Typed like every other engine error: a lock held elsewhere is Overloaded, a damaged page
      // NotAVault, a full disk says so. Every commit is already durable; only the checkpoint is lost.
      throw mapSqliteError(err, 'Closing the vault');
    } finally {
      db.close();
      this.cache.drop();
      wipe(this.#macKey);
      wipe(this.auditKey);
      if ('rawKey' in this.key) wipe(this.key.rawKey);
    }
  }
}
