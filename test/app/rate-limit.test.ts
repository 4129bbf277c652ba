/**
 * Rate limits: wrong passphrases back off exponentially per vault (and a right one is refused too while the
 * back-off lasts); per-channel token buckets at the handler, which both transports use.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { ChannelLimiter, UnlockThrottle } from '../../src/app/rate-limit';
import { vaultStoreFactory } from '../../src/app/store';
import { DocvaultError, isDocvaultError } from '../../src/shared/errors';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function caught(fn: () => void): DocvaultError | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DocvaultError) return err;
    throw err;
  }
  return undefined;
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isDocvaultError(err) ? err.kind : 'not-docvault';
  }
}

describe('UnlockThrottle', () => {
  it('allows three failures, then doubles the wait after each further one, up to the cap; a success clears it', () => {
    let now = 1_000_000;
    const t = new UnlockThrottle({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 5000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(caught(() => t.check('/v'))).toBeUndefined();
      t.failed('/v');
    }
    expect(caught(() => t.check('/v'))).toBeUndefined(); // the fourth attempt is free
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.failed('/v');
      const e = caught(() => t.check('/v'));
      expect(e?.kind).toBe('RateLimited');
      waits.push(e?.details?.['retryAfterMs'] as number);
      expect(caught(() => t.check('/other'))).toBeUndefined(); // per vault
      now += waits[i] as number;
      expect(caught(() => t.check('/v'))).toBeUndefined();
    }
    expect(waits).toEqual([1000, 2000, 4000, 5000, 5000]);
    t.succeeded('/v');
    t.failed('/v');
    expect(caught(() => t.check('/v'))).toBeUndefined();
  });
});

describe('ChannelLimiter', () => {
  it('a token bucket per channel: the burst passes, then RateLimited with retryAfterMs until tokens refill', () => {
    let now = 0;
    const l = new ChannelLimiter({ channels: { 'doc.get': { ratePerSec: 2, burst: 3 } } }, () => now);
    for (let i = 0; i < 3; i++) l.take('doc.get');
    const e = caught(() => l.take('doc.get'));
    expect(e?.kind).toBe('RateLimited');
    expect(e?.details).toMatchObject({ channel: 'doc.get', retryAfterMs: 500 });
    l.take('doc.list'); // other channels have their own buckets
    now += 500;
    l.take('doc.get');
    expect(caught(() => l.take('doc.get'))?.kind).toBe('RateLimited');
  });
});

describe('rate limits through the backend and the handler', () => {
  it('wrong passphrases back off; the right one is refused during the back-off and clears it after', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    let now = 5_000_000;
    const path = join(t.dir, 'v.dvault');
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory, unlockThrottle: new UnlockThrottle({}, () => now) });
    await b.create('right');
    await b.lock();
    for (let i = 0; i < 4; i++) expect(await kindOf(b.unlock({ passphrase: 'wrong' }))).toBe('WrongKey');
    const handle = createHandler(b);
    const r = await handle('vault.unlock', { passphrase: 'right' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'RateLimited', details: { retryAfterMs: 1000 } } });
    now += 1000;
    expect(await kindOf(b.unlock({ passphrase: 'right' }))).toBe('ok');
    await b.lock();
    expect(await kindOf(b.unlock({ passphrase: 'wrong' }))).toBe('WrongKey'); // the count started again
    expect(await kindOf(b.unlock({ passphrase: 'right' }))).toBe('ok');
    await b.close();
  });

  it('per-channel limits answer RateLimited in the result envelope, configurable per backend', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({
      vaultPath: join(t.dir, 'v.dvault'),
      storeFactory: vaultStoreFactory,
      channelLimits: { channels: { 'vault.status': { ratePerSec: 0.001, burst: 2 } } },
    });
    const handle = createHandler(b);
    expect((await handle('vault.status', {})).ok).toBe(true);
    expect((await handle('vault.status', {})).ok).toBe(true);
    const third = await handle('vault.status', {});
    expect(third).toMatchObject({ ok: false, error: { kind: 'RateLimited', details: { channel: 'vault.status' } } });
    // A second transport over the same backend shares the bucket.
    expect(await createHandler(b)('vault.status', {})).toMatchObject({ ok: false, error: { kind: 'RateLimited' } });
    expect((await handle('vault.lock', {})).ok).toBe(true);
    await b.close();
  });
});
