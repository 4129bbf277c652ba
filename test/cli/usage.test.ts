import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { EXIT_CODE_BY_KIND, EXIT_CODE_HELP } from '../../src/cli/exit-codes';
import { ERROR_KINDS } from '../../src/shared/errors';
import { fails, ok, run, useScratch } from './helpers';

const COMMANDS = ['init', 'put', 'get', 'ls', 'rm', 'history', 'diff', 'restore', 'verify', 'stats'];

const dir = useScratch();

describe('help', () => {
  it('--help lists every command, the environment and the exit codes', () => {
    const out = ok(['--help']);
    expect(out).toMatch(/^docvault \d+\.\d+\.\d+/);
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^  ${c}\\s+\\S`, 'm'));
    for (const v of ['DOCVAULT_VAULT', 'DOCVAULT_PASSPHRASE', '--key-file', '--passphrase-file', '--json']) expect(out).toContain(v);
    for (const [code, text] of EXIT_CODE_HELP) expect(out).toContain(`${String(code).padStart(2)}  ${text}`);
    expect(ok(['help'])).toBe(out);
    expect(ok(['-h'])).toBe(out);
  });

  it('documents a code for every error kind, matching the map', () => {
    const documented = new Set(EXIT_CODE_HELP.map(([code]) => code));
    for (const kind of ERROR_KINDS) expect(documented.has(EXIT_CODE_BY_KIND[kind]), kind).toBe(true);
  });

  it('every command has its own --help, listing its options', () => {
    for (const c of COMMANDS) {
      const out = ok([c, '--help']);
      expect(out).toMatch(new RegExp(`^Usage: docvault ${c}`));
      expect(out).toContain('--json');
      expect(ok(['help', c])).toBe(out);
    }
    expect(ok(['put', '--help'])).toContain('--expected-version N');
    expect(ok(['init', '--help'])).toContain('--kdf-profile N');
    expect(ok(['ls', '-h'])).toContain('--cursor C');
  });

  it('--version prints the version', () => {
    expect(ok(['--version'])).toMatch(/^docvault \d+\.\d+\.\d+\n$/);
  });

  it('no arguments: help on stderr, exit 2', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: docvault');
  });
});

describe('usage errors exit 2 with an Invalid line and a hint', () => {
  it('unknown command and unknown option', () => {
    expect(fails(['frobnicate'], 'Invalid', 2).stderr).toBe("Invalid: unknown command 'frobnicate' (see 'docvault --help')\n");
    expect(fails(['ls', '--bogus'], 'Invalid', 2).stderr).toBe("Invalid: Unknown option '--bogus' (see 'docvault ls --help')\n");
    fails(['help', 'frobnicate'], 'Invalid', 2);
  });

  it('missing arguments and option values, extra arguments', () => {
    expect(fails(['get'], 'Invalid', 2).stderr).toContain("get needs ID (see 'docvault get --help')");
    expect(fails(['restore', 'x'], 'Invalid', 2).stderr).toContain('restore needs N');
    expect(fails(['put'], 'Invalid', 2).stderr).toContain('--id');
    fails(['put', '--id'], 'Invalid', 2);
    fails(['ls', 'extra'], 'Invalid', 2);
    fails(['get', 'a', 'b'], 'Invalid', 2);
    fails(['get', 'a', '--version', '-1'], 'Invalid', 2);
  });

  it('options that belong to another command are rejected', () => {
    fails(['ls', '--id', 'x'], 'Invalid', 2);
    fails(['get', 'x', '--no-encryption'], 'Invalid', 2);
  });

  it('global options may come before the command', () => {
    const vault = join(dir(), 'g.dvault');
    ok(['--vault', vault, 'init', '--no-encryption']);
    ok(['--vault', vault, 'put', '--id', 'a'], { input: 'A' });
    expect(ok(['--vault', vault, 'get', 'a'])).toBe('A');
  });

  it('a missing content file is NotFound', () => {
    const vault = join(dir(), 'f.dvault');
    ok(['init', '--vault', vault, '--no-encryption']);
    fails(['put', '--vault', vault, '--id', 'a', '--file', join(dir(), 'missing.txt')], 'NotFound', 3);
  });
});
