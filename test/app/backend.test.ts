/** The backend: lock forgets the store, unlock reopens, remembered keys open without the passphrase. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import type { PushEvent } from '../../src/shared/contract';
import { isDocvaultError } from '../../src/shared/errors';
import { MemoryKeyStore } from '../helpers/memory-key-store';
import { tempDir } from '../helpers/tmp';

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
    await expect(b.unlock({ passphrase: 'wrong' })).rejects.toSatisfy((e) => isDocvaultError(e, 'WrongKey'));
    expect((await b.status()).state).toBe('locked');
    await b.unlock({ passphrase: 'pass phrase' });
    expect((await b.channels['doc.get']({ id: 'a' })).content).toBe('x');
    expect(events.filter((e) => e.event === 'vault.changed').map((e) => (e.data as { state: string }).state)).toEqual(['unlocked', 'locked', 'unlocked']);
    await b.close();
  });

  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('doc.restore stores the comment after the restore note and announces the new version (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory });
    await b.create('pass phrase');
    const events: PushEvent[] = [];
    b.subscribe((e) => events.push(e));
    await b.channels['doc.create']({ document: { id: 'a', content: 'one' } });
    await b.channels['doc.update']({ id: 'a', patch: { content: 'two' }, expectedVersion: 1 });
    const doc = await b.channels['doc.restore']({ id: 'a', version: 1, expectedVersion: 2, comment: 'undo' });
    expect(doc).toMatchObject({ version: 3, content: 'one' });
    expect((await b.channels['doc.versions']({ id: 'a' }))[2]?.comment).toBe('restored from version 1: undo');
    expect(events.at(-1)).toEqual({ event: 'doc.changed', data: { id: 'a', change: 'restored', version: 3 } });
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
    await b.unlock({ passphrase: 'pass phrase', remember: true });
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

describe('DocvaultBackend: the Trash channels', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('delete, list the Trash, undelete, purge, empty, with events (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory });
    await b.create('pass phrase');
    const changes: unknown[] = [];
    b.subscribe((e) => {
      if (e.event === 'doc.changed' || e.event === 'docs.changed') changes.push(e.data);
    });
    for (const id of ['a', 'b', 'c']) await b.channels['doc.create']({ document: { id, title: id.toUpperCase(), content: id } });
    changes.length = 0;
    for (const id of ['a', 'b', 'c']) await b.channels['doc.delete']({ id });
    const trash = await b.channels['doc.trash']({ limit: 2 });
    expect(trash.total).toBe(3);
    expect(trash.items).toHaveLength(2);
    expect(trash.items[0]?.trashedAt).toBeTypeOf('number');
    const rest = await b.channels['doc.trash']({ cursor: trash.nextCursor });
    expect([...trash.items, ...rest.items].map((d) => d.id).sort()).toEqual(['a', 'b', 'c']);
    expect(await b.channels['doc.count']({})).toBe(0);
    await expect(b.channels['doc.get']({ id: 'a' })).rejects.toSatisfy((e) => isDocvaultError(e, 'NotFound'));

    expect((await b.channels['doc.undelete']({ id: 'a' })).content).toBe('a');
    expect(await b.channels['doc.count']({})).toBe(1);
    await expect(b.channels['doc.undelete']({ id: 'a' })).rejects.toSatisfy((e) => isDocvaultError(e, 'NotFound'));
    expect(await b.channels['doc.purge']({ id: 'b' })).toBeNull();
    expect(await b.channels['doc.emptyTrash']({})).toBe(1);
    expect((await b.channels['doc.trash']({})).total).toBe(0);
    expect(await b.channels['doc.emptyTrash']({})).toBe(0);
    expect(changes).toEqual([
      { id: 'a', change: 'deleted', version: null },
      { id: 'b', change: 'deleted', version: null },
      { id: 'c', change: 'deleted', version: null },
      { id: 'a', change: 'undeleted', version: 1 },
      { id: 'b', change: 'purged', version: null },
      { count: 1 },
    ]);
    await b.close();
  });
});
