/**
 * Progress of a backup's copy step: VACUUM INTO reports nothing while it writes, so the app watches the
 * temporary file beside the target. The watch reports that file's size in pages, ignores other files, and
 * stops when told.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchBackupCopy } from '../../src/app/backups';
import type { Progress } from '../../src/shared/types';
import { tempDir } from '../helpers/tmp';

describe('watchBackupCopy', () => {
  it('reports the partial file in pages of the expected total, then stops', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const folder = join(dir, 'backups');
      mkdirSync(folder);
      const target = join(folder, 'v-2026.dvault');
      writeFileSync(join(folder, '.other.dvault.partial-1-aa'), Buffer.alloc(4096 * 9)); // another backup's file: not ours
      const seen: Progress[] = [];
      const stop = watchBackupCopy(target, 10, 4096, (p) => seen.push(p), 10);
      writeFileSync(join(folder, '.v-2026.dvault.partial-42-beef'), Buffer.alloc(4096 * 3));
      await vi.waitFor(() => expect(seen.at(-1)).toEqual({ done: 3, total: 10, phase: 'copy' }));
      writeFileSync(join(folder, '.v-2026.dvault.partial-42-beef'), Buffer.alloc(4096 * 12));
      await vi.waitFor(() => expect(seen.at(-1)).toEqual({ done: 10, total: 10, phase: 'copy' })); // capped at the total
      stop();
      const n = seen.length;
      writeFileSync(join(folder, '.v-2026.dvault.partial-42-beef'), Buffer.alloc(4096));
      // Nothing more after stop: wait for a later watch of our own to tick, then compare.
      const ticks: Progress[] = [];
      const probe = watchBackupCopy(target, 10, 4096, (p) => ticks.push(p), 10);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThan(1));
      probe();
      expect(seen.length).toBe(n);
    } finally {
      cleanup();
    }
  });
});
