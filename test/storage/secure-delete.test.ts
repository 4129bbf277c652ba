/**
 * Secure deletion while the vault is open: after a purge or emptyTrash, the erased text is in neither the
 * main file nor the `-wal` once the scrubber's checkpoint ran — at once for the first erasure, within the
 * interval for the next, at once on close — and a crash image taken before the checkpoint is scrubbed by
 * the next open. A PLAIN vault, so the bytes can be searched for the text itself: that proves the
 * mechanism (an encrypted vault writes the same pages, encrypted).
 */
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { tempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/wait';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(walScrubMs: number): { vault: Vault; path: string; dir: string } {
  const { dir, cleanup } = tempDir('docvault-scrub-');
  const path = join(dir, 'plain.dvault');
  Vault.createSync(path, { key: { encryption: false } }).close();
  const vault = Vault.openSync(path, { key: { encryption: false }, walScrubMs });
  cleanups.push(() => {
    vault.close();
    cleanup();
  });
  return { vault, path, dir };
}

/** A unique text, long enough to find and never produced by chance. */
function secret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}-SECRET`;
}

function fileHas(file: string, text: string): boolean {
  return existsSync(file) && readFileSync(file).includes(Buffer.from(text, 'utf8'));
}

function anywhere(path: string, text: string): { main: boolean; wal: boolean } {
  return { main: fileHas(path, text), wal: fileHas(`${path}-wal`, text) };
}

function walSize(path: string): number {
  return existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
}

/** Polls `cond` on timers (no fixed sleep), failing after `limitMs`. */
/** A document whose text is in the main file (checkpointed) and, through two more versions, in the WAL. */
function plant(vault: Vault, path: string, id: string): string[] {
  const texts = [secret(`${id}-v1`), secret(`${id}-v2`), secret(`${id}-v3`)];
  vault.create({ id, title: 'to erase', content: texts[0] as string });
  // Push version 1 into the main file, as a long-running app's auto-checkpoints would (a closing connection checkpoints).
  Vault.openSync(path, { key: { encryption: false } }).close();
  vault.update(id, { content: texts[1] as string });
  vault.update(id, { content: texts[2] as string });
  return texts;
}

describe('secure deletion while running (plain vault)', () => {
  it('moving to the Trash is not an erasure: the text stays; purge erases it from the main file and the WAL at once', () => {
    const { vault, path } = setup(60_000);
    const texts = plant(vault, path, 'doomed');
    vault.create({ id: 'keeper', content: 'stays' });
    vault.delete('doomed');
    // The scan can see the text: without this the test below could not fail.
    for (const t of texts) {
      const where = anywhere(path, t);
      expect(where.main || where.wal).toBe(true);
    }
    vault.purge('doomed');
    for (const t of texts) expect(anywhere(path, t)).toEqual({ main: false, wal: false });
    expect(walSize(path)).toBe(0);
    expect(vault.get('keeper').content).toBe('stays');
    expect(vault.verify().ok).toBe(true);
  });

  it('erasures within the interval coalesce into one checkpoint when it ends', async () => {
    const { vault, path } = setup(200);
    const first = plant(vault, path, 'first');
    const second = plant(vault, path, 'second');
    vault.purge('first'); // the first erasure checkpoints at once
    for (const t of first) expect(anywhere(path, t)).toEqual({ main: false, wal: false });
    vault.delete('second');
    vault.emptyTrash();
    await waitFor('the idle checkpoint folds the WAL in and the erased text is gone', () => walSize(path) === 0 && second.every((t) => !anywhere(path, t).main && !anywhere(path, t).wal));
    expect(vault.count()).toBe(0);
    expect(vault.verify().ok).toBe(true);
  });

  it('close runs a pending checkpoint at once', () => {
    const { vault, path } = setup(60_000);
    const a = plant(vault, path, 'a');
    const b = plant(vault, path, 'b');
    vault.purge('a');
    vault.purge('b'); // within the interval: deferred
    expect(a.some((t) => anywhere(path, t).wal)).toBe(false);
    vault.close();
    for (const t of [...a, ...b]) expect(anywhere(path, t)).toEqual({ main: false, wal: false });
  });

  it('a crash before the checkpoint leaves the text in the WAL; the next open erases it', () => {
    const { vault, path, dir } = setup(60_000);
    plant(vault, path, 'decoy');
    const texts = plant(vault, path, 'doomed');
    vault.purge('decoy'); // uses up the interval
    vault.purge('doomed'); // committed, checkpoint deferred
    // The files as a SIGKILL now would leave them (written pages survive the process).
    const crash = join(dir, 'crash.dvault');
    copyFileSync(path, crash);
    copyFileSync(`${path}-wal`, `${crash}-wal`);
    // What a crash in between leaves: the old pages still hold the text (the zeroed ones are only in the WAL).
    expect(texts.some((t) => anywhere(crash, t).main || anywhere(crash, t).wal)).toBe(true);
    const reopened = Vault.openSync(crash, { key: { encryption: false } });
    try {
      for (const t of texts) expect(anywhere(crash, t)).toEqual({ main: false, wal: false });
      expect(reopened.exists('doomed')).toBe(false);
      expect(reopened.verify().ok).toBe(true);
    } finally {
      reopened.close();
    }
  });
});
