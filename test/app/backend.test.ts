/** The backend: lock forgets the store, unlock reopens, remembered keys open without the passphrase. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import type { KeyStore } from '../../src/app/key-store';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import type { PushEvent } from '../../src/shared/contract';
import { isDocvaultError } from '../../src/shared/errors';
import { tempDir } from '../helpers/tmp';

class MemoryKeyStore implements KeyStore {
  readonly keys = new Map<string, string>();
  async available() { return true; }
  async has(p: string) { return this.keys.has(p); }
  async load(p: string) { return this.keys.get(p); }
  async save(p: string, k: string) { this.keys.set(p, k); }
  async forget(p: string) { this.keys.delete(p); }
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('DocvaultBackend', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('create, lock, wrong key, unlock (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory });
    const events: PushEvent[] = [];
    b.subscribe((e) => events.push(e));
    expect((await b.status()).state).toBe('missing');
    expect((await b.create('pass phrase')).state).toBe('unlocked');
    await b.channels['doc.create']({ document: { id: 'a', content: 'x' } });
    expect((await b.lock()).state).toBe('locked');
    await expect(b.channels['doc.get']({ id: 'a' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
    await expect(b.unlock('wrong')).rejects.toSatisfy((e) => isDocvaultError(e, 'WrongKey'));
    expect((await b.status()).state).toBe('locked');
    await b.unlock('pass phrase');
    expect((await b.channels['doc.get']({ id: 'a' })).content).toBe('x');
    expect(events.filter((e) => e.event === 'vault.changed').map((e) => (e.data as { state: string }).state)).toEqual(['unlocked', 'locked', 'unlocked']);
    await b.close();
  });

  it('remembers the key on request and unlocks with it later', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'v.dvault');
    const keyStore = new MemoryKeyStore();
    const a = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, keyStore });
    await a.create('pass phrase', true);
    expect(keyStore.keys.get(path)).toMatch(/^[0-9a-f]{64}$/);
    expect((await a.status()).remembered).toBe(true);
    await a.close();
    const b = new DocvaultBackend({ vaultPath: path, keyStore });
    expect(await b.unlockRemembered()).toBe(true);
    expect(b.isUnlocked).toBe(true);
    await b.lock();
    await b.forget();
    expect(await b.unlockRemembered()).toBe(false);
    // Unlock with remember stores it again.
    await b.unlock('pass phrase', true);
    expect(keyStore.keys.has(path)).toBe(true);
    await b.close();
  });

  it('forgets a remembered key that no longer opens the vault', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'v.dvault');
    const keyStore = new MemoryKeyStore();
    const a = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, keyStore });
    await a.create('pass phrase');
    await a.lock();
    keyStore.keys.set(path, 'cd'.repeat(32));
    expect(await a.unlockRemembered()).toBe(false);
    expect(keyStore.keys.has(path)).toBe(false);
    await a.close();
  });
});
