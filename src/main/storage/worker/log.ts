/**
 * A tiny stderr logger for storage workers. It prints method names, counts and durations only:
 * never arguments, ids, content or key material.
 */

/** Calls slower than this are worth a line (Signal Desktop logs SQL calls over 40 ms). */
export const DEFAULT_SLOW_CALL_MS = 40;

/** Writes one line to stderr, prefixed with the worker's name. */
export function logLine(worker: string, message: string): void {
  process.stderr.write(`[docvault ${worker}] ${message}\n`);
}

/** Logs a call that took `ms` when it is over `thresholdMs`. */
export function logIfSlow(worker: string, what: string, ms: number, thresholdMs: number): void {
  if (ms >= thresholdMs) logLine(worker, `slow ${what}: ${ms.toFixed(1)} ms`);
}
