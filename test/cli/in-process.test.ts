/** The CLI's `main` called in-process with fake streams: terminal-only behaviour (progress, colour). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { Vault } from '../../src/main/storage';
import { DocvaultError } from '../../src/shared/errors';
import { hexKey } from '../helpers/tmp';
import { scratch } from './helpers';
import { copySchema1 } from '../helpers/fixture';

let dir: string;
let cleanup: () => void;
let vaultPath: string;
let keyFile: string;
const key = hexKey();

beforeAll(() => {
  ({ dir, cleanup } = scratch());
  vaultPath = join(dir, 'tty.dvault');
  keyFile = join(dir, 'k.key');
  writeFileSync(keyFile, key, { mode: 0o600 });
  const v = Vault.createSync(vaultPath, { key: { rawKey: key } });
  try {
    v.put({ id: 'doc', content: 'one\ntwo\n' });
    v.put({ id: 'doc', content: 'one\nthree\n' });
  } finally {
    v.close();
  }
});
afterAll(() => cleanup());

function fakeIo(opts: { tty: boolean; env?: Record<string, string> }): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([]),
    stdout: { isTTY: opts.tty, write: (s: string) => (out += s) },
    stderr: { isTTY: opts.tty, write: (s: string) => (err += s) },
    env: { DOCVAULT_VAULT: vaultPath, ...opts.env },
    out: () => out,
    err: () => err,
  };
}

describe('main() in-process', () => {
  it('verify shows progress on a terminal stderr and clears it', async () => {
    const io = fakeIo({ tty: true });
    expect(await main(['verify', '--key-file', keyFile], io)).toBe(0);
    // Of 1 document and 2 versions; the last phases add its 2 rows of the update-time lists and 1 of the list by title (6 in all).
    expect(io.err()).toMatch(/^\rVerifying \w* ?\d+\/[36]\b/);
    expect(io.err().endsWith('\r\x1b[K')).toBe(true);
    expect(io.out()).toMatch(/^OK: 1 document, 2 versions/);
  });

  it('diff colours a terminal stdout, unless NO_COLOR is set', async () => {
    const tty = fakeIo({ tty: true });
    expect(await main(['diff', 'doc', '1', '2', '--key-file', keyFile], tty)).toBe(0);
    expect(tty.out()).toContain('\x1b[31m-two\x1b[0m');
    expect(tty.out()).toContain('\x1b[32m+three\x1b[0m');
    const noColor = fakeIo({ tty: true, env: { NO_COLOR: '1' } });
    expect(await main(['diff', 'doc', '1', '2', '--key-file', keyFile], noColor)).toBe(0);
    expect(noColor.out()).not.toContain('\x1b');
    expect(noColor.out()).toContain('\n-two\n+three\n');
  });

  it('returns the exit status instead of throwing, and closes the vault after an error', async () => {
    const io = fakeIo({ tty: false });
    expect(await main(['get', 'missing', '--key-file', keyFile], io)).toBe(3);
    expect(io.err()).toBe('NotFound: No document "missing"\n');
    // Closed properly: an open connection would still hold its WAL file.
    expect(existsSync(`${vaultPath}-wal`)).toBe(false);
    expect(existsSync(vaultPath)).toBe(true);
  });

  it('reports an unexpected error as one Internal line; DOCVAULT_DEBUG adds the stack', async () => {
    const broken = (env: Record<string, string>): CliIo & { err: () => string } => {
      const io = fakeIo({ tty: false, env });
      return {
        ...io,
        stdout: {
          write: () => {
            throw new Error('stdout went away');
          },
        },
      };
    };
    const quiet = broken({});
    expect(await main(['--version'], quiet)).toBe(1);
    expect(quiet.err()).toBe('Internal: stdout went away\n');
    const debug = broken({ DOCVAULT_DEBUG: '1' });
    expect(await main(['--version'], debug)).toBe(1);
    expect(debug.err()).toMatch(/^Internal: stdout went away\nError: stdout went away\n\s+at /);
  });

  it('DOCVAULT_DEBUG also prints the stack (and cause) of a typed Internal error, and only then', async () => {
    const failing = (env: Record<string, string>): CliIo & { err: () => string } => {
      const io = fakeIo({ tty: false, env });
      const cause = new Error('EIO: i/o error, write');
      return { ...io, stdout: { write: () => { throw new DocvaultError('Internal', 'I/O error', undefined, { cause }); } } };
    };
    const quiet = failing({});
    expect(await main(['--version'], quiet)).toBe(1);
    expect(quiet.err()).toBe('Internal: I/O error\n');
    const debug = failing({ DOCVAULT_DEBUG: '1' });
    expect(await main(['--version'], debug)).toBe(1);
    expect(debug.err()).toMatch(/^Internal: I\/O error\nDocvaultError: I\/O error\n\s+at [^]*\nCaused by: Error: EIO: i\/o error, write\n\s+at /);
    // A typed error of another kind is expected behaviour: no stack even with DOCVAULT_DEBUG.
    const notFound = fakeIo({ tty: false, env: { DOCVAULT_DEBUG: '1' } });
    expect(await main(['get', 'missing', '--key-file', keyFile], notFound)).toBe(3);
    expect(notFound.err()).toBe('NotFound: No document "missing"\n');
  });

  it('says when it upgrades an older vault: a line at the start and the end; a percentage between on a terminal', async () => {
    for (const tty of [true, false]) {
      const f = copySchema1();
      try {
        const older = join(dir, `older-${String(tty)}.key`);
        writeFileSync(older, f.key, { mode: 0o600 });
        const io = fakeIo({ tty, env: { DOCVAULT_VAULT: f.path } });
        expect(await main(['ls', '--key-file', older], io)).toBe(0);
        const lines = io.err().split('\n');
        expect(lines[0]).toMatch(/^Upgrading the vault for this version of docvault/);
        expect(io.err()).toMatch(/The vault is upgraded\.\n$/);
        expect(io.err().includes('\rUpgrading: ')).toBe(tty);
        // Upgraded once: the next command says nothing of it.
        const next = fakeIo({ tty, env: { DOCVAULT_VAULT: f.path } });
        expect(await main(['ls', '--key-file', older], next)).toBe(0);
        expect(next.err()).toBe('');
      } finally {
        f.cleanup();
      }
    }
  });
});
