/** `vault.changePassphrase`: re-keys the vault, reopens it with the new passphrase, updates a remembered key. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { UnlockThrottle } from '../../src/app/rate-limit';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import { MemoryKeyStore } from '../helpers/memory-key-store';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('vault.changePassphrase', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('wrong current passphrase refused; then re-keyed, reopened, remembered key replaced (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'v.dvault');
    const keyStore = new MemoryKeyStore();
    const opts = { vaultPath: path, kdfProfile: 2, storeFactory, keyStore, unlockThrottle: new UnlockThrottle() };
    const b = new DocvaultBackend(opts);
    const handle = createHandler(b);
    await b.create('old pass', true);
    const oldRemembered = keyStore.keys.get(path);
    await b.channels['doc.create']({ document: { id: 'a', content: 'kept' } });
    expect(await handle('vault.changePassphrase', { passphrase: 'wrong', newPassphrase: 'new pass' })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect((await b.status()).state).toBe('unlocked'); // a typo does not lock the window
    const r = await handle('vault.changePassphrase', { passphrase: 'old pass', newPassphrase: 'new pass' });
    expect(r).toMatchObject({ ok: true, value: { state: 'unlocked', remembered: true } });
    expect((await b.channels['doc.get']({ id: 'a' })).content).toBe('kept');
    expect((await b.channels['vault.verify']({})).ok).toBe(true);
    const newRemembered = keyStore.keys.get(path);
    expect(newRemembered).toMatch(/^[0-9a-f]{64}$/);
    expect(newRemembered).not.toBe(oldRemembered);
    await b.close();
    const again = new DocvaultBackend(opts);
    expect(await again.unlockRemembered()).toBe(true);
    await again.lock();
    expect(await createHandler(again)('vault.unlock', { passphrase: 'old pass' })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect((await again.unlock({ passphrase: 'new pass' })).state).toBe('unlocked');
    await again.close();
  });
});
