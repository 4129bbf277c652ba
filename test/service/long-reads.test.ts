/**
 * Long reads without a time budget (a backup; a verify run as one call; SQLite's check inside a whole
 * verify) run on a thread of their own, so a caller's read never waits behind one — with one reader, or
 * while the other readers start or restart (issue 12: a get timed out after 30 s behind SQLite's check of
 * a 1M-document vault). No timing here: a get sent while the long read is known to be running (its first
 * progress message is posted from inside it) must be answered before the long read is.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageService, Vault } from '../../src/main/storage';
import { workerFaults } from '../helpers/worker-faults';
import type { Progress } from '../../src/shared/types';
import { hexKey, tempDir } from '../helpers/tmp';
import { kindOf, useFaultWorker, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();
const faultWorker = useFaultWorker();
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A vault whose backup (a copy, then a verify of every row of it) takes far longer than one get. */
function vault(docs: number): { dir: string; path: string; key: string } {
  const { dir, cleanup } = tempDir('docvault-long-');
  cleanups.push(cleanup);
  const key = hexKey();
  const path = join(dir, 'v.dvault');
  const v = Vault.createSync(path, { key: { rawKey: key } });
  for (let i = 0; i < docs; i += 500)
    v.bulkCreate(Array.from({ length: Math.min(500, docs - i) }, (_, k) => ({ id: `d${i + k}`, content: `content ${i + k} `.repeat(60), tags: [`t${(i + k) % 7}`] })));
  v.close();
  return { dir, path, key };
}

async function open(path: string, key: string, readers: number, workerPath = worker()): Promise<StorageService> {
  const s = await StorageService.open(path, { key: { rawKey: key }, workerPath, readers });
  cleanups.push(() => s.close());
  const faults = workerFaults(s);
  await waitFor('every worker started', () => faults.allReady());
  return s;
}

/**
 * Starts `long` (given a progress callback), and at its first progress — posted from inside the call, so
 * it is running — sends a get. Resolves with the order in which the two were answered.
 */
async function getDuring(s: StorageService, long: (onProgress: (p: Progress) => void) => Promise<unknown>): Promise<string[]> {
  const order: string[] = [];
  let get: Promise<unknown> | undefined;
  const longDone = long(() => {
    get ??= s.get('d7').then(() => order.push('get'));
  }).then(() => order.push('long'));
  await longDone;
  await get;
  return order;
}

