/** nativeBinding reaches better-sqlite3: the Electron main process relies on it to load its own ABI build. */
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';

const require = createRequire(import.meta.url);

describe('nativeBinding', () => {
  it('loads the given addon file, and fails with a clear error for a missing one', () => {
    const { dir, cleanup } = tempDir();
    try {
      const addon = join(require.resolve('better-sqlite3-multiple-ciphers/package.json'), '..', 'build', 'Release', 'better_sqlite3.node');
      const key = hexKey();
      const path = join(dir, 'n.dvault');
      Vault.createSync(path, { key: { rawKey: key }, nativeBinding: addon }).close();
      const v = Vault.openSync(path, { key: { rawKey: key }, nativeBinding: addon });
      v.create({ id: 'a', content: 'x' });
      v.close();
      expect(() => Vault.openSync(path, { key: { rawKey: key }, nativeBinding: join(dir, 'missing.node') })).toThrow(
        expect.objectContaining({ kind: 'Internal', message: expect.stringContaining('missing') }),
      );
    } finally {
      cleanup();
    }
  });
});
