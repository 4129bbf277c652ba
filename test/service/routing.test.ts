/** Which reader a read goes to: the least loaded, but never behind a long read without a budget while another reader is ready. */
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/main/storage/service/worker-pool';

function pool(readers: number): WorkerPool<string> {
  const noop = (): void => undefined;
  return new WorkerPool<string>(
    {},
    {
      path: '/nonexistent',
      workerPath: '/nonexistent',
      key: { encryption: false },
      memoryMode: 'standard',
      options: { key: { encryption: false } },
      readers,
      externalCheckMs: 10,
      slowCallMs: 40,
      maxRestarts: 1,
      signal: new SharedArrayBuffer(4),
    },
    { results: noop, progress: noop, crashed: noop, ready: noop, gaveUp: noop },
  );
}

describe('leastLoadedReader', () => {
  it('picks the ready reader with the fewest calls in flight', () => {
    const p = pool(3);
    const [a, b, c] = p.readers;
    a!.state = 'ready';
    b!.state = 'ready';
    c!.state = 'starting';
    a!.inFlight.set(1, 'x').set(2, 'y');
    b!.inFlight.set(3, 'z');
    expect(p.leastLoadedReader()).toBe(b);
  });

  it('keeps reads off a reader running a long read without a budget while another is ready, however loaded', () => {
    const p = pool(2);
    const [a, b] = p.readers;
    a!.state = 'ready';
    b!.state = 'ready';
    a!.inFlight.set(1, 'integrity check');
    a!.long = 1;
    for (let i = 0; i < 20; i++) b!.inFlight.set(10 + i, 'get');
    expect(p.leastLoadedReader()).toBe(b);
    // With no other reader ready, it still answers (after the long read).
    b!.state = 'starting';
    expect(p.leastLoadedReader()).toBe(a);
  });
});
