/**
 * The one way tests look at errors: by `kind`, never by message, and never mistaking a plain Error (or
 * no error at all) for a typed one. The service tests use this `kindOf` too (re-exported by test/service/helpers.ts).
 */
import { expect } from 'vitest';
import type { Result } from '../../src/shared/contract';
import { isDocvaultError, type DocvaultError, type ErrorKind } from '../../src/shared/errors';

/** What a call ended with: a DocvaultError's kind, success, or something untyped. */
export type Outcome = ErrorKind | 'resolved' | 'not-docvault';

/** The outcome of a synchronous call. */
export function kindOfSync(fn: () => unknown): Outcome {
  try {
    fn();
    return 'resolved';
  } catch (err) {
    return isDocvaultError(err) ? err.kind : 'not-docvault';
  }
}

/** The outcome of a promise, or of a function that returns one (or throws). */
export async function kindOf(p: Promise<unknown> | (() => unknown)): Promise<Outcome> {
  try {
    await (typeof p === 'function' ? Promise.resolve().then(p) : p);
    return 'resolved';
  } catch (err) {
    return isDocvaultError(err) ? err.kind : 'not-docvault';
  }
}

/** The DocvaultError a synchronous call throws; fails the test if it returns or throws anything else. */
export function errorOf(fn: () => unknown): DocvaultError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (!isDocvaultError(thrown)) throw new Error(`expected a DocvaultError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  return thrown;
}

/** Expects the call or promise to fail with a DocvaultError of `kind`. */
export async function expectKind(p: Promise<unknown> | (() => unknown), kind: ErrorKind): Promise<void> {
  expect(await kindOf(p)).toBe(kind);
}

/** `'ok'` or the error kind of a `{ ok, value | error }` envelope (IPC, HTTP, the handler). */
export function resultKind(r: Result<unknown>): ErrorKind | 'ok' {
  return r.ok ? 'ok' : r.error.kind;
}

/** Kinds that name damage to the file: `Corrupt` where the engine has it, `NotAVault` for a header it cannot read. */
export const DAMAGE_KINDS: readonly string[] = ['NotAVault', 'Corrupt', 'Integrity'];
