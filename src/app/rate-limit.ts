/**
 * Rate limits at the app's boundary, shared by both transports (IPC and the web twin call the same
 * handler and backend):
 *
 * - {@link UnlockThrottle}: after `freeFailures` wrong passphrases in a row for one vault, each further
 *   attempt must wait `baseDelayMs × 2^(n − freeFailures)` (capped at `maxDelayMs`) after the last failure,
 *   else it is refused with `RateLimited` (`details.retryAfterMs`) without running the KDF. Kept per process
 *   (one table for every backend in it); a success clears the vault's count. The KDF already costs ~0.2 s per
 *   guess; this stops a script that tries passphrases as fast as the KDF allows.
 * - {@link ChannelLimiter}: a token bucket per channel (`ratePerSec` refill, `burst` capacity). The defaults
 *   are far above what a person or the window does; they bound a runaway script or a flood on the web twin.
 */
import { resolve } from 'node:path';
import type { Channel } from '../shared/contract';
import { DocvaultError } from '../shared/errors';

/** Settings of {@link UnlockThrottle}. */
export interface UnlockLimits {
  /** Failures in a row allowed without delay. Default 3. */
  readonly freeFailures: number;
  /** Delay after the first failure past `freeFailures`, ms; doubles with each further one. Default 1,000. */
  readonly baseDelayMs: number;
  /** Longest delay, ms. Default 300,000 (5 min). */
  readonly maxDelayMs: number;
}

/** Defaults of {@link UnlockLimits}. */
export const DEFAULT_UNLOCK_LIMITS: UnlockLimits = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 300_000 };

/** Exponential back-off of unlock attempts per vault path; see the file comment. */
export class UnlockThrottle {
  readonly #limits: UnlockLimits;
  readonly #clock: () => number;
  readonly #failures = new Map<string, { count: number; until: number }>();

  constructor(limits: Partial<UnlockLimits> = {}, clock: () => number = Date.now) {
    this.#limits = { ...DEFAULT_UNLOCK_LIMITS, ...limits };
    this.#clock = clock;
  }

  /** Throws `RateLimited` if an attempt on `vaultPath` must wait. */
  check(vaultPath: string): void {
    const f = this.#failures.get(resolve(vaultPath));
    if (f === undefined) return;
    const wait = f.until - this.#clock();
    if (wait > 0)
      throw new DocvaultError('RateLimited', `Too many wrong passphrases for this vault: try again in ${Math.ceil(wait / 1000)} s`, {
        retryAfterMs: wait,
        failures: f.count,
      });
  }

  /** Records a wrong passphrase for `vaultPath`. */
  failed(vaultPath: string): void {
    const key = resolve(vaultPath);
    const count = (this.#failures.get(key)?.count ?? 0) + 1;
    const over = count - this.#limits.freeFailures;
    const delay = over <= 0 ? 0 : Math.min(this.#limits.maxDelayMs, this.#limits.baseDelayMs * 2 ** Math.min(over - 1, 30));
    this.#failures.set(key, { count, until: this.#clock() + delay });
  }

  /** Clears the count of `vaultPath` after a successful unlock. */
  succeeded(vaultPath: string): void {
    this.#failures.delete(resolve(vaultPath));
  }
}

/** The process's unlock throttle, shared by every backend (so two windows or transports cannot double the rate). */
export const processUnlockThrottle = new UnlockThrottle();

/** A token bucket's settings. */
export interface BucketLimit {
  /** Tokens added per second. */
  readonly ratePerSec: number;
  /** Largest burst (bucket capacity). */
  readonly burst: number;
}

/** Per-channel limits: a default and overrides. */
export interface ChannelLimits {
  readonly default: BucketLimit;
  readonly channels: Partial<Record<Channel, BucketLimit>>;
}

/**
 * Defaults: generous for a person and the window (lists, saves and reads at hundreds per second), tighter
 * for the channels that cost seconds of CPU or disk (a KDF run, a full verify, a backup).
 */
export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = {
  default: { ratePerSec: 500, burst: 2000 },
  channels: {
    'vault.unlock': { ratePerSec: 2, burst: 10 },
    'vault.create': { ratePerSec: 1, burst: 5 },
    'vault.verify': { ratePerSec: 1, burst: 5 },
    'vault.changePassphrase': { ratePerSec: 0.2, burst: 3 },
    'backup.create': { ratePerSec: 0.2, burst: 3 },
    'backup.restore': { ratePerSec: 0.2, burst: 3 },
    // A system dialog per call: a page cannot stack dialogs on the user. Jobs run one at a time anyway.
    'transfer.pick': { ratePerSec: 1, burst: 5 },
    'transfer.import': { ratePerSec: 1, burst: 5 },
    'transfer.export': { ratePerSec: 1, burst: 5 },
    // A 256 MiB file is 1,024 upload pieces of 256 KiB, and 64 reads of 4 MiB: the burst takes a whole file
    // at once, the rate about 100 MB/s after it. Opening uploads costs a row each: tighter.
    'attachments.chunk': { ratePerSec: 400, burst: 1200 },
    'attachments.read': { ratePerSec: 50, burst: 200 },
    'attachments.begin': { ratePerSec: 20, burst: 100 },
    // A sync or an attach opens a TLS connection to the database: a person clicks a few times, not hundreds.
    'sync.now': { ratePerSec: 0.5, burst: 5 },
    'remote.set': { ratePerSec: 0.2, burst: 5 },
    'remote.clear': { ratePerSec: 0.2, burst: 5 },
    // A clone derives a key (a passphrase: seconds of Argon2id) and pulls the whole remote vault.
    'clone.start': { ratePerSec: 0.2, burst: 3 },
  },
};

/** Token buckets per channel; see the file comment. */
export class ChannelLimiter {
  readonly #limits: ChannelLimits;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(limits: Partial<ChannelLimits> = {}, clock: () => number = Date.now) {
    this.#limits = { default: limits.default ?? DEFAULT_CHANNEL_LIMITS.default, channels: { ...DEFAULT_CHANNEL_LIMITS.channels, ...limits.channels } };
    this.#clock = clock;
  }

  /** Takes a token for `channel`, or throws `RateLimited` with `details.retryAfterMs`. */
  take(channel: Channel): void {
    const limit = this.#limits.channels[channel] ?? this.#limits.default;
    const now = this.#clock();
    const b = this.#buckets.get(channel) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.ratePerSec);
    b.at = now;
    this.#buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfterMs = Math.ceil(((1 - b.tokens) / limit.ratePerSec) * 1000);
    throw new DocvaultError('RateLimited', `${channel}: too many requests; try again in ${retryAfterMs} ms`, { channel, retryAfterMs });
  }
}
