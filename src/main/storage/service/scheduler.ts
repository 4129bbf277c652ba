/**
 * The service's scheduler: admits calls into bounded queues (`Overloaded`), arms their timeouts and abort
 * signals (`Timeout`, `Aborted`), feeds reads to the least-loaded reader and writes to the writer in group
 * commits, and settles each caller once its worker answered and the cache was brought up to date.
 */
import { DocvaultError, deserializeError, type ErrorKind } from '../../../shared/errors';
import type { Progress } from '../../../shared/types';
import type { EngineMethod, ToWorker, WireCall, WireResult } from '../worker/protocol';
import { LONG_READS } from '../worker/protocol';
import { Fifo } from './fifo';
import type { ServiceMetrics } from './metrics';
import type { CacheRead, DocumentCache } from '../cache';
import { applyWriteAnswer, fillFromAnswer } from './cache-wire';
import type { CallOptions, ServiceCounters } from './types';
import type { ResultsMessage, Slot, WorkerPool } from './worker-pool';

/**
 * A long read without a time budget (a backup, a verify without `maxMs`, such as SQLite's check in a
 * whole verify: seconds to minutes at scale). It runs on a long-read thread of its own
 * (WorkerPool.longThread), never on a reader: a read sent to a reader waits for everything ahead of it there.
 */
function unbounded(p: Pending): boolean {
  if (!LONG_READS.has(p.method)) return false;
  const opts = p.method === 'verify' ? p.args[1] : undefined;
  return typeof opts !== 'object' || opts === null || (opts as { maxMs?: unknown }).maxMs === undefined;
}

/** A method the scheduler runs: an engine method or `batch`. */
export type Method = EngineMethod | 'batch';

/** A call from the moment it is accepted until its promise settles (and its worker answers). */
export interface Pending {
  readonly seq: number;
  readonly method: Method;
  readonly write: boolean;
  readonly args: readonly unknown[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
  readonly t0: number;
  /** queued: in the main thread; sent: with a worker; done: the caller has its answer. */
  state: 'queued' | 'sent' | 'done';
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  onProgress: ((p: Progress) => void) | undefined;
  /** Builds the caller's value from the worker's (bulkGet merges its cache hits back in). */
  finish: ((result: unknown) => unknown) | undefined;
  /** A read whose answer may fill the cache. */
  readonly cacheRead: CacheRead | undefined;
}

/** The scheduler's limits (see ServiceOptions for each). */
export interface Limits {
  readonly maxPendingReads: number;
  readonly maxPendingWrites: number;
  readonly maxGroupCommit: number;
  readonly maxCommitsInFlight: number;
  readonly maxReaderInFlight: number;
  readonly maxReadBatch: number;
  readonly timeoutMs: number;
}

/** Queues, group commit, timeouts and the settling of calls. */
export class Scheduler {
  readonly #pool: WorkerPool<Pending>;
  readonly #cache: DocumentCache;
  readonly #metrics: ServiceMetrics;
  readonly #limits: Limits;
  readonly #isWrite: (method: Method) => boolean;
  readonly #readQueue = new Fifo<Pending>();
  readonly #writeQueue = new Fifo<Pending>();
  #pendingReads = 0;
  #pendingWrites = 0;
  #queuedReads = 0;
  #queuedWrites = 0;
  /** Calls that expired while queued: skipped when pumped, compacted away when they pile up. */
  #deadQueued = 0;
  /** Groups handed to the writer and not yet answered (the next one waits in its port while one commits). */
  #commitsInFlight = 0;
  #readPumpScheduled = false;
  #writePumpScheduled = false;
  #seq = 0;
  readonly #drainWaiters: (() => void)[] = [];
  /** Set when a worker cannot be restarted: every later call fails with it. */
  broken: DocvaultError | undefined;

  constructor(pool: WorkerPool<Pending>, cache: DocumentCache, metrics: ServiceMetrics, limits: Limits, isWrite: (method: Method) => boolean) {
    this.#pool = pool;
    this.#cache = cache;
    this.#metrics = metrics;
    this.#limits = limits;
    this.#isWrite = isWrite;
  }

