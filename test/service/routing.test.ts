/** Which reader a read goes to: the least loaded. */
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
    { results: noop, progress: noop, crashed: noop, ready: noop, gaveUp: noop, longFailed: noop },
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
});
