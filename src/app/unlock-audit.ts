/**
 * Passphrase attempts and the audit log: every attempt runs under the unlock back-off, and wrong keys and
 * refused attempts are counted in memory until an open vault can record them (a wrong key cannot write into
 * a vault it cannot open). Also the app's one way to append to the open vault's audit log, best effort.
 */
import type { AuditRecord } from '../shared/audit';
import { isDocvaultError } from '../shared/errors';
import type { UnlockThrottle } from './rate-limit';
import type { Store } from './store';

/** What {@link UnlockAudit} works with. */
export interface UnlockAuditOptions {
  readonly throttle: UnlockThrottle;
  /** The current vault file (the back-off is per path). */
  readonly path: () => string;
  /** The open store, if any: where entries are recorded. */
  readonly store: () => Store | undefined;
}

/** The unlock back-off around passphrase attempts, and the audit entries the app records (see the file's comment). */
export class UnlockAudit {
  readonly #opts: UnlockAuditOptions;
  /** Wrong keys tried since the last open that could record them (kept in memory: see README, audit log). */
  #failed = 0;
  /** Attempts the unlock back-off refused since then (recorded as `unlock.failed` with detail `RateLimited`). */
  #refused = 0;

  constructor(opts: UnlockAuditOptions) {
    this.#opts = opts;
  }

  /** Runs a passphrase attempt under the unlock back-off: refused while it lasts, counted when wrong. */
  async attempt<T>(fn: () => Promise<T>): Promise<T> {
    await this.checkThrottle();
    try {
      const r = await fn();
      this.#opts.throttle.succeeded(this.#opts.path());
      return r;
    } catch (err) {
      if (isDocvaultError(err, 'WrongKey')) {
        this.#opts.throttle.failed(this.#opts.path());
        this.#failed++;
        // A wrong key cannot write into a vault it cannot open; while the vault is open (another window),
        // the attempt is recorded at once, otherwise at the next successful open.
        if (this.#opts.store() !== undefined) await this.audit({ event: 'unlock.failed', outcome: 'failed' });
      }
      throw err;
    }
  }

  /**
   * The unlock back-off's check. An attempt it refuses is counted for the audit log, and recorded with the
   * next entry (not one entry each: a script hammering the back-off must not flood the capped log).
   */
  async checkThrottle(): Promise<void> {
    try {
      this.#opts.throttle.check(this.#opts.path());
    } catch (err) {
      if (isDocvaultError(err, 'RateLimited')) this.#refused++;
      throw err;
    }
  }

  /**
   * Records an event the app observes in the open vault's audit log. Best effort: the operation it
   * describes has already happened, and a vault that cannot take the entry (read-only, full) must not
   * turn a successful open or backup into a failure. Failed unlocks not yet recorded go first.
   */
  async audit(record: AuditRecord): Promise<void> {
    const store = this.#opts.store();
    if (store === undefined) return;
    const failed = this.#failed;
    const refused = this.#refused;
    this.#failed = 0;
    this.#refused = 0;
    try {
      if (record.event === 'unlock.failed') await store.recordAudit({ ...record, count: failed });
      else if (failed > 0) await store.recordAudit({ event: 'unlock.failed', outcome: 'failed', count: failed });
      if (refused > 0) await store.recordAudit({ event: 'unlock.failed', outcome: 'failed', count: refused, detail: 'RateLimited' });
      if (record.event !== 'unlock.failed') await store.recordAudit(record);
    } catch {
      // See above: best effort. The attempts are not lost from the count if the write failed.
      this.#failed += failed;
      this.#refused += refused;
    }
  }
}
