/** Temp dirs and vault factories for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Vault, type VaultOptions } from '../../src/main/storage';

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'docvault-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A random raw key as 64 hex characters. */
export function hexKey(): string {
  return randomBytes(32).toString('hex');
}

/** Creates an encrypted vault with a random raw key in a temp dir. */
export function makeVault(opts: Partial<VaultOptions> = {}): { vault: Vault; path: string; key: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const key = hexKey();
  const path = join(dir, 'test.dvault');
  const vault = Vault.createSync(path, { key: { rawKey: key }, ...opts });
  return {
    vault,
    path,
    key,
    dir,
    cleanup: () => {
      vault.close();
      cleanup();
    },
  };
}
