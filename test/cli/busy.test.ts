/**
 * A vault whose write lock another process holds (defect 1 of issue 9): reads still succeed and close
 * never turns a command whose work succeeded into a failure; a write that cannot get the lock is
 * `Overloaded` (exit 8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/exit-codes';
import { closeError } from '../../src/cli/main';
import { Vault } from '../../src/main/storage';
import { kindOfSync } from '../helpers/errors';
import { openRaw } from '../helpers/raw-db';
import { ok, runAsync, scratch, secret, type RunResult } from './helpers';

let dir: string;
let cleanup: () => void;

beforeAll(() => ({ dir, cleanup } = scratch()));
afterAll(() => cleanup());

/** A vault with one document; `hold` takes its write lock in this process until `release`. */
function lockedVault(name = 'busy'): { args: (...a: string[]) => string[]; release: () => void; path: string; hex: string } {
  const vault = join(dir, `${name}.dvault`);
  const key = join(dir, `${name}.key`);
  ok(['init', '--vault', vault, '--key-file', key]);
  const hex = secret(readFileSync(key, 'utf8').trim());
  const args = (...a: string[]): string[] => [...a, '--vault', vault, '--key-file', key];
  ok(args('put', '--id', 'doc'), { input: 'committed before the lock' });
  const holder = openRaw(vault, hex);
  holder.exec('BEGIN IMMEDIATE'); // the write lock, held while the CLI runs in a child process
  return {
    args,
    path: vault,
    hex,
    release: () => {
      holder.exec('ROLLBACK');
      holder.close();
    },
  };
}

describe('a vault whose write lock another process holds', () => {
  // Each run waits out the engine's 5 s busy timeout at close; they run side by side.
  it('read commands print their output and exit 0, with at most a warning about the close', { timeout: 90_000 }, async () => {
    const { args, release } = lockedVault();
    try {
      const commands = [['get', 'doc'], ['ls'], ['history', 'doc'], ['stats'], ['verify']];
      const results = await Promise.all([...commands.map((c) => runAsync(args(...c))), runAsync(args('put', '--id', 'doc'), { input: 'new text' })]);
      for (const [i, command] of commands.entries()) {
        const r = results[i] as RunResult;
        expect(r.code, `docvault ${command.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stderr).not.toMatch(/^(Internal|Overloaded):/m);
        for (const line of r.stderr.split('\n').filter((l) => l !== '')) expect(line).toMatch(/^warning: Overloaded: /);
        if (command[0] === 'get') expect(r.stdout).toBe('committed before the lock');
      }
      const busyWrite = results[commands.length] as RunResult;
      expect(busyWrite.code, busyWrite.stderr).toBe(EXIT.busy);
      expect(busyWrite.stderr).toMatch(/^Overloaded: .*\n$/);
      expect(busyWrite.stdout).toBe('');
    } finally {
      release();
    }
    expect(ok(args('get', 'doc'))).toBe('committed before the lock');
  });

  it("the engine's close() on a locked vault throws Overloaded, and closes anyway", { timeout: 60_000 }, () => {
    const { release, path, hex } = lockedVault('engine');
    try {
      const v = Vault.openSync(path, { key: { rawKey: hex } });
      expect(v.get('doc').content).toBe('committed before the lock');
      expect(kindOfSync(() => v.close())).toBe('Overloaded');
      expect(v.isOpen).toBe(false);
      expect(kindOfSync(() => v.get('doc'))).toBe('Closed');
    } finally {
      release();
    }
  });

  it('maps close errors: a locked database is Overloaded, anything else Internal', () => {
    const locked = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(closeError(locked).kind).toBe('Overloaded');
    expect(closeError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })).kind).toBe('Internal');
  });
});
