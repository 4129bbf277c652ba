/** The service's option defaults (docs/service.md lists each), and the scheduler's limits they make. */
import type { Limits } from './scheduler';
import type { ServiceOptions } from './types';

/** Defaults of the {@link ServiceOptions} a caller may leave out. */
export const SERVICE_DEFAULTS = {
  maxPendingReads: 10_000,
  maxPendingWrites: 10_000,
  maxGroupCommit: 1_000,
  maxCommitsInFlight: 2,
  maxReaderInFlight: 256,
  maxReadBatch: 16,
  timeoutMs: 30_000,
  externalCheckMs: 10,
  slowCallMs: 40,
  maxRestarts: 3,
} as const;

/** The scheduler's limits from `opts`, with the defaults, and at least 1 where 0 would stall it. */
export function schedulerLimits(opts: ServiceOptions): Limits {
  const d = SERVICE_DEFAULTS;
  return {
    maxPendingReads: opts.maxPendingReads ?? d.maxPendingReads,
    maxPendingWrites: opts.maxPendingWrites ?? d.maxPendingWrites,
    maxGroupCommit: Math.max(1, opts.maxGroupCommit ?? d.maxGroupCommit),
    maxCommitsInFlight: Math.max(1, opts.maxCommitsInFlight ?? d.maxCommitsInFlight),
    maxReaderInFlight: Math.max(1, opts.maxReaderInFlight ?? d.maxReaderInFlight),
    maxReadBatch: Math.max(1, opts.maxReadBatch ?? d.maxReadBatch),
    timeoutMs: opts.timeoutMs ?? d.timeoutMs,
  };
}
