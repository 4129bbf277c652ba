/**
 * Checkpoints off the commit path (engine/checkpoint.ts): with the commit-time bound switched off
 * (`walCheckpointPages: 0`), a write stays in the `-wal` only until the writer has been idle for
 * `idleCheckpointMs`, then reaches the main file without a close; an open transaction or a run of
 * transactions holds the idle checkpoint back; a reader's old snapshot does not make it fail; and a
 * crash image taken with a long WAL opens with every commit. A PLAIN vault, so the main file can be
 * searched for a document's text.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Vault } from '../../src/main/storage';
import { IdleCheckpointer, type IdleWork } from '../../src/main/storage/engine/checkpoint';
import { asWritable } from '../../src/main/storage/engine/db';
import { tempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0)) c();
});

function plainVault(opts: { idleCheckpointMs?: number; walCheckpointPages?: number }): { vault: Vault; path: string; dir: string } {
  const { dir, cleanup } = tempDir('docvault-ckpt-');
  const path = join(dir, 'plain.dvault');
  Vault.createSync(path, { key: { encryption: false } }).close();
  const vault = Vault.openSync(path, { key: { encryption: false }, ...opts });
  cleanups.push(() => {
    if (vault.isOpen) vault.close();
    cleanup();
  });
  return { vault, path, dir };
}

const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}-TEXT`;
const inMain = (path: string, text: string): boolean => existsSync(path) && readFileSync(path).includes(Buffer.from(text, 'utf8'));

/** A bare WAL database with one table and no commit-time checkpoint, closed and removed after the test. */
function walDb(prefix: string): Database.Database {
  const { dir, cleanup } = tempDir(prefix);
  cleanups.push(cleanup);
  const raw = new Database(join(dir, 'unit.db'));
  cleanups.unshift(() => raw.close());
  raw.pragma('journal_mode = WAL');
  raw.pragma('wal_autocheckpoint = 0');
  raw.exec('CREATE TABLE t (x TEXT)');
  return raw;
}

