/** The remembered-key store: encrypted at rest, refuses Linux's plaintext backend. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafeStorageKeyStore, type SafeStorageLike } from '../../src/main/key-store';
import { tempDir } from '../helpers/tmp';

function fakeSafe(backend: string, available = true): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptStringAsync: async (b) => ({ result: Buffer.from(b.toString().slice(4), 'base64').toString(), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => backend,
  };
}

const KEY = 'ab'.repeat(32);
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('SafeStorageKeyStore', () => {
  it('stores only the encrypted form and reads it back', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'keys.json');
    const ks = new SafeStorageKeyStore(file, fakeSafe('gnome_libsecret'), 'linux');
    expect(await ks.available()).toBe(true);
    await ks.save('/v.dvault', KEY);
    expect(readFileSync(file, 'utf8')).not.toContain(KEY);
    expect(await ks.has('/v.dvault')).toBe(true);
    expect(await ks.load('/v.dvault')).toBe(KEY);
    await ks.forget('/v.dvault');
    expect(await ks.has('/v.dvault')).toBe(false);
  });

  it('refuses the basic_text backend on Linux, and no keychain at all', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const plain = new SafeStorageKeyStore(join(t.dir, 'k.json'), fakeSafe('basic_text'), 'linux');
    expect(await plain.available()).toBe(false);
    await expect(plain.save('/v', KEY)).rejects.toThrow(/basic_text/);
    expect(await new SafeStorageKeyStore(join(t.dir, 'k.json'), fakeSafe('unknown'), 'linux').available()).toBe(false);
    expect(await new SafeStorageKeyStore(join(t.dir, 'k.json'), fakeSafe('basic_text', false), 'darwin').available()).toBe(false);
    expect(await new SafeStorageKeyStore(join(t.dir, 'k.json'), fakeSafe('unknown'), 'darwin').available()).toBe(true);
  });
});
