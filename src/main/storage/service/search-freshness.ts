/**
 * Searches, verifies, tag-filtered lists and lists by update time or title on a reader see every write acknowledged before they were called.
 *
 * Writes queue their documents for the search index, and the writer indexes them later, in batches
 * (engine/search-queue.ts). A reader's connection cannot do that, so before a search or a whole verify the
 * service asks the writer to (`indexSearch`), when a write was answered since the last time or another
 * process committed. Writes are counted when their answer arrives, so every one counted had committed
 * before the request was sent, and the writer handles messages in order: each is indexed when the answer
 * comes. Tag rows, and the rows a list sorted by update time or title walks (../time-rows-schema.ts, ../title-rows-schema.ts), move with the
 * same flush (../search-queue-schema.ts), so such a list, or a count filtered by tag, waits the same way. Calls that come while one such request is on its way share it if it covers them.
 */

import { readsHeldRows } from '../engine/query';

/** What the freshness check needs from the pool and the writer's outside-change counter. */
export interface FreshnessPort {
  /** The writer brings the search index up to date. */
  indexSearch(): Promise<void>;
  /** The writer's count of commits by other processes (slot 0 of the outside-change buffer). */
  readonly outside: SharedArrayBuffer;
}

/** Whether a verify call's arguments resume an earlier chunk (`from`): the first chunk waited already. */
function resumes(args: readonly unknown[]): boolean {
  const opts = args[1];
  return typeof opts === 'object' && opts !== null && (opts as { from?: unknown }).from !== undefined;
}

export class SearchFreshness {
  readonly #port: FreshnessPort;
  readonly #outside: Int32Array;
  /** Writes answered by the writer since the service opened (committed or not). */
  #sent = 0;
  /** Writes answered before the last request that completed (all indexed), and the outside count it saw. */
  #indexedUpTo = 0;
  #outsideSeen = 0;
  #inFlight: { readonly upTo: number; readonly outside: number; readonly done: Promise<void> } | undefined;

  constructor(port: FreshnessPort) {
    this.#port = port;
    this.#outside = new Int32Array(port.outside);
    // Another process may have left documents queued before this service opened.
    this.#outsideSeen = Atomics.load(this.#outside, 0) - 1;
  }

  /**
   * Runs one call of the service (`run` schedules it): a search, or the first chunk of a verify, once
   * {@link ready}; a write at once, counted when its answer arrives (before the caller's continuation runs);
   * anything else at once.
   */
  around(method: string, args: readonly unknown[], write: boolean, run: () => Promise<unknown>): Promise<unknown> {
    if (method === 'search' || (method === 'verify' && !resumes(args)) || (method === 'list' && readsHeldRows(args[0])) || (method === 'count' && readsHeldRows(args[0], true)))
      return this.ready().then(run);
    const p = run();
    if (write) {
      // Counted when its answer arrives, before its caller sees it.
      const answered = (): void => {
        this.#sent++;
      };
      p.then(answered, answered);
    }
    return p;
  }

  /**
   * The vault was seen at open with nothing waiting for the flush (by the opening connection): what the
   * constructor assumed another process may have left is not there, so until this service writes or sees an
   * outside commit, lists by update time, by title or by tag answer at once instead of waiting for the writer to start.
   */
  nothingWaitingAtOpen(): void {
    const outside = Atomics.load(this.#outside, 0);
    if (this.#sent === 0 && this.#inFlight === undefined && this.#outsideSeen === outside - 1) this.#outsideSeen = outside;
  }

  /**
   * Resolves once the index holds every write answered before this call (and every outside commit seen);
   * at once when nothing was written since. Never rejects: a request that fails (the writer restarting)
   * leaves the search to read the index as it is.
   */
  async ready(): Promise<void> {
    const upTo = this.#sent;
    const outside = Atomics.load(this.#outside, 0);
    if (upTo <= this.#indexedUpTo && outside === this.#outsideSeen) return;
    const flight = this.#inFlight;
    if (flight !== undefined && flight.upTo >= upTo && flight.outside === outside) return flight.done;
    const done = this.#port.indexSearch().then(
      () => {
        this.#indexedUpTo = Math.max(this.#indexedUpTo, upTo);
        this.#outsideSeen = outside;
      },
      () => undefined,
    );
    const mine = { upTo, outside, done };
    this.#inFlight = mine;
    await done;
    if (this.#inFlight === mine) this.#inFlight = undefined;
  }
}
