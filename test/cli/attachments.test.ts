/** `docvault attach`, `attachments`, `get --attachment`, `detach` through the real command: bytes in and out exactly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureBuilt, fails, ok, run, scratch, secret, type RunOptions } from './helpers';
import { EXIT } from '../../src/cli/exit-codes';

let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = scratch());
});
afterAll(() => cleanup());

function newVault(): { dv: (args: string[], opts?: RunOptions) => string; raw: (args: string[], opts?: RunOptions) => ReturnType<typeof run>; bad: (args: string[], kind: string, code: number) => void } {
  const name = randomBytes(4).toString('hex');
  const vault = join(dir, `${name}.dvault`);
  const k = join(dir, `${name}.key`);
  ok(['init', '--vault', vault, '--key-file', k]);
  secret(readFileSync(k, 'utf8').trim());
  const env = { DOCVAULT_VAULT: vault };
  return {
    dv: (args, opts = {}) => ok([...args, '--key-file', k], { ...opts, env: { ...env, ...opts.env } }),
    raw: (args, opts = {}) => run([...args, '--key-file', k], { ...opts, env: { ...env, ...opts.env } }),
    bad: (args, kind, code) => void fails([...args, '--key-file', k], kind, code, { env }),
  };
}

describe('attachments from the command line', () => {
  it('attach, list, get to stdout and to a file, detach: bytes exact', () => {
    const { dv, raw, bad } = newVault();
    dv(['put', '--id', 'passport'], { input: 'Passport, renewed 2026' });
    const scan = randomBytes(600_000);
    const file = join(dir, 'scan.jpg');
    writeFileSync(file, scan);
    expect(dv(['attach', 'passport', file])).toBe('Attached scan.jpg (586 KiB) to passport: version 2\n');
    expect(dv(['attach', 'passport', '-', '--name', 'notes.bin', '--type', 'application/x-test'], { input: Buffer.from([0, 1, 2, 255]) })).toMatch(/notes\.bin .* version 3/);
    const list = JSON.parse(dv(['attachments', 'passport', '--json'])) as { name: string; size: number; mediaType: string }[];
    expect(list.map((a) => [a.name, a.size, a.mediaType])).toEqual([
      ['scan.jpg', 600_000, 'image/jpeg'],
      ['notes.bin', 4, 'application/x-test'],
    ]);
    expect(dv(['attachments', 'passport'])).toMatch(/image\/jpeg\s+scan\.jpg/);
    expect(raw(['get', 'passport', '--attachment', 'scan.jpg']).stdoutBytes.equals(scan)).toBe(true);
    expect(raw(['get', 'passport', '--attachment', 'notes.bin']).stdoutBytes.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    const out = join(dir, 'copy.jpg');
    dv(['get', 'passport', '--attachment', 'scan.jpg', '--out', out]);
    expect(readFileSync(out).equals(scan)).toBe(true);
    bad(['get', 'passport', '--attachment', 'scan.jpg', '--out', out], 'AlreadyExists', EXIT.conflict);
    expect(dv(['detach', 'passport', 'scan.jpg'])).toBe('Detached scan.jpg from passport: version 4\n');
    expect(JSON.parse(dv(['attachments', 'passport', '--json'])).length).toBe(1);
    // The old version keeps it.
    expect(raw(['get', 'passport', '--attachment', 'scan.jpg', '--version', '2']).stdoutBytes.equals(scan)).toBe(true);
    bad(['get', 'passport', '--attachment', 'scan.jpg'], 'NotFound', EXIT.notFound);
    bad(['attach', 'passport', join(dir, 'no-such-file')], 'NotFound', EXIT.notFound);
    bad(['attach', 'passport', file, '--name', '../escape.jpg'], 'Invalid', EXIT.invalid);
    bad(['detach', 'passport', 'never-there'], 'NotFound', EXIT.notFound);
    expect(existsSync(join(dir, '.copy.jpg.part'))).toBe(false);
    expect(dv(['verify'])).toMatch(/ok|OK|no problems/i);
  });

  it('stats counts stored files once and their listings per version', () => {
    const { dv } = newVault();
    dv(['put', '--id', 'a'], { input: 'one' });
    dv(['put', '--id', 'b'], { input: 'two' });
    const file = join(dir, 'same.bin');
    writeFileSync(file, randomBytes(3000));
    dv(['attach', 'a', file]);
    dv(['attach', 'b', file]);
    // Stored once, listed by a's version 2 and b's version 2.
    expect(JSON.parse(dv(['stats', '--json'])).attachments).toEqual({ files: 1, storedBytes: 3000, referencedBytes: 6000 });
    expect(dv(['stats'])).toMatch(/^attached {4}1 stored file, 2\.9 KiB stored \(5\.9 KiB as the versions list them, before dedup\)$/m);
    dv(['rm', 'a', '--purge']);
    expect(JSON.parse(dv(['stats', '--json'])).attachments).toEqual({ files: 1, storedBytes: 3000, referencedBytes: 3000 });
  });
});
