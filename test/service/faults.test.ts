/**
 * Workers killed under load: the calls they held fail with WorkerCrashed, the service restarts them,
 * nothing acknowledged is lost and the vault verifies.
 */
import { describe, expect, it } from 'vitest';
import { unlinkSync } from 'node:fs';
import { isDocvaultError } from '../../src/shared/errors';
import { Vault } from '../../src/main/storage/vault';
import { workerFaults } from '../helpers/worker-faults';
import { kindOf, makeService, useFaultWorker, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();
/** Stalls and `exit` crashes are the fault worker's (test/fixtures/fault-worker.ts). */
const faultWorker = useFaultWorker();

describe('worker crashes', () => {
  it('a reader and the writer killed mid-load: typed errors, recovery, nothing acknowledged lost', async () => {
    const ctx = await makeService(faultWorker, { readers: 2 });
    try {
      await crashUnderLoad(ctx);
    } finally {
      if (ctx.service.isOpen) await ctx.cleanup();
    }
  });

  async function crashUnderLoad(ctx: Awaited<ReturnType<typeof makeService>>): Promise<void> {
    const s = ctx.service;
    const ids = Array.from({ length: 16 }, (_, i) => `k-${i}`);
    await s.bulkCreate(ids.map((id) => ({ id, content: 'seed' })));

    const acked = new Map<string, string>(); // "id@version" -> content
    const crashedWrites = new Set<string>(); // contents of writes that failed WorkerCrashed
    const otherErrors: string[] = [];
    let crashedCalls = 0;
    /** Calls that succeeded after the first crash, and after the second. */
    const okAfter = [0, 0];
    let phase = -1;
    let stop = false;

    const caller = async (c: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const id = ids[(c + n) % ids.length] as string;
        const content = `${c}:${n}`;
        const startedIn = phase;
        try {
          if (n % 3 === 0) {
            await s.getVersion(id, 1);
          } else {
            const d = await s.update(id, { content });
            acked.set(`${id}@${d.version}`, content);
          }
          // Counted only for calls made after the crash, so they were served by the restarted threads.
          if (startedIn >= 0 && startedIn === phase) okAfter[phase] = (okAfter[phase] ?? 0) + 1;
        } catch (err) {
          if (isDocvaultError(err, 'WorkerCrashed')) {
            crashedCalls++;
            if (n % 3 !== 0) crashedWrites.add(content);
          } else otherErrors.push(String(err));
        }
      }
    };
    const faults = workerFaults(s);
    await waitFor('every worker started', () => faults.allReady());
    const load = Promise.all(Array.from({ length: 32 }, (_, c) => caller(c)));

    await waitFor('100 acknowledged writes before the first crash', () => acked.size >= 100);
    faults.crash('writer', 0, 'terminate');
    faults.crash('reader', 1, 'terminate');
    phase = 0;
    await waitFor('200 calls served after the first crash', () => (okAfter[0] ?? 0) >= 200);
    // A second round with the threads blocked first, so that each surely holds calls when it dies.
    await Promise.all([faults.stall('writer', 0, 400), faults.stall('reader', 0, 400)]);
    await waitFor('the stalled writer and reader hold calls', () => faults.inFlight('writer') > 0 && faults.inFlight('reader', 0) > 0);
    faults.crash('writer', 0, 'terminate');
    faults.crash('reader', 0, 'exit');
    phase = 1;
    await waitFor('200 calls served after the second crash', () => (okAfter[1] ?? 0) >= 200);
    // The `exit` message waits behind the stall; keep the load on until both restarts are done.
    await waitFor('both readers restarted', async () => {
      const w = (await s.stats()).service.workers;
      return w.filter((x) => x.role === 'reader').reduce((n, x) => n + x.restarts, 0) === 2 && w.every((x) => x.ready);
    });
    stop = true;
    await load;

    expect(otherErrors).toEqual([]);
    expect(crashedCalls).toBeGreaterThan(0);
    const st = await s.stats();
    const restarts = Object.fromEntries(st.service.workers.map((w) => [w.name, w.restarts]));
    expect(restarts['writer']).toBe(2);
    expect((restarts['reader-1'] ?? 0) + (restarts['reader-2'] ?? 0)).toBe(2);
    expect(st.service.rejected.crashed).toBe(crashedCalls);
    expect((await s.verify()).ok).toBe(true);
    // Reads after the crashes see every acknowledged write.
    for (const [key, content] of acked) {
      const [id, version] = key.split('@') as [string, string];
      expect((await s.getVersion(id, Number(version))).content).toBe(content);
    }
    await s.close();

    const v = Vault.openSync(ctx.path, { key: { rawKey: ctx.key } });
    try {
      expect(v.verify().ok).toBe(true);
      for (const id of ids) {
        for (const info of v.versions(id)) {
          if (info.version === 1) continue;
          const content = v.getVersion(id, info.version).content;
          const ack = acked.get(`${id}@${info.version}`);
          // Each stored version is an acknowledged write, or one whose caller was told WorkerCrashed (outcome unknown).
          if (ack !== undefined) expect(content).toBe(ack);
          else expect(crashedWrites.has(content), `${id}@${info.version} = ${content}`).toBe(true);
        }
      }
      for (const key of acked.keys()) {
        const [id, version] = key.split('@') as [string, string];
        expect(v.getVersion(id, Number(version)).content).toBe(acked.get(key));
      }
    } finally {
      v.close();
      await ctx.cleanup();
    }
  }

  it('a worker that cannot be restarted fails every call with WorkerCrashed instead of hanging', async () => {
    const ctx = await makeService(faultWorker, { readers: 1, maxRestarts: 1 });
    try {
      await unrestartable(ctx);
    } finally {
      await ctx.cleanup();
    }
  });

  async function unrestartable(ctx: Awaited<ReturnType<typeof makeService>>): Promise<void> {
    const s = ctx.service;
    await s.create({ id: 'x', content: 'x' });
    // Take the vault away, then kill the writer: it cannot reopen.
    const { renameSync } = await import('node:fs');
    renameSync(ctx.path, ctx.path + '.moved');
    const faults = workerFaults(s);
    await faults.stall('writer', 0, 300);
    const held = s.update('x', { content: 'y' });
    await waitFor('the writer holds the update', () => faults.inFlight('writer') > 0);
    faults.crash('writer');
    expect(await kindOf(held)).toBe('WorkerCrashed');
    // The restarts fail (no vault); then every call fails at once instead of waiting.
    let kind = await kindOf(s.update('x', { content: 'z' }));
    await waitFor('the writer is given up', async () => (kind = await kindOf(s.update('x', { content: 'z' }))) === 'WorkerCrashed');
    expect(kind).toBe('WorkerCrashed');
    renameSync(ctx.path + '.moved', ctx.path);
  }
});

describe('the vault file removed while the service runs', () => {
  it('every write of a group commit made after the file was deleted fails NotFound (vaultRemoved); none is acknowledged', async () => {
    const ctx = await makeService(worker, { readers: 1 });
    try {
      await ctx.service.create({ id: 'before', content: 'saved before the delete' });
      unlinkSync(ctx.path);
      // Sent together, these reach the writer as one group: its commit is refused, then each write alone.
      const writes = Array.from({ length: 6 }, (_, i) => ctx.service.put({ id: `after-${i}`, content: String(i) }));
      const errors = await Promise.all(writes.map((w) => w.then(() => undefined, (err: unknown) => err)));
      for (const err of errors) {
        expect(isDocvaultError(err, 'NotFound')).toBe(true);
        expect((err as { details?: Record<string, unknown> }).details).toMatchObject({ reason: 'vaultRemoved' });
      }
      expect((await ctx.service.get('before')).content).toBe('saved before the delete');
      expect(await kindOf(ctx.service.get('after-0'))).toBe('NotFound');
    } finally {
      await ctx.cleanup();
    }
  });
});
