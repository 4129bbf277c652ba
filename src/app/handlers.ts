/**
 * Transport-agnostic request handling: `handle(channel, rawInput) → Result`. Unknown channels and bad
 * inputs are refused here with typed errors, before anything reaches the backend; whatever the backend
 * throws comes back as `{ ok: false, error: { kind, message } }`. IPC and HTTP both call this.
 */
import { isChannel, type Channel, type ChannelOutputs, type Result } from '../shared/contract';
import { DocvaultError, serializeError } from '../shared/errors';
import { parseInput } from '../shared/schemas';
import type { DocvaultBackend } from './backend';

/** Handles one request of any transport. */
export type RequestHandler = (channel: string, rawInput: unknown) => Promise<Result<unknown>>;

/** Calls slower than this are logged (name and duration only: never inputs, which may hold secrets). */
const SLOW_CALL_MS = 1000;

/** Builds the request handler over `backend`. */
export function createHandler(backend: DocvaultBackend, log: (line: string) => void = () => {}): RequestHandler {
  return async (channel, rawInput) => {
    const t0 = performance.now();
    let failed = true;
    try {
      if (typeof channel !== 'string' || !isChannel(channel))
        throw new DocvaultError('Invalid', `Unknown channel "${String(channel).slice(0, 64)}"`, { channel: String(channel).slice(0, 64) });
      // Before parsing: a flood of bad input costs no more than a flood of good input.
      backend.limiter.take(channel);
      const value = await dispatch(backend, channel, rawInput);
      failed = false;
      return { ok: true, value };
    } catch (err) {
      const error = serializeError(err);
      if (error.kind === 'Internal') log(`${String(channel)} failed: ${error.message}`);
      return { ok: false, error };
    } finally {
      const ms = performance.now() - t0;
      if (isChannel(channel)) backend.noteCall(channel, ms, failed);
      if (ms > SLOW_CALL_MS) log(`${String(channel)} took ${Math.round(ms)} ms`);
    }
  };
}

async function dispatch<C extends Channel>(backend: DocvaultBackend, channel: C, rawInput: unknown): Promise<ChannelOutputs[C]> {
  const input = parseInput(channel, rawInput);
  const fn = backend.channels[channel] as (i: typeof input) => Promise<ChannelOutputs[C]>;
  return fn(input);
}
