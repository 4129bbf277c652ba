/**
 * The production storage worker takes only its protocol (src/main/storage/worker/protocol.ts): the tests'
 * faults (`__stall`, `__crash`, which only the fault worker takes) and any other message outside it are
 * refused with `Invalid`, nothing is done, and the worker goes on serving.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { FromWorker, WorkerInit } from '../../src/main/storage/worker/protocol';
import { hexKey, tempDir } from '../helpers/tmp';
import { workerFaults } from '../helpers/worker-faults';
import { makeService, useWorkerBundle } from './helpers';

const bundle = useWorkerBundle();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The production worker as the service's writer, creating a vault in a temp dir. */
function startWriter(): Worker {
  const { dir, cleanup } = tempDir('docvault-proto-');
  cleanups.push(cleanup);
  const init: WorkerInit = {
    role: 'writer',
    name: 'writer',
    path: join(dir, 'proto.dvault'),
    key: { rawKey: Buffer.from(hexKey(), 'hex') },
    create: true,
    memoryMode: 'standard',
    tuning: {},
    maxContentBytes: undefined,
    maxAttachmentBytes: undefined,
    uploadIdleMs: undefined,
    searchRankWindow: undefined,
    durability: 'full',
    externalCheckMs: 0,
    signal: new SharedArrayBuffer(4),
    slowCallMs: Number.MAX_SAFE_INTEGER,
    nativeBinding: undefined,
  };
  const worker = new Worker(bundle(), { workerData: init });
  cleanups.push(() => worker.terminate());
  return worker;
}

/** Posts `msg` and returns the worker's next message. */
async function ask(worker: Worker, msg: unknown): Promise<FromWorker> {
  const reply = once(worker, 'message') as Promise<[FromWorker]>;
  worker.postMessage(msg);
  return (await reply)[0];
}

describe('the storage worker protocol', () => {
  it('refuses the test-only faults and every other unknown message with Invalid, and goes on serving', async () => {
    const worker = startWriter();
    expect(((await once(worker, 'message')) as [FromWorker])[0]).toEqual({ t: 'ready' });
    const exited = once(worker, 'exit') as Promise<[number]>;

    // A stall long enough to outlast the test, a crash, an unknown type, and messages with no type at all.
    for (const msg of [{ t: '__stall', ms: 3_600_000 }, { t: '__crash' }, { t: 'drop-everything' }, {}, null, 'close']) {
      const reply = await ask(worker, msg);
      expect(reply.t, JSON.stringify(msg)).toBe('refused');
      if (reply.t === 'refused') expect(reply.error.kind).toBe('Invalid');
    }

    // Not stalled, not dead: it commits a write and answers a read at once.
    const committed = await ask(worker, { t: 'commit', calls: [{ seq: 1, method: 'create', args: [{ id: 'a', content: 'still here' }] }] });
    expect(committed.t === 'results' && committed.results[0]?.ok).toBe(true);
    const read = await ask(worker, { t: 'calls', calls: [{ seq: 2, method: 'get', args: ['a'] }] });
    expect(read.t === 'results' && read.results[0]?.ok && (read.results[0].result as { content: string }).content).toBe('still here');

    // It still closes when asked, with exit code 0 (the fault worker's `__crash` exits with 70).
    expect((await ask(worker, { t: 'close' })).t).toBe('closed');
    expect((await exited)[0]).toBe(0);
  });

  it('a service on the production worker: a stall is refused, nothing restarts, and calls go on', async () => {
    const ctx = await makeService(bundle, { readers: 1 });
    cleanups.push(ctx.cleanup);
    const s = ctx.service;
    await s.create({ id: 'x', content: 'x' });
    await expect(workerFaults(s).stall('writer', 0, 3_600_000)).rejects.toThrow(/refused/);
    expect((await s.update('x', { content: 'y' })).version).toBe(2);
    expect((await s.stats()).service.workers.every((w) => w.restarts === 0)).toBe(true);
  });
});
