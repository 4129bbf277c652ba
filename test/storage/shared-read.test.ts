/**
 * Cold single reads in one run of synchronous code share a read transaction from the second on
 * (VaultCore.readInRun): what it saves (a statement's own transaction takes and drops SQLite's file locks)
 * must not change what a caller reads back of its own writes, nor keep the connection from anything else.
 * A reader's snapshot is seen from outside: a TRUNCATE checkpoint by another connection cannot finish
 * while a read transaction holds part of the WAL. A damaged page met inside the shared transaction fails
 * that read alone (the next starts a new one): test/storage/corrupt.test.ts's flipped byte.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { openRaw } from '../helpers/raw-db';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let path: string;
let key: string;
let dir: string;
let cleanup: () => void;
let other: Database.Database;
beforeEach(() => {
  // No document cache: every get reads the vault.
  ({ vault, path, key, dir, cleanup } = makeVault({ tuning: { cacheEntries: 0 } }));
  vault.bulkCreate(Array.from({ length: 6 }, (_, i) => ({ id: `d${i}`, content: `first ${i}` })));
  other = openRaw(path, key);
  other.pragma('busy_timeout = 0');
});
afterEach(() => {
  other.close();
  cleanup();
});

/** Another connection's write to `id`'s content (the row only: enough to tell the snapshots apart). */
function writeOutside(id: string, content: string): void {
  other.prepare("UPDATE versions SET content = ? WHERE vid = (SELECT (doc << 24) + version FROM documents WHERE id = ?)").run(content, id);
}

let outside = 0;
/** Whether another connection can truncate the WAL now (no read transaction of ours holds it). */
function walFree(): boolean {
  // Something in the WAL to hold (a row written unchanged writes no page), then d5 as it was.
  writeOutside('d5', `x${++outside}`);
  writeOutside('d5', 'first 5');
  const [r] = other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return r?.busy === 0;
}

const nextRun = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('cold gets in one synchronous run share a read transaction', () => {
  it('the first reads on its own; from the second, one snapshot until the run ends', async () => {
    expect(walFree()).toBe(true);
    vault.get('d0');
    expect(walFree()).toBe(true);
    vault.get('d1');
    expect(walFree()).toBe(false);
    // In this run a commit from outside is not seen (the run's snapshot)…
    writeOutside('d2', 'changed outside');
    expect(vault.get('d2').content).toBe('first 2');
    await nextRun();
    expect(walFree()).toBe(true);
    // …and from the next run it is: the row, changed outside docvault, fails its check.
    vault.get('d0');
    expect(() => vault.get('d2')).toThrow(/checksum/);
  });

  it('refresh() ends it at once', () => {
    vault.get('d0');
    vault.get('d1');
    expect(walFree()).toBe(false);
    vault.refresh();
    expect(walFree()).toBe(true);
  });

  it("the vault's own writes end it first: a write in the run commits, and the next get reads it back", () => {
    vault.get('d0');
    vault.get('d1');
    const u = vault.update('d1', { content: 'second' });
    expect(u.version).toBe(2);
    expect(walFree()).toBe(true);
    expect(vault.get('d1')).toMatchObject({ content: 'second', version: 2 });
    vault.get('d2');
    vault.transaction(() => vault.update('d2', { content: 'third' }));
    expect(vault.get('d2')).toMatchObject({ content: 'third', version: 2 });
    vault.get('d3');
    expect(vault.bulkCreate([{ id: 'n1', content: 'new' }]).committed).toBe(true);
    expect(vault.exists('n1')).toBe(true);
  });

  it('everything else that uses the connection ends it: lists, verify, backup, stats, close', () => {
    for (const use of [
      () => vault.list(),
      () => vault.verify(),
      () => vault.verify(undefined, { maxMs: 1 }),
      () => vault.backup(`${dir}/copy-${Math.random().toString(36).slice(2)}.dvault`),
      () => vault.stats(),
    ]) {
      vault.get('d0');
      vault.exists('d4');
      expect(walFree()).toBe(false);
      use();
      expect(walFree()).toBe(true);
    }
    vault.get('d0');
    vault.get('d1');
    vault.close();
    expect(walFree()).toBe(true);
  });
});
