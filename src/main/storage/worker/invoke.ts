/**
 * Calls a Vault method by the name a wire call carries: the one lookup shared by the worker threads
 * (serve.ts) and the connection that answers reads while they start (service/opening-reads.ts).
 */
import { DocvaultError } from '../../../shared/errors';
import type { Vault } from '../vault';

/** `vault[method](...args)`; `Invalid` when the Vault has no such method. */
export function invoke(vault: Vault, method: string, args: readonly unknown[]): unknown {
  const fn = (vault as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new DocvaultError('Invalid', `Unknown storage method ${method}`);
  return (fn as (...a: unknown[]) => unknown).apply(vault, args as unknown[]);
}
