/**
 * Backups through the contract: `backup.create` writes into the vault's backups folder, `backup.list` shows
 * it, `backup.restore` takes a file name (never a path), refuses a wrong passphrase, restores, reopens and
 * updates a remembered key.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import type { BackupCreated, BackupInfo, BackupRestored } from '../../src/shared/contract';
import { MemoryKeyStore } from '../helpers/memory-key-store';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('backup channels', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('create, list, restore by name; wrong passphrase and paths refused (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'v.dvault');
    const keyStore = new MemoryKeyStore();
    // The default limit of backup.restore (a burst of 3) is tested in rate-limit.test.ts; here every refusal is tried.
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory, keyStore, channelLimits: { channels: { 'backup.restore': { ratePerSec: 100, burst: 100 } } } });
    const handle = createHandler(b);
    await b.create('pass phrase', true);
    const rememberedBefore = keyStore.keys.get(path);
    await b.channels['doc.create']({ document: { id: 'a', content: 'in the backup' } });

    const made = await handle('backup.create', {});
    expect(made.ok).toBe(true);
    const created = (made as { value: BackupCreated }).value;
    expect(dirname(created.path)).toBe(join(t.dir, 'backups'));
    expect(created.documents).toBe(1);
    const listed = (await handle('backup.list', {})) as { ok: true; value: BackupInfo[] };
    expect(listed.value.map((x) => x.name)).toEqual([created.name]);

    await b.channels['doc.create']({ document: { id: 'later', content: 'after the backup' } });

    for (const name of ['../v.dvault', '/etc/passwd', '.hidden', 'a/b.dvault'])
      expect(await handle('backup.restore', { name, passphrase: 'pass phrase' })).toMatchObject({ ok: false, error: { kind: 'Invalid' } });
    expect(await handle('backup.restore', { name: created.name, passphrase: 'wrong' })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    // A wrong passphrase is refused before anything is locked: the vault is still open, as it was.
    expect((await b.status()).state).toBe('unlocked');
    expect((await b.channels['doc.get']({ id: 'later' })).content).toBe('after the backup');

    const restored = (await handle('backup.restore', { name: created.name, passphrase: 'pass phrase' })) as { ok: true; value: BackupRestored };
    expect(restored.ok).toBe(true);
    expect(restored.value.status.state).toBe('unlocked');
    expect(restored.value.keptAs).toBeDefined();
    expect(existsSync(restored.value.keptAs as string)).toBe(true);
    expect((await b.channels['doc.get']({ id: 'a' })).content).toBe('in the backup');
    expect(await handle('doc.get', { id: 'later' })).toMatchObject({ ok: false, error: { kind: 'NotFound' } });
    // Same passphrase and salt: the remembered key still fits, and was saved again.
    expect(keyStore.keys.get(path)).toBe(rememberedBefore);
    await b.close();
    expect(readdirSync(t.dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('backup.create on a locked vault is Closed', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory });
    expect(await createHandler(b)('backup.create', {})).toMatchObject({ ok: false, error: { kind: 'Closed' } });
  });
});