/** Polls `cond` on timers (no fixed sleep), failing after `limitMs`. */
describe('idle checkpoints', () => {
  it('fold a commit into the main file once the writer is idle, without a close', async () => {
    const { vault, path } = plainVault({ idleCheckpointMs: 20, walCheckpointPages: 0 });
    const text = secret('idle');
    vault.create({ id: 'a', title: 't', content: text, type: 'note' });
    // The commit is durable in the WAL; with the bound off, only the idle checkpoint can copy it over.
    expect(inMain(path, text)).toBe(false);
    await waitFor('the idle checkpoint copies the text into the main file', () => inMain(path, text));
    expect(vault.get('a').content).toBe(text);
  });

  it('a list by update time with nothing to flush does not hold the idle checkpoint off', async () => {
    const { vault, path } = plainVault({ idleCheckpointMs: 60, walCheckpointPages: 0 });
    const text = secret('listed');
    vault.create({ id: 'a', title: 't', content: text, type: 'note' });
    // The first list flushes the new document (a write: the idle time starts again); the later ones, every
    // few ms, find nothing queued and must leave the idle time running.
    expect(vault.list().items.map((d) => d.id)).toEqual(['a']);
    await waitFor('the idle checkpoint runs while lists keep coming', () => {
      vault.list();
      return inMain(path, text);
    }, 10_000);
  });

  it('do nothing while commits keep coming or a transaction is open (fake timers)', () => {
    vi.useFakeTimers();
    const raw = walDb('docvault-ckpt-unit-');
    let clock = 0;
    const idle = new IdleCheckpointer(asWritable(raw), 100, () => clock);
    const insert = raw.prepare('INSERT INTO t VALUES (?)');
    // A commit every 50 ms: never idle for 100 ms, so no checkpoint.
    for (let i = 0; i < 10; i++) {
      insert.run(String(i));
      idle.touched();
      clock += 50;
      vi.advanceTimersByTime(50);
    }
    expect(idle.runs).toBe(0);
    // A transaction left open: idle by the clock, but the checkpoint waits for it.
    raw.exec('BEGIN IMMEDIATE');
    insert.run('open');
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(idle.runs).toBe(0);
    raw.exec('COMMIT');
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(idle.runs).toBe(1);
    // Nothing touched since: no more checkpoints, and no timer left behind.
    vi.advanceTimersByTime(10_000);
    expect(idle.runs).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    idle.touched();
    idle.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retry, less and less often, a checkpoint that a reader\'s snapshot held back, until it completes (fake timers)', () => {
    vi.useFakeTimers();
    const { dir, cleanup } = tempDir('docvault-ckpt-reader-');
    cleanups.push(cleanup);
    const path = join(dir, 'unit.db');
    const raw = new Database(path);
    cleanups.unshift(() => raw.close());
    raw.pragma('journal_mode = WAL');
    raw.pragma('wal_autocheckpoint = 0');
    raw.exec('CREATE TABLE t (x TEXT)');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    const insert = raw.prepare('INSERT INTO t VALUES (?)');
    insert.run('before');
    const reader = new Database(path, { readonly: true });
    cleanups.unshift(() => reader.close());
    reader.exec('BEGIN');
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    const after = secret('after');
    insert.run(after);
    let clock = 0;
    const idle = new IdleCheckpointer(asWritable(raw), 100, () => clock);
    idle.touched();
    clock += 100;
    vi.advanceTimersByTime(100);
    // Ran, but the page the reader's snapshot still reads cannot be copied: a retry is pending.
    expect(idle.runs).toBe(1);
    expect(inMain(path, after)).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    clock += 100;
    vi.advanceTimersByTime(100);
    expect(idle.runs).toBe(2);
    // The next wait is longer (backoff): 100 ms later nothing ran.
    clock += 100;
    vi.advanceTimersByTime(100);
    expect(idle.runs).toBe(2);
    reader.exec('COMMIT');
    clock += 10_000;
    vi.advanceTimersByTime(10_000);
    expect(idle.runs).toBe(3);
    expect(inMain(path, after)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    idle.close();
  });

  it('run idle work one step per timer before the checkpoint; a write between steps waits for the next idle time (fake timers)', () => {
    vi.useFakeTimers();
    const raw = walDb('docvault-ckpt-work-');
    const insert = raw.prepare('INSERT INTO t VALUES (?)');
    const log: string[] = [];
    let left = 3;
    let fail = false;
    const work: IdleWork = {
      get pending() {
        return left > 0;
      },
      touched: () => log.push('touched'),
      step: () => {
        if (fail) throw new Error('SQLITE_BUSY');
        log.push(`step ${left}`);
        return --left > 0;
      },
    };
    let clock = 0;
    // Work pending at open is scheduled for the first idle time.
    const idle = new IdleCheckpointer(asWritable(raw), 100, () => clock, work);
    expect(vi.getTimerCount()).toBe(1);
    clock += 100;
    vi.advanceTimersByTime(100);
    expect(log.filter((e) => e.startsWith('step'))).toEqual(['step 3']);
    expect(idle.runs).toBe(0);
    // A commit between two steps: no step until the writer has been idle again for 100 ms.
    insert.run('a');
    idle.touched();
    clock += 50;
    vi.advanceTimersToNextTimer();
    expect(log.filter((e) => e.startsWith('step'))).toEqual(['step 3']);
    clock += 50;
    vi.advanceTimersToNextTimer();
    expect(log.filter((e) => e.startsWith('step'))).toEqual(['step 3', 'step 2']);
    // The last step, then the checkpoint in the same timer; then nothing is left to run.
    vi.advanceTimersToNextTimer();
    expect(log.filter((e) => e.startsWith('step'))).toEqual(['step 3', 'step 2', 'step 1']);
    expect(idle.runs).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    // A step that throws: the checkpoint still runs, and the step is retried after a wait, not at once.
    left = 1;
    fail = true;
    insert.run('b');
    idle.touched();
    clock += 100;
    vi.advanceTimersByTime(100);
    expect(idle.runs).toBe(2);
    expect(left).toBe(1);
    fail = false;
    vi.advanceTimersByTime(1);
    expect(left).toBe(1);
    clock += 100;
    vi.advanceTimersByTime(100);
    expect(left).toBe(0);
    expect(idle.runs).toBe(3);
    expect(log.filter((e) => e === 'touched')).toHaveLength(3);
    idle.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leave a long WAL that a crash image recovers in full', () => {
    const { vault, path, dir } = plainVault({ idleCheckpointMs: 60_000, walCheckpointPages: 0 });
    for (let i = 0; i < 50; i++) vault.create({ id: `d${i}`, title: `t${i}`, content: `c${i}`, type: 'note' });
    const image = join(dir, 'image.dvault');
    copyFileSync(path, image);
    copyFileSync(`${path}-wal`, `${image}-wal`);
    const copy = Vault.openSync(image, { key: { encryption: false } });
    try {
      expect(copy.count()).toBe(50);
      expect(copy.get('d49').content).toBe('c49');
      expect(copy.verify().ok).toBe(true);
    } finally {
      copy.close();
    }
  });
});
