/**
 * The service's outside-change detector for the document cache (../cache.ts): the writer thread, the one
 * connection that watches `data_version`, bumps slot 0 of a SharedArrayBuffer when another process
 * committed (worker/serve.ts); the calling thread's cache reads it with one atomic load per lookup.
 */
import type { OutsideChanges } from '../cache';

/** The calling thread's end of the writer's outside-change flag. */
export class OutsideFlag implements OutsideChanges {
  /** Shared with the writer, which adds 1 to slot 0 for each commit by another process it sees. */
  readonly buffer = new SharedArrayBuffer(4);
  readonly #slot = new Int32Array(this.buffer);
  #seen = 0;

  /** One atomic load: whether the writer flagged a commit from outside since the last look. */
  changed(): boolean {
    const v = Atomics.load(this.#slot, 0);
    if (v === this.#seen) return false;
    this.#seen = v;
    return true;
  }

  /** The same: the load is never throttled. */
  changedNow(): boolean {
    return this.changed();
  }
}
