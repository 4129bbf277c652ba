/**
 * Reads answered in the calling thread while the writer thread starts. A worker thread takes ~300 ms to
 * start on a busy machine (the issue measured 320–354 ms to the service's first answer); a read-only
 * connection opened here takes a few milliseconds. So {@link StorageService.open} opens one, answers the
 * first reads with it, and closes it as soon as the writer is up: from then on every call runs on the
 * worker threads, as before. It never writes, and never runs a long read (verify, backup).
 *
 * It looks like a worker to the pool and the scheduler (a {@link WorkerPort}): calls go in as `calls`
 * messages and come back as `results` messages, on a later turn of the event loop (never inside the
 * scheduler's own loop).
 */
import { DocvaultError, serializeError } from '../../../shared/errors';
import { Vault, type VaultOptions } from '../vault';
import { LONG_READS, READ_METHODS, type FromWorker, type ToWorker, type WireCall, type WireResult } from '../worker/protocol';
import { invoke } from '../worker/invoke';

const READS: ReadonlySet<string> = new Set(READ_METHODS);

/** What the pool and the scheduler need of a worker: a port to post to, and a way to stop it. */
export interface WorkerPort {
  postMessage(msg: ToWorker): void;
  terminate(): Promise<number>;
}

/** A read-only connection in the calling thread that answers reads like a reader thread. */
export class OpeningReads implements WorkerPort {
  readonly #vault: Vault;
  readonly #deliver: (msg: FromWorker) => void;
  readonly #queue: WireCall[][] = [];
  #scheduled = false;
  #closing = false;
  readonly #closed: Promise<number>;
  #onClosed: (() => void) | undefined;

  /**
   * Whether documents waited for the search queue's flush when this connection opened: if not, lists by
   * update time and by tag need not wait for the writer to flush before their first answer
   * (./search-freshness.ts).
   */
  readonly searchPending: boolean;

  private constructor(vault: Vault, deliver: (msg: FromWorker) => void) {
    this.#vault = vault;
    this.searchPending = vault.searchPending();
    this.#deliver = deliver;
    this.#closed = new Promise<number>((resolve) => {
      this.#onClosed = () => resolve(0);
    });
  }

  /**
   * Opens the vault read-only in this thread, or returns undefined when it cannot be done quickly and
   * safely: a vault that needs migrating (only the writer may), or any other failure, which the writer
   * then meets and reports as it always did (a wrong key, a missing file…).
   */
  static open(path: string, opts: VaultOptions, deliver: (msg: FromWorker) => void): OpeningReads | undefined {
    try {
      const vault = Vault.openSync(path, {
        ...opts,
        readonly: true,
        // The service's cache is in this thread already; this connection keeps none of its own.
        tuning: { ...opts.tuning, cacheEntries: 0 },
        externalCheckMs: Number.MAX_SAFE_INTEGER,
      });
      return new OpeningReads(vault, deliver);
    } catch {
      return undefined;
    }
  }

  /** Takes a batch of reads; answers them on a later turn of the event loop. */
  postMessage(msg: ToWorker): void {
    if (msg.t !== 'calls') throw new DocvaultError('Internal', `the opening connection answers reads only, not "${msg.t}"`);
    this.#queue.push([...msg.calls]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#run());
    }
  }

  /** Closes the connection once the reads it holds are answered. */
  terminate(): Promise<number> {
    this.#closing = true;
    if (!this.#scheduled) this.#close();
    return this.#closed;
  }

  #run(): void {
    this.#scheduled = false;
    for (let calls = this.#queue.shift(); calls !== undefined; calls = this.#queue.shift()) {
      this.#deliver({ t: 'results', results: calls.map((c) => this.#answer(c)) });
    }
    if (this.#closing) this.#close();
  }

  #answer(call: WireCall): WireResult {
    const t0 = performance.now();
    try {
      if (!READS.has(call.method) || LONG_READS.has(call.method)) throw new DocvaultError('Invalid', `${call.method} is not answered while the service opens`);
      // Arguments and results are copied as a worker's would be: a caller never shares an object with the engine.
      let args: unknown[];
      try {
        args = structuredClone(call.args) as unknown[];
      } catch (err) {
        throw new DocvaultError('Invalid', `${call.method}: its arguments cannot be sent to a storage thread (${(err as Error).message})`);
      }
      const result = structuredClone(invoke(this.#vault, call.method, args));
      return { seq: call.seq, ok: true, result, durationMs: performance.now() - t0 };
    } catch (err) {
      return { seq: call.seq, ok: false, error: serializeError(err), durationMs: performance.now() - t0 };
    }
  }

  #close(): void {
    if (this.#vault.isOpen) {
      try {
        this.#vault.close();
      } catch {
        // A read-only connection has nothing to lose at close.
      }
    }
    this.#onClosed?.();
  }
}
