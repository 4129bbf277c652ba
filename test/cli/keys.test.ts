import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fails, ok, run, secret, useScratch } from './helpers';

const dir = useScratch();

let n = 0;
function fresh(): string {
  return join(dir(), `v${++n}.dvault`);
}

function keyFile(hex = randomBytes(32).toString('hex')): string {
  const path = join(dir(), `k${++n}.key`);
  writeFileSync(path, `${secret(hex)}\n`, { mode: 0o600 });
  return path;
}

describe('init', () => {
  it('generates a raw key file with mode 0600 and creates an encrypted vault with it', () => {
    const vault = fresh();
    const key = join(dir(), 'generated.key');
    const r = run(['init', '--vault', vault, '--key-file', key]);
    expect(r.code).toBe(0);
    const hex = readFileSync(key, 'utf8').trim();
    secret(hex);
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    // The run that generated the key must not have shown it either (it ran before the key was registered).
    expect(r.stdout + r.stderr).not.toContain(hex);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(r.stderr).toContain(`Wrote a new random key to ${key}`);
    expect(r.stdout).toContain('encrypted');
    // The file is SQLCipher: no plain SQLite header.
    expect(readFileSync(vault).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    ok(['put', '--vault', vault, '--key-file', key, '--id', 'a'], { input: 'x' });
    expect(ok(['get', 'a', '--vault', vault, '--key-file', key])).toBe('x');
  });

  it('--json reports a generated key file without the key', () => {
    const key = join(dir(), 'generated-json.key');
    const r = run(['init', '--vault', fresh(), '--key-file', key, '--json']);
    expect(r.code).toBe(0);
    const hex = secret(readFileSync(key, 'utf8').trim());
    expect(JSON.parse(r.stdout)).toMatchObject({ encrypted: true, keySource: 'key-file', keyFile: key, keyGenerated: true, kdfProfile: null });
    expect(r.stdout + r.stderr).not.toContain(hex);
  });

  it('uses an existing key file as it is', () => {
    const vault = fresh();
    const key = keyFile();
    const before = readFileSync(key, 'utf8');
    ok(['init', '--vault', vault, '--key-file', key]);
    expect(readFileSync(key, 'utf8')).toBe(before);
    expect(JSON.parse(ok(['stats', '--json', '--vault', vault, '--key-file', key])).encrypted).toBe(true);
  });

  it('with a passphrase from the environment and --kdf-profile 2', () => {
    const vault = fresh();
    const env = { DOCVAULT_VAULT: vault, DOCVAULT_PASSPHRASE: secret('correct horse battery staple') };
    const out = JSON.parse(ok(['init', '--kdf-profile', '2', '--json'], { env }));
    expect(out).toMatchObject({ path: vault, encrypted: true, keySource: 'passphrase-env', kdfProfile: 2, keyGenerated: false });
    // docvault stores the KDF profile in the last byte of the SQLCipher salt.
    expect(readFileSync(vault)[15]).toBe(2);
    ok(['put', '--id', 'p'], { env, input: 'secret text' });
    expect(ok(['get', 'p'], { env })).toBe('secret text');
  });

  it('uses the default KDF profile without --kdf-profile', () => {
    const vault = fresh();
    ok(['init', '--vault', vault], { env: { DOCVAULT_PASSPHRASE: secret('default-profile-pass') } });
    expect(readFileSync(vault)[15]).toBe(1);
  });

  it('with a passphrase file: first line, line ending stripped', () => {
    const vault = fresh();
    const pass = join(dir(), 'pass.txt');
    writeFileSync(pass, `${secret('file passphrase 1')}\r\nsecond line ignored\n`, { mode: 0o600 });
    ok(['init', '--vault', vault, '--passphrase-file', pass, '--kdf-profile', '2']);
    ok(['put', '--vault', vault, '--passphrase-file', pass, '--id', 'a'], { input: 'A' });
    // The same passphrase through the environment opens it: the line ending was not part of it.
    expect(ok(['get', 'a', '--vault', vault], { env: { DOCVAULT_PASSPHRASE: 'file passphrase 1' } })).toBe('A');
  });

  it('--no-encryption makes a plain vault that opens without a key', () => {
    const vault = fresh();
    const out = JSON.parse(ok(['init', '--vault', vault, '--no-encryption', '--json']));
    expect(out).toMatchObject({ encrypted: false, keySource: 'none' });
    expect(readFileSync(vault).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    ok(['put', '--vault', vault, '--id', 'plain'], { input: 'visible' });
    expect(ok(['get', 'plain', '--vault', vault])).toBe('visible');
  });

  it('refuses to create a vault without a key or --no-encryption', () => {
    const vault = fresh();
    const r = fails(['init', '--vault', vault], 'Invalid', 2);
    expect(r.stderr).toContain('--no-encryption');
    expect(existsSync(vault)).toBe(false);
  });

  it('refuses to overwrite an existing file, and leaves no generated key behind', () => {
    const vault = fresh();
    writeFileSync(vault, 'precious');
    const key = join(dir(), 'unused.key');
    fails(['init', '--vault', vault, '--key-file', key], 'AlreadyExists', 4);
    expect(readFileSync(vault, 'utf8')).toBe('precious');
    expect(existsSync(key)).toBe(false);
  });

  it('rejects an empty passphrase, an unknown KDF profile and conflicting key options', () => {
    fails(['init', '--vault', fresh()], 'Invalid', 2, { env: { DOCVAULT_PASSPHRASE: '' } });
    const empty = join(dir(), 'empty-pass.txt');
    writeFileSync(empty, '\nsecond\n', { mode: 0o600 });
    fails(['init', '--vault', fresh(), '--passphrase-file', empty], 'Invalid', 2);
    fails(['init', '--vault', fresh(), '--kdf-profile', '9'], 'Invalid', 2, { env: { DOCVAULT_PASSPHRASE: 'pass-word' } });
    fails(['init', '--vault', fresh(), '--key-file', keyFile(), '--passphrase-file', empty], 'Invalid', 2);
    fails(['init', '--vault', fresh(), '--no-encryption', '--key-file', keyFile()], 'Invalid', 2);
  });

  it('a new key file in a missing directory is NotFound, and no vault is made', () => {
    const vault = fresh();
    const r = fails(['init', '--vault', vault, '--key-file', join(dir(), 'no-such-dir', 'k.key')], 'NotFound', 3);
    expect(r.stderr).toContain('directory does not exist');
    expect(existsSync(vault)).toBe(false);
  });

  it('warns about a key file readable by others', () => {
    const vault = fresh();
    const key = keyFile();
    chmodSync(key, 0o644);
    const r = run(['init', '--vault', vault, '--key-file', key]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: key file .* is readable by group or others/m);
  });

  it('rejects a malformed key file without echoing it', () => {
    const bad = join(dir(), 'bad.key');
    writeFileSync(bad, secret('zz-not-a-hex-key-but-a-secret-anyway') + '\n', { mode: 0o600 });
    const r = fails(['init', '--vault', fresh(), '--key-file', bad], 'Invalid', 2);
    expect(r.stderr).toContain('64 hexadecimal characters');
  });
});

describe('opening with the wrong key', () => {
  it('fails with WrongKey, exit 5, and leaves the vault byte-identical', () => {
    const vault = fresh();
    const right = keyFile();
    ok(['init', '--vault', vault, '--key-file', right]);
    ok(['put', '--vault', vault, '--key-file', right, '--id', 'doc'], { input: 'content' });
    const wrong = keyFile();
    const before = readFileSync(vault);
    const filesBefore = readdirSync(dir()).sort();
    const r = fails(['get', 'doc', '--vault', vault, '--key-file', wrong], 'WrongKey', 5);
    expect(r.stderr).toBe('WrongKey: Wrong passphrase or key for this vault (or the file is not a vault)\n');
    fails(['ls', '--vault', vault], 'WrongKey', 5, { env: { DOCVAULT_PASSPHRASE: secret('not-the-passphrase') } });
    fails(['verify', '--vault', vault], 'WrongKey', 5);
    expect(readFileSync(vault).equals(before)).toBe(true);
    expect(readdirSync(dir()).sort()).toEqual(filesBefore);
  });

  it('with a wrong passphrase on a passphrase vault', () => {
    const vault = fresh();
    ok(['init', '--vault', vault, '--kdf-profile', '2'], { env: { DOCVAULT_PASSPHRASE: secret('the right one') } });
    const before = readFileSync(vault);
    fails(['ls', '--vault', vault], 'WrongKey', 5, { env: { DOCVAULT_PASSPHRASE: secret('the wrong one') } });
    expect(readFileSync(vault).equals(before)).toBe(true);
  });

  it('a key on a plain vault is WrongKey too', () => {
    const vault = fresh();
    ok(['init', '--vault', vault, '--no-encryption']);
    fails(['ls', '--vault', vault, '--key-file', keyFile()], 'WrongKey', 5);
  });

  it('a file that is not a vault is NotAVault, exit 5', () => {
    const notVault = join(dir(), 'notes.txt');
    writeFileSync(notVault, 'just text\n'.repeat(100));
    fails(['ls', '--vault', notVault, '--key-file', keyFile()], 'NotAVault', 5);
  });
});

describe('missing files', () => {
  it('a missing vault is NotFound, exit 3, and is not created', () => {
    const vault = join(dir(), 'nowhere.dvault');
    const r = fails(['ls', '--vault', vault, '--key-file', keyFile()], 'NotFound', 3);
    expect(r.stderr).toContain(vault);
    expect(existsSync(vault)).toBe(false);
  });

  it('a vault from DOCVAULT_VAULT; none at all is a usage error', () => {
    fails(['ls', '--key-file', keyFile()], 'NotFound', 3, { env: { DOCVAULT_VAULT: join(dir(), 'env-missing.dvault') } });
    const r = fails(['ls'], 'Invalid', 2);
    expect(r.stderr).toContain('DOCVAULT_VAULT');
  });

  it('a missing key file is NotFound', () => {
    const vault = fresh();
    ok(['init', '--vault', vault, '--no-encryption']);
    fails(['ls', '--vault', vault, '--passphrase-file', join(dir(), 'no-such-pass')], 'NotFound', 3);
  });
});
