/**
 * Secure deletion through the service: a purge committed by the writer thread (inside a group commit, with
 * reader threads open) is followed by a truncating checkpoint, so the purged text leaves the main file and
 * the `-wal` while the service keeps running. A plain vault, so the bytes can be searched for the text.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeService, useWorkerBundle, waitFor } from './helpers';

const worker = useWorkerBundle();

function has(file: string, text: string): boolean {
  return existsSync(file) && readFileSync(file).includes(Buffer.from(text, 'utf8'));
}

describe('StorageService: secure deletion while running', () => {
  it('a purge and an emptyTrash leave the text in neither the main file nor the WAL, without a close', async () => {
    const ctx = await makeService(worker, { key: { encryption: false } });
    try {
      const s = ctx.service;
      const texts = Array.from({ length: 4 }, (_, i) => `svc-${i}-${randomBytes(12).toString('hex')}-SECRET`);
      await s.create({ id: 'p', content: texts[0] as string });
      await s.update('p', { content: texts[1] as string });
      await s.create({ id: 't', content: texts[2] as string });
      await s.update('t', { content: texts[3] as string });
      await s.create({ id: 'keep', content: 'stays' });
      for (const t of texts) expect(has(ctx.path, t) || has(`${ctx.path}-wal`, t)).toBe(true);
      // Readers busy meanwhile: the checkpoint must get past them (retrying), never block them.
      const reads = Promise.all(Array.from({ length: 50 }, () => s.get('keep')));
      await s.purge('p');
      await s.delete('t');
      await s.emptyTrash();
      await reads;
      await waitFor('the WAL truncated and the texts gone', () => {
        const walEmpty = !existsSync(`${ctx.path}-wal`) || statSync(`${ctx.path}-wal`).size === 0;
        return walEmpty && texts.every((t) => !has(ctx.path, t) && !has(`${ctx.path}-wal`, t));
      });
      expect((await s.get('keep')).content).toBe('stays');
      expect((await s.verify()).ok).toBe(true);
    } finally {
      await ctx.cleanup();
    }
  });
});
