/**
 * `docvault backup` and `restore-backup` as a user runs them: exit codes per error kind, nothing at OUT
 * after a kill mid-backup, the replaced vault kept after a restore.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { type CliVault, fails, initVault, ok, ROOT, useScratch } from './helpers';

const dir = useScratch();
let n = 0;

function newVault(): CliVault {
  return initVault(dir(), `b${++n}`);
}

describe('docvault backup / restore-backup', () => {
  it('backs up, refuses to overwrite, restores, and keeps the replaced vault', () => {
    const { args } = newVault();
    ok(args('put', '--id', 'a'), { input: 'first text' });
    const out = join(dir(), 'a-backup.dvault');
    expect(ok(args('backup', out))).toMatch(/^Backed up 1 document \(1 version\) to .*a-backup\.dvault: .*, verified, in \d+ ms\n$/);
    expect(readFileSync(out).includes(Buffer.from('first text'))).toBe(false);
    fails(args('backup', out), 'AlreadyExists', 4);
    expect(JSON.parse(ok(args('backup', out, '--force', '--json')))).toMatchObject({ path: out, documents: 1, versions: 1 });
    ok(args('put', '--id', 'b'), { input: 'after the backup' });
    const restored = ok(args('restore-backup', out));
    expect(restored).toMatch(/^Restored .* \(1 document, 1 version, verified\)\nThe replaced vault is kept as .*before-restore-.*\n$/);
    fails(args('get', 'b'), 'NotFound', 3);
    expect(ok(args('get', 'a'))).toBe('first text');
    const kept = readdirSync(dir()).find((f) => f.startsWith(`b${n}.dvault.before-restore-`));
    expect(kept).toBeDefined();
    ok(['get', 'b', '--vault', join(dir(), kept as string), '--key-file', join(dir(), `b${n}.key`)]);
  });

  it('restore-backup refuses a wrong key and a tampered backup, changing nothing', () => {
    const { vault, hex, args } = newVault();
    ok(args('put', '--id', 'a'), { input: 'text' });
    const out = join(dir(), `t${n}.dvault`);
    ok(args('backup', out));
    const before = readFileSync(vault);
    const other = newVault();
    fails(['restore-backup', out, '--vault', vault, '--key-file', other.key], 'WrongKey', 5);
    const db = new Database(out);
    try {
      db.pragma("cipher='sqlcipher'");
      db.pragma('legacy=4');
      db.pragma(`key="x'${hex}'"`);
      db.prepare("UPDATE documents SET title = 'forged' WHERE id = 'a'").run();
    } finally {
      db.close();
    }
    fails(args('restore-backup', out), 'Integrity', 6);
    expect(readFileSync(vault).equals(before)).toBe(true);
    fails(args('restore-backup', join(dir(), 'no-such.dvault')), 'NotFound', 3);
  });

  it('a backup killed at any moment leaves nothing at OUT (or, if it finished, a whole verified backup)', async () => {
    const { vault, hex, args } = newVault();
    const v = Vault.openSync(vault, { key: { rawKey: hex } });
    // ~16 MB of incompressible text, so the copy takes long enough to be killed in the middle.
    v.bulkCreate(Array.from({ length: 2000 }, (_, i) => ({ id: `k${i}`, content: randomBytes(4096).toString('hex') })));
    v.close();
    let killedMidway = 0;
    for (let round = 0; round < 6; round++) {
      const sub = join(dir(), `kill-${n}-${round}`);
      const out = join(sub, 'out.dvault');
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'docvault.mjs'), ...args('backup', out)], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // Kill when the temporary file appears (round 0), or a little later in later rounds.
      await new Promise<void>((resolve) => {
        const poll = (): void => {
          if (existsSync(sub) && readdirSync(sub).some((f) => f.includes('.partial-'))) resolve();
          else if (child.exitCode !== null) resolve();
          else setImmediate(poll);
        };
        poll();
      });
      if (round > 0) await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40 * round)));
      const wasRunning = child.exitCode === null;
      child.kill('SIGKILL');
      const code = await exited;
      if (wasRunning && code === null) killedMidway++;
      if (existsSync(out)) {
        // It finished before the kill: then OUT is a whole backup that verifies.
        const copy = Vault.openSync(out, { key: { rawKey: hex }, readonly: true });
        try {
          expect(copy.verify().ok).toBe(true);
          expect(copy.count()).toBe(2000);
        } finally {
          copy.close();
        }
      }
    }
    expect(killedMidway).toBeGreaterThan(0);
  });

  it('a restore killed at any moment leaves the vault as it was or as the backup, whole', async () => {
    const { vault, hex, args } = newVault();
    const v = Vault.openSync(vault, { key: { rawKey: hex } });
    v.bulkCreate(Array.from({ length: 1500 }, (_, i) => ({ id: `r${i}`, content: randomBytes(2048).toString('hex') })));
    v.close();
    const out = join(dir(), `restore-src-${n}.dvault`);
    ok(args('backup', out));
    ok(args('put', '--id', 'only-in-the-vault'), { input: 'x' });
    let killedMidway = 0;
    for (let round = 0; round < 6; round++) {
      let isRestored: boolean | undefined;
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'docvault.mjs'), ...args('restore-backup', out)], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60 * (round + 1))));
      child.kill('SIGKILL');
      const code = await exited;
      if (code === null) killedMidway++;
      const after = Vault.openSync(vault, { key: { rawKey: hex } });
      try {
        expect(after.verify().ok).toBe(true);
        const count = after.count();
        // The old vault (1,501 documents) or the backup (1,500), nothing in between.
        expect([1500, 1501]).toContain(count);
        isRestored = count === 1500;
        if (!isRestored) expect(after.exists('only-in-the-vault')).toBe(true);
        if (code === 0) expect(count).toBe(1500);
      } finally {
        after.close();
      }
      if (isRestored === true) {
        // Put the vault back to its old state for the next round.
        const w = Vault.openSync(vault, { key: { rawKey: hex } });
        w.put({ id: 'only-in-the-vault', content: 'x' });
        w.close();
      }
    }
    expect(killedMidway).toBeGreaterThan(0);
  });
});
