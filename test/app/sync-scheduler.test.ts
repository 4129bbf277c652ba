/** The background sync's clock, on fake timers: period, back-off after failures, one run at a time, stop on lock. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncScheduler, nextDelayMs } from '../../src/app/sync/sync-scheduler';
import { SYNC_BACKOFF_MAX_S, SYNC_INTERVAL_FLOOR_S } from '../../src/shared/team';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A run the test settles by hand. */
function manualRuns() {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const run = vi.fn(() => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })));
  return { run, pending };
}

describe('nextDelayMs', () => {
  it('is off at 0, floors short periods, doubles per failure up to the cap', () => {
    expect(nextDelayMs(0, 0)).toBeNull();
    expect(nextDelayMs(1, 0)).toBe(SYNC_INTERVAL_FLOOR_S * 1000);
    expect(nextDelayMs(60, 0)).toBe(60_000);
    expect(nextDelayMs(60, 1)).toBe(120_000);
    expect(nextDelayMs(60, 3)).toBe(480_000);
    expect(nextDelayMs(60, 50)).toBe(SYNC_BACKOFF_MAX_S * 1000);
    // A period longer than the cap is never shortened by a failure.
    expect(nextDelayMs(3600, 2)).toBe(3_600_000);
  });
});

describe('SyncScheduler', () => {
  it('runs once per period while started, and not at all before the first period', async () => {
    const run = vi.fn(() => Promise.resolve());
    const s = new SyncScheduler({ run, intervalSeconds: () => 60 });
    s.start();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(run).toHaveBeenCalledTimes(3);
    s.stop();
  });

  it('backs off after failures and returns to the period after a success', async () => {
    let fail = true;
    const run = vi.fn(() => (fail ? Promise.reject(new Error('Offline')) : Promise.resolve()));
    const s = new SyncScheduler({ run, intervalSeconds: () => 60 });
    s.start();
    await vi.advanceTimersByTimeAsync(60_000); // 1st run fails
    expect(s.failures).toBe(1);
    await vi.advanceTimersByTimeAsync(119_999);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // 2nd run, 120 s later, fails
    expect(s.failures).toBe(2);
    fail = false;
    await vi.advanceTimersByTimeAsync(240_000); // 3rd, 240 s later, succeeds
    expect(run).toHaveBeenCalledTimes(3);
    expect(s.failures).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run).toHaveBeenCalledTimes(4);
    s.stop();
  });

  it('never starts a second run while one is in flight, and schedules the next when it ends', async () => {
    const { run, pending } = manualRuns();
    const s = new SyncScheduler({ run, intervalSeconds: () => 10 });
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(s.nextAt).toBeNull();
    await vi.advanceTimersByTimeAsync(100_000); // a slow sync: nothing else starts
    expect(run).toHaveBeenCalledTimes(1);
    pending[0]?.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.nextAt).toBe(Date.now() + 10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(2);
    s.stop();
  });

  it('stops on lock: nothing more runs, and a run in flight when it stopped schedules nothing', async () => {
    const { run, pending } = manualRuns();
    const seen: (number | null)[] = [];
    const s = new SyncScheduler({ run, intervalSeconds: () => 10, onSchedule: (at) => seen.push(at) });
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    s.stop();
    pending[0]?.resolve();
    await vi.advanceTimersByTimeAsync(1_000_000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(s.nextAt).toBeNull();
    expect(seen.at(-1)).toBeNull();
  });

  it('is off at 0 seconds, and picks up a new period when rescheduled', async () => {
    let period = 0;
    const run = vi.fn(() => Promise.resolve());
    const s = new SyncScheduler({ run, intervalSeconds: () => period });
    s.start();
    expect(s.nextAt).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000_000);
    expect(run).not.toHaveBeenCalled();
    period = 30;
    s.reschedule();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(run).toHaveBeenCalledTimes(1);
    s.stop();
  });

  it('a Sync now outside the clock starts a fresh period and counts its failure', async () => {
    const run = vi.fn(() => Promise.resolve());
    const s = new SyncScheduler({ run, intervalSeconds: () => 60 });
    s.start();
    await vi.advanceTimersByTimeAsync(50_000);
    s.ranOutside(false);
    expect(s.failures).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run).not.toHaveBeenCalled(); // backed off to 120 s from the manual sync
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run).toHaveBeenCalledTimes(1);
    s.stop();
  });
});