  /** Queue lengths for stats. */
  queues(): ServiceCounters['queues'] {
    return { queuedReads: this.#queuedReads, queuedWrites: this.#queuedWrites, pendingReads: this.#pendingReads, pendingWrites: this.#pendingWrites };
  }

  /** Resolves once no accepted call is left unsettled. */
  drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#drainWaiters.push(resolve);
      this.#maybeDrained();
    });
  }

  /**
   * Admits a call into its queue, or rejects it with `Overloaded`. `cacheIds`: ids whose cache entries the
   * read's result may fill; `finish` builds the caller's value from the worker's.
   */
  accept(method: Method, args: readonly unknown[], co: CallOptions | undefined, cacheIds?: readonly string[], finish?: (r: unknown) => unknown): Promise<unknown> {
    const write = this.#isWrite(method);
    const pending = write ? this.#pendingWrites : this.#pendingReads;
    const limit = write ? this.#limits.maxPendingWrites : this.#limits.maxPendingReads;
    if (pending >= limit) {
      this.#metrics.reject('overloaded');
      return Promise.reject(new DocvaultError('Overloaded', `${method}: too many ${write ? 'writes' : 'reads'} waiting (limit ${limit}); try again shortly`, { pending }));
    }
    return new Promise<unknown>((resolve, reject) => {
      let callArgs = args;
      let onProgress: ((p: Progress) => void) | undefined;
      if (method === 'verify') {
        const cb = args[0];
        onProgress = typeof cb === 'function' ? (cb as (p: Progress) => void) : undefined;
        // The callback stays here (progress comes back as messages); the options go to the reader.
        callArgs = args[1] === undefined ? [] : [null, args[1]];
      } else if (method === 'backup') {
        // The callback stays here; the options that can travel go to the worker.
        const o = (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) as { onProgress?: unknown; overwrite?: unknown };
        onProgress = typeof o.onProgress === 'function' ? (o.onProgress as (p: Progress) => void) : undefined;
        callArgs = [args[0], o.overwrite === undefined ? {} : { overwrite: o.overwrite }];
      }
      const p: Pending = {
        seq: ++this.#seq,
        method,
        write,
        args: callArgs,
        resolve,
        reject,
        t0: performance.now(),
        state: 'queued',
        timer: undefined,
        signal: undefined,
        onAbort: undefined,
        onProgress,
        finish,
        cacheRead: cacheIds === undefined ? undefined : this.#cache.begin(cacheIds),
      };
      const timeoutMs = co?.timeoutMs ?? (LONG_READS.has(method) ? 0 : this.#limits.timeoutMs);
      if (timeoutMs > 0) p.timer = setTimeout(() => this.#expire(p, 'Timeout', timeoutMs), timeoutMs);
      if (co?.signal !== undefined) {
        p.signal = co.signal;
        p.onAbort = () => this.#expire(p, 'Aborted', 0);
        co.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      if (write) {
        this.#pendingWrites++;
        this.#queuedWrites++;
        this.#writeQueue.push(p);
        if (!this.#writePumpScheduled) {
          this.#writePumpScheduled = true;
          setImmediate(() => this.#pumpWrites());
        }
      } else {
        this.#pendingReads++;
        this.#queuedReads++;
        this.#readQueue.push(p);
        if (!this.#readPumpScheduled) {
          this.#readPumpScheduled = true;
          setImmediate(() => this.#pumpReads());
        }
      }
    });
  }

  // ---------------------------------------------------------------- pool events

  /** A worker answered: settle its calls, then feed it (or the writer) more. */
  results(slot: Slot<Pending>, msg: ResultsMessage): void {
    for (const r of msg.results) {
      const p = slot.inFlight.get(r.seq);
      if (p === undefined) continue;
      slot.inFlight.delete(r.seq);
      this.#complete(p, r);
    }
    if (msg.commit !== undefined) {
      this.#metrics.commit(msg.commit.size, msg.commit.durationMs);
      this.#commitsInFlight--;
      this.#pumpWrites();
    } else {
      this.#pumpReads();
      // A long-read thread is stopped once no long read waits for it.
      if (slot.role === 'long') this.#pool.retireIdleLongThreads();
    }
    this.#maybeDrained();
  }

  /** Progress of a running verify, passed to its caller (a throwing callback must not break the service). */
  progress(slot: Slot<Pending>, seq: number, progress: Progress): void {
    const p = slot.inFlight.get(seq);
    if (p?.onProgress === undefined || p.state === 'done') return;
    try {
      p.onProgress(progress);
    } catch {
      // ignored on purpose
    }
  }

  /** A worker died holding `held`: each fails `WorkerCrashed`; after the writer, the cache cannot be trusted. */
  crashed(slot: Slot<Pending>, code: number, held: readonly Pending[]): void {
    if (slot.role === 'writer') {
      this.#commitsInFlight = 0;
      // Its last group may or may not have committed: forget everything rather than guess.
      this.#cache.drop();
    }
    for (const p of held) {
      const message = p.write
        ? `The storage writer stopped (exit code ${code}) while holding this write; it may or may not have been committed`
        : `The storage ${slot.name} stopped (exit code ${code}) while holding this read; try again`;
      if (p.state !== 'done') this.#metrics.reject('crashed');
      this.#complete(p, { seq: p.seq, ok: false, error: { kind: 'WorkerCrashed', message, details: { worker: slot.name } }, durationMs: 0 });
    }
    // A long-read thread is not restarted (no `ready` will come): the long reads waiting for one start another now.
    if (slot.role === 'long') this.#pumpReads();
    this.#maybeDrained();
  }

  /** A worker (re)started: feed it (a long-read thread whose reads expired meanwhile is stopped). */
  ready(): void {
    this.#pumpWrites();
    this.#pumpReads();
    this.#pool.retireIdleLongThreads();
  }

  /**
   * A long-read thread could not start. With no other one left to take them, the long reads waiting fail
   * with `error` (a later one tries again); the service itself goes on.
   */
  longFailed(error: DocvaultError, others: number): void {
    if (others > 0) return;
    this.#readQueue.retain((p) => {
      if (p.state !== 'queued' || !unbounded(p)) return true;
      this.#unqueue(p);
      this.#disarm(p);
      this.#metrics.reject('crashed');
      this.#metrics.call(p.method, (performance.now() - p.t0) * 1000, true);
      p.reject(error);
      return false;
    });
    this.#maybeDrained();
  }

  /** A worker cannot be restarted: fail everything waiting and every later call. */
  gaveUp(error: DocvaultError): void {
    this.broken = error;
    for (const queue of [this.#readQueue, this.#writeQueue])
      for (const p of queue.drain()) {
        if (p.state !== 'queued') continue;
        this.#unqueue(p);
        this.#disarm(p);
        this.#metrics.reject('crashed');
        p.reject(error);
      }
    this.#maybeDrained();
  }

  // ---------------------------------------------------------------- feeding workers

  /**
   * Hands queued reads to the least-loaded readers, at most `maxReadBatch` calls per message: a reader then
   * has its next chunk waiting while the answers to the previous one travel back (and free more callers).
   * Until a reader has started, the writer answers reads (not `verify`, which would hold up every write);
   * until the writer has started too, the read-only connection opened in this thread does (not `verify`
   * or `backup` either: they wait for a reader). A long read without a time budget goes to a long-read
   * thread of its own, waiting in its place while one starts: so no read is ever queued behind one.
   */
  #pumpReads(): void {
    this.#readPumpScheduled = false;
    if (this.#readQueue.length === 0) return;
    const batches = new Map<Slot<Pending>, WireCall[]>();
    const cap = this.#limits.maxReaderInFlight;
    const chunk = this.#limits.maxReadBatch;
    const writer = this.#pool.writer;
    const opening = this.#pool.opening;
    const viaWriter = (): Slot<Pending> | undefined => {
      if (this.#pool.readers.some((s) => s.state === 'ready')) return undefined;
      if (writer.state === 'ready') return writer;
      return opening.state === 'ready' ? opening : undefined;
    };
    const held: Pending[] = [];
    for (;;) {
      const p = this.#readQueue.shift();
      if (p === undefined) break;
      if (p.state !== 'queued') continue;
      const long = unbounded(p);
      const target = long ? this.#pool.longThread() : (this.#pool.leastLoadedReader() ?? viaWriter());
      if (target === undefined || target.inFlight.size >= cap) {
        held.push(p);
        // No thread takes a short read now; a long read waits for its own while short ones behind it go on.
        if (long) continue;
        break;
      }
      if (!long && target.role !== 'reader' && LONG_READS.has(p.method)) {
        held.push(p);
        continue;
      }
      this.#queuedReads--;
      p.state = 'sent';
      target.inFlight.set(p.seq, p);
      let calls = batches.get(target);
      if (calls === undefined) batches.set(target, (calls = []));
      calls.push(LONG_READS.has(p.method) ? { seq: p.seq, method: p.method, args: p.args, progress: p.onProgress !== undefined } : { seq: p.seq, method: p.method, args: p.args });
      if (calls.length >= chunk) {
        this.#post(target, calls, (c) => ({ t: 'calls', calls: c }));
        batches.delete(target);
      }
    }
    // A read that waits (for a reader, a long-read thread) keeps its place ahead of later reads.
    if (held.length > 0) this.#readQueue.unshift(held);
    for (const [slot, calls] of batches) this.#post(slot, calls, (c) => ({ t: 'calls', calls: c }));
  }

  /**
   * Sends everything queued (up to `maxGroupCommit`) to the writer as one group. Up to `maxCommitsInFlight`
   * groups are out at once, so the next group is already waiting in the writer's port while one commits
   * (the writer runs them one after the other; it never idles for the round trip).
   */
  #pumpWrites(): void {
    this.#writePumpScheduled = false;
    const writer = this.#pool.writer;
    if (this.#commitsInFlight >= this.#limits.maxCommitsInFlight || writer.state !== 'ready' || this.#writeQueue.length === 0) return;
    const calls: WireCall[] = [];
    while (calls.length < this.#limits.maxGroupCommit) {
      const p = this.#writeQueue.shift();
      if (p === undefined) break;
      if (p.state !== 'queued') continue;
      this.#queuedWrites--;
      p.state = 'sent';
      writer.inFlight.set(p.seq, p);
      calls.push({ seq: p.seq, method: p.method, args: p.args });
    }
    if (calls.length === 0) return;
    this.#commitsInFlight++;
    if (!this.#post(writer, calls, (c) => ({ t: 'commit', calls: c }))) {
      this.#commitsInFlight--;
      this.#pumpWrites();
    }
  }

  /**
   * Posts calls to a worker. Arguments that cannot be cloned (a function, a class instance with private
   * state…) fail their own call with `Invalid`; the others are sent. Returns whether anything was sent.
   */
  #post(slot: Slot<Pending>, calls: WireCall[], message: (calls: WireCall[]) => ToWorker): boolean {
    const worker = slot.worker;
    if (worker === undefined) return false;
    try {
      worker.postMessage(message(calls));
      return true;
    } catch (err) {
      const good: WireCall[] = [];
      for (const call of calls) {
        try {
          structuredClone(call.args);
          good.push(call);
        } catch (cloneErr) {
          const p = slot.inFlight.get(call.seq);
          slot.inFlight.delete(call.seq);
          if (p !== undefined)
            this.#complete(p, {
              seq: call.seq,
              ok: false,
              error: { kind: 'Invalid', message: `${call.method}: its arguments cannot be sent to a storage thread (${(cloneErr as Error).message})` },
              durationMs: 0,
            });
        }
      }
      if (good.length === calls.length) throw err;
      if (good.length === 0) return false;
      worker.postMessage(message(good));
      return true;
    }
  }

  // ---------------------------------------------------------------- settling

  /** A worker answered `p` (or can no longer): update the cache, then settle the caller if still waiting. */
  #complete(p: Pending, r: WireResult): void {
    let value: unknown = r.ok ? r.result : undefined;
    if (p.write) {
      value = applyWriteAnswer(this.#cache, p.method, p.args, r);
      this.#pendingWrites--;
    } else {
      if (p.cacheRead !== undefined) value = fillFromAnswer(this.#cache, p.cacheRead, p.method, p.args, r);
      this.#pendingReads--;
    }
    if (p.state === 'done') return;
    this.#metrics.call(p.method, (performance.now() - p.t0) * 1000, !r.ok);
    this.#disarm(p);
    if (r.ok) p.resolve(p.finish !== undefined ? p.finish(value) : value);
    else p.reject(deserializeError(r.error));
  }

  #unqueue(p: Pending): void {
    if (p.write) {
      this.#pendingWrites--;
      this.#queuedWrites--;
    } else {
      this.#pendingReads--;
      this.#queuedReads--;
      if (p.cacheRead !== undefined) this.#cache.end(p.cacheRead);
    }
  }

  #disarm(p: Pending): void {
    p.state = 'done';
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    if (p.onAbort !== undefined) p.signal?.removeEventListener('abort', p.onAbort);
    p.onAbort = undefined;
  }

  /** Timeout or abort. A call still queued here is dropped (it never runs); one already sent may still complete. */
  #expire(p: Pending, kind: Extract<ErrorKind, 'Timeout' | 'Aborted'>, afterMs: number): void {
    if (p.state === 'done') return;
    const sent = p.state === 'sent';
    this.#disarm(p);
    if (!sent) {
      this.#unqueue(p);
      // A stalled worker with callers that time out and retry must not grow the queues without bound.
      if (++this.#deadQueued > 1024 && this.#deadQueued > this.#queuedReads + this.#queuedWrites) {
        this.#readQueue.retain((q) => q.state === 'queued');
        this.#writeQueue.retain((q) => q.state === 'queued');
        this.#deadQueued = 0;
      }
    }
    this.#metrics.reject(kind === 'Timeout' ? 'timeout' : 'aborted');
    this.#metrics.call(p.method, (performance.now() - p.t0) * 1000, true);
    const what = kind === 'Timeout' ? `timed out after ${afterMs} ms` : 'aborted';
    const note = !sent ? '; it was never started' : p.write ? '; it was already with the writer and may still commit' : '';
    p.reject(new DocvaultError(kind, `${p.method}: ${what}${note}`, { sent }));
    this.#maybeDrained();
  }

  #maybeDrained(): void {
    if (this.#pendingReads + this.#pendingWrites > 0 || this.#drainWaiters.length === 0) return;
    for (const w of this.#drainWaiters.splice(0)) w();
  }
}
