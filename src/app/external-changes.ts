/**
 * Commits by other processes (the CLI, another app on the same file) send no events of their own: while a
 * window listens and the vault is open, look once a period for them and tell the windows to reload their
 * lists. Separate from the live stats, which run only while someone watches the performance figures.
 */
import type { PushEvent } from '../shared/contract';
import type { VaultStats } from '../shared/types';
import type { Store } from './store';

/** The StorageService's count of commits by other processes, when the store is one. */
function externalChangesOf(s: VaultStats): number | undefined {
  const service = (s as VaultStats & { service?: { externalChanges?: unknown } }).service;
  return typeof service?.externalChanges === 'number' ? service.externalChanges : undefined;
}

/** What {@link ExternalChanges} looks at and tells. */
export interface ExternalChangesOptions {
  /** The open store, if any. */
  readonly store: () => Store | undefined;
  readonly emit: (e: PushEvent) => void;
  /** How often to look, ms. */
  readonly intervalMs: number;
}

/** The periodic look for commits by other processes (see the file's comment). */
export class ExternalChanges {
  readonly #opts: ExternalChangesOptions;
  #watch: ReturnType<typeof setInterval> | undefined;
  /**
   * The store's count of commits by other processes already announced. The service counts from its open, so
   * the baseline is 0 from the moment a store is set: a commit made before the first look is still announced.
   */
  #seen = 0;

  constructor(opts: ExternalChangesOptions) {
    this.#opts = opts;
  }

  /** A store was set (or none): its count starts from 0. */
  reset(): void {
    this.#seen = 0;
  }

  /** Starts looking when `want` (a window listens and the vault is open), stops when not. */
  update(want: boolean): void {
    if (want && this.#watch === undefined) {
      this.#watch = setInterval(() => void this.#check(), this.#opts.intervalMs);
      this.#watch.unref?.();
    } else if (!want && this.#watch !== undefined) {
      clearInterval(this.#watch);
      this.#watch = undefined;
    }
  }

  async #check(): Promise<void> {
    const store = this.#opts.store();
    if (store === undefined) return;
    try {
      // Writes by other processes (the CLI, another app on the same file) send no events of their own: look
      // for them once a tick, and tell the windows to reload their lists.
      await store.refresh?.();
      const s = await store.stats();
      const external = externalChangesOf(s);
      if (external !== undefined) {
        if (external > this.#seen) this.#opts.emit({ event: 'docs.changed', data: { count: 0, external: true } });
        this.#seen = external;
      }
    } catch {
      // Locked between the check and the call: the next tick stops.
    }
  }
}
