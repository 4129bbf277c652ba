/** Backups through the service: on a reader thread, while the same service keeps writing; progress reaches the caller. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { kindOf, makeService, useWorkerBundle } from './helpers';

const worker = useWorkerBundle();

describe('StorageService: backup', () => {
  it('writes a verified encrypted copy while writes go on, with progress in this thread', async () => {
    const ctx = await makeService(worker);
    try {
      const s = ctx.service;
      await s.bulkPut(Array.from({ length: 200 }, (_, i) => ({ id: `d${i}`, content: `svc-backup-secret ${i}` })));
      const phases = new Set<string>();
      const out = join(ctx.dir, 'b.dvault');
      const writes = Promise.all(Array.from({ length: 50 }, (_, i) => s.create({ id: `w${i}`, content: 'during' })));
      const report = await s.backup(out, { onProgress: (p) => phases.add(p.phase ?? '') });
      await writes;
      expect(report.documents).toBeGreaterThanOrEqual(200);
      expect(report.documents).toBeLessThanOrEqual(250);
      expect(phases).toEqual(new Set(['copy', 'verify']));
      expect(readFileSync(out).includes(Buffer.from('svc-backup-secret'))).toBe(false);
      const copy = Vault.openSync(out, { key: { rawKey: ctx.key } });
      try {
        expect(copy.verify().ok).toBe(true);
        expect(copy.count()).toBe(report.documents);
      } finally {
        copy.close();
      }
      expect(await kindOf(s.backup(out))).toBe('AlreadyExists');
      expect(await s.count()).toBe(250);
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('StorageService: close', () => {
  it('leaves no -wal or -shm beside the vault (readers close before the writer, which folds the WAL in)', async () => {
    for (let round = 0; round < 3; round++) {
      const ctx = await makeService(worker, { readers: 2 });
      await ctx.service.create({ id: 'a', content: 'x' });
      await Promise.all(Array.from({ length: 20 }, () => ctx.service.get('a')));
      await ctx.service.close();
      expect(existsSync(`${ctx.path}-wal`)).toBe(false);
      expect(existsSync(`${ctx.path}-shm`)).toBe(false);
      await ctx.cleanup();
    }
  });
});