describe('long reads run on a thread of their own', () => {
  it('with one reader, a get sent while a backup runs is answered before it; the thread is stopped after', async () => {
    const { dir, path, key } = vault(3000);
    const s = await open(path, key, 1);
    const faults = workerFaults(s);
    let threads = 0;
    const order = await getDuring(s, (onProgress) =>
      s.backup(join(dir, 'copy.dvault'), {
        onProgress: (p) => {
          threads = Math.max(threads, faults.longThreads());
          onProgress(p);
        },
      }),
    );
    expect(order).toEqual(['get', 'long']);
    expect(threads).toBe(1);
    // The backup's thread is not kept once no long read waits.
    await waitFor('the long-read thread stopped', () => faults.longThreads() === 0);
  });

  it('with one reader, a get sent while a verify runs as one call (deep: SQLite\'s whole-file check) is answered before it', async () => {
    const { path, key } = vault(3000);
    const s = await open(path, key, 1);
    const order = await getDuring(s, (onProgress) => s.with({ timeoutMs: 600_000 }).verify(onProgress, { deep: true }));
    expect(order).toEqual(['get', 'long']);
  });

  it('with two readers, one restarting: a get is not queued behind a backup on the other', async () => {
    const { dir, path, key } = vault(3000);
    const s = await open(path, key, 2);
    const faults = workerFaults(s);
    // The second reader is down (as right after open, or after a crash): only reader-1 is ready.
    faults.crash('reader', 1);
    await waitFor('reader-2 restarting', () => !faults.allReady());
    const order = await getDuring(s, (onProgress) => s.backup(join(dir, 'copy.dvault'), { onProgress }));
    expect(order).toEqual(['get', 'long']);
  });

  it('a whole verify, deep, with one reader: the same report as with two, reads answered throughout', async () => {
    const { path, key } = vault(2000);
    const one = await open(path, key, 1);
    const gets: Promise<unknown>[] = [];
    const report = await one.verify(() => gets.push(one.get(`d${gets.length % 2000}`)), { deep: true });
    await Promise.all(gets);
    expect(report).toMatchObject({ ok: true, problems: [], documents: 2000, versions: 2000 });
    expect(gets.length).toBeGreaterThan(0);
    await one.close();
    const two = await open(path, key, 2);
    expect(await two.verify(undefined, { deep: true })).toMatchObject({ ok: true, documents: 2000, versions: 2000, skipped: report.skipped });
  });

  it('a long-read thread that dies fails only the long read it held; one waiting for a thread then gets a new one', async () => {
    const { dir, path, key } = vault(3000);
    const s = await open(path, key, 1);
    const faults = workerFaults(s);
    // One reader: one long-read thread at a time, so the second backup waits for the first one's thread.
    let crashed = false;
    const first = kindOf(
      s.backup(join(dir, 'first.dvault'), {
        onProgress: () => {
          if (crashed) return;
          crashed = true;
          // Inside the backup (its first progress is posted from it): the thread dies holding it.
          faults.crash('long', 0);
        },
      }),
    );
    const second = s.backup(join(dir, 'second.dvault'));
    expect(await first).toBe('WorkerCrashed');
    expect((await second).documents).toBe(3000);
    expect((await s.get('d5')).id).toBe('d5');
    await waitFor('the long-read threads stopped', () => faults.longThreads() === 0);
  });

  it('a long-read thread that cannot open the vault fails the long read (not the service); the next one tries again', async () => {
    const { dir, path, key } = vault(200);
    const s = await open(path, key, 1);
    const faults = workerFaults(s);
    // The vault file goes away under the running service: its threads keep their open connections, a new one cannot open it.
    rmSync(path);
    const kind = await kindOf(s.backup(join(dir, 'copy.dvault')));
    expect(kind).not.toBe('resolved');
    expect(kind).not.toBe('not-docvault');
    expect(faults.longThreads()).toBe(0);
    expect((await s.get('d3')).id).toBe('d3');
    // Not stuck: the next long read starts a thread again (and fails the same way). A backup, not a whole
    // verify: a verify of 200 documents may end in its first chunk on a reader, without a long read at all.
    expect(await kindOf(s.backup(join(dir, 'copy-2.dvault')))).toBe(kind);
  });

  it('stats() lists a long-read thread while it exists (role long, its read in flight), then counts it in longReads', async () => {
    const { dir, path, key } = vault(300);
    const s = await open(path, key, 2, faultWorker());
    const faults = workerFaults(s);
    const before = await s.stats();
    const readers = before.service.workers.filter((w) => w.role === 'reader');
    expect(readers.map((w) => w.name)).toEqual(['reader-1', 'reader-2']);
    expect(before.service.workers.some((w) => w.role === 'long')).toBe(false);
    expect(before.service.longReads).toEqual({ threads: 0, completed: 0, busyMs: 0 });

    const backup = s.backup(join(dir, 'copy.dvault'));
    const release = await faults.holdLong();
    try {
      await waitFor('the backup handed to its thread', () => faults.inFlight('long') === 1);
      const during = await s.stats();
      expect(during.service.workers.filter((w) => w.role === 'long')).toEqual([
        { name: 'long-1', role: 'long', ready: true, inFlight: 1, completed: 0, busyMs: 0, restarts: 0 },
      ]);
      // Listed after the writer and the readers, which are as they were: the long read is not on them.
      expect(during.service.workers.map((w) => w.role)).toEqual(['writer', 'reader', 'reader', 'long']);
      expect(during.service.workers.filter((w) => w.role === 'reader')).toEqual(readers);
      expect(during.service.longReads).toEqual({ threads: 1, completed: 0, busyMs: 0 });
    } finally {
      release();
    }
    expect((await backup).documents).toBe(300);
    await waitFor('the long-read thread stopped', () => faults.longThreads() === 0);
    const after = await s.stats();
    expect(after.service.workers.some((w) => w.role === 'long')).toBe(false);
    expect(after.service.workers.filter((w) => w.role === 'reader')).toEqual(readers);
    // The stopped thread's work still counts: one long read answered, its time measured in the thread.
    expect(after.service.longReads).toMatchObject({ threads: 1, completed: 1 });
    expect(after.service.longReads.busyMs).toBeGreaterThan(0);
  });

  it('a long-read thread that dies holding its read leaves stats().service.workers; nothing counts as done', async () => {
    const { dir, path, key } = vault(300);
    const s = await open(path, key, 1, faultWorker());
    const faults = workerFaults(s);
    const backup = kindOf(s.backup(join(dir, 'copy.dvault')));
    const release = await faults.holdLong();
    try {
      await waitFor('the backup handed to its thread', () => faults.inFlight('long') === 1);
      expect((await s.stats()).service.workers.filter((w) => w.role === 'long').map((w) => w.inFlight)).toEqual([1]);
      faults.crash('long', 0);
      expect(await backup).toBe('WorkerCrashed');
    } finally {
      release();
    }
    const after = await s.stats();
    expect(after.service.workers.map((w) => w.role)).toEqual(['writer', 'reader']);
    expect(after.service.longReads).toEqual({ threads: 1, completed: 0, busyMs: 0 });
    expect(after.service.rejected.crashed).toBe(1);
  });
});
