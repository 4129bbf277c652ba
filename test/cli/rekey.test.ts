/**
 * `docvault rekey` as a user runs it, and killed with SIGKILL at random moments over several rounds: the
 * vault always opens with the old key or the new one, verifies clean and holds every document.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { fails, ok, ROOT, secret, useScratch } from './helpers';

const dir = useScratch();

describe('docvault rekey', () => {
  it('to a passphrase and back to a new key file; the old key is refused', () => {
    const vault = join(dir(), 'r.dvault');
    const key = join(dir(), 'r.key');
    ok(['init', '--vault', vault, '--key-file', key]);
    secret(readFileSync(key, 'utf8').trim());
    ok(['put', '--id', 'a', '--vault', vault, '--key-file', key], { input: 'alpha' });
    ok(['put', '--id', 'a', '--vault', vault, '--key-file', key], { input: 'alpha 2' });
    const pass = join(dir(), 'r.pass');
    writeFileSync(pass, `${secret('a new passphrase')}\n`, { mode: 0o600 });
    fails(['rekey', '--vault', vault, '--key-file', key], 'Invalid', 2);
    expect(ok(['rekey', '--vault', vault, '--key-file', key, '--new-passphrase-file', pass, '--kdf-profile', '2'])).toMatch(
      /^Changed the key of 1 document \(2 versions\), verified, in \d+ ms\n$/,
    );
    fails(['get', 'a', '--vault', vault, '--key-file', key], 'WrongKey', 5);
    expect(ok(['get', 'a', '--vault', vault, '--passphrase-file', pass])).toBe('alpha 2');
    const key2 = join(dir(), 'r2.key');
    expect(ok(['rekey', '--vault', vault, '--passphrase-file', pass, '--new-key-file', key2])).toMatch(/the new key is in .*r2\.key\n$/);
    secret(readFileSync(key2, 'utf8').trim());
    expect(ok(['verify', '--vault', vault, '--key-file', key2])).toMatch(/^OK: 1 document, 2 versions/);
    fails(['get', 'a', '--vault', vault, '--passphrase-file', pass], 'WrongKey', 5);
  });

  it('killed at random moments, the vault opens with the old key or the new one, never neither', async () => {
    const vault = join(dir(), 'k.dvault');
    const keys = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')].map((k) => secret(k));
    const files = keys.map((k, i) => {
      const f = join(dir(), `k${i}.key`);
      writeFileSync(f, `${k}\n`, { mode: 0o600 });
      return f;
    });
    const v = Vault.createSync(vault, { key: { rawKey: keys[0] as string } });
    v.bulkCreate(Array.from({ length: 3000 }, (_, i) => ({ id: `d${i}`, content: randomBytes(1024).toString('hex'), tags: ['t'] })));
    v.close();
    let current = 0;
    let fullMs = 0;
    let killed = 0;
    let completed = 0;
    for (let round = 0; round < 8; round++) {
      const next = 1 - current;
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'docvault.mjs'), 'rekey', '--vault', vault, '--key-file', files[current] as string, '--new-key-file', files[next] as string], {
        stdio: 'ignore',
      });
      const started = Date.now();
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      if (round > 0) {
        // A random moment within a full run's time (measured in round 0, which is not killed).
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * fullMs)));
        child.kill('SIGKILL');
      }
      const code = await exited;
      if (round === 0) {
        expect(code).toBe(0);
        fullMs = Date.now() - started;
      }
      if (code === null) killed++;
      else completed++;
      // Which key opens it now? Exactly one must, and the vault must be whole.
      let opened: Vault | undefined;
      let which = -1;
      for (const i of [current, next]) {
        try {
          opened = Vault.openSync(vault, { key: { rawKey: keys[i] as string } });
          which = i;
          break;
        } catch (err) {
          if (!isDocvaultError(err, 'WrongKey')) throw err;
        }
      }
      expect(opened, `round ${round}: neither key opens the vault`).toBeDefined();
      try {
        expect(opened?.verify().ok).toBe(true);
        expect(opened?.count()).toBe(3000);
      } finally {
        opened?.close(); // as a user would after a crash: this folds a left-over WAL in
      }
      if (code === 0) expect(which).toBe(next);
      current = which;
    }
    expect(killed).toBeGreaterThan(0);
    expect(completed).toBeGreaterThan(0);
  }, 120_000);
});
