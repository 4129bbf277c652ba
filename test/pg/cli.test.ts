/**
 * `docvault remote`, `sync` and `clone` as a user runs them, against a real PostgreSQL: two vaults round-trip
 * through the server; exit codes per kind; no password or key in any output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, fails, ok, run, scratch, secret } from '../cli/helpers';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

describe.skipIf(why !== undefined)('docvault remote / sync / clone', () => {
  let srv: TestPg;
  let dir: string;
  let cleanup: () => void;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    ({ dir, cleanup } = scratch());
    srv = await startTestPg();
    secret(srv.alicePassword);
    env = { PGPASSWORD: srv.alicePassword };
  }, 60_000);
  afterAll(() => {
    srv?.stop();
    cleanup?.();
  });

  it('init (idempotent), set, sync, clone and sync back, with status', () => {
    const admin = srv.adminUrl;
    secret(new URL(admin).password);
    for (let i = 0; i < 2; i++)
      expect(JSON.parse(ok(['remote', 'init', admin, '--ca', srv.caFile, '--grant', 'alice', '--json']))).toMatchObject({ ready: true, remote: expect.not.stringContaining(new URL(admin).password) });
    const a = join(dir, 'a.dvault');
    const keyFile = join(dir, 'a.key');
    ok(['init', '--vault', a, '--key-file', keyFile]);
    secret(readFileSync(keyFile, 'utf8').trim());
    const va = (...x: string[]) => [...x, '--vault', a, '--key-file', keyFile];
    ok(va('put', '--id', 'alpha', '--title', 'Alpha title'), { input: 'alpha body' });
    expect(JSON.parse(ok(va('remote', 'status', '--json')))).toMatchObject({ pending: 0 });
    fails(va('sync'), 'Invalid', 2);
    const set = JSON.parse(ok(va('remote', 'set', srv.aliceUrl, '--ca', srv.caFile, '--json'), { env }));
    expect(set).toMatchObject({ created: true, remote: srv.aliceUrl });
    expect(JSON.parse(ok(va('remote', 'status', '--json')))).toMatchObject({ pending: 1, remoteUrl: srv.aliceUrl, caFile: srv.caFile });
    expect(JSON.parse(ok(va('sync', '--json'), { env }))).toEqual({ pushed: 1, pulled: 0, conflicts: 0, rejected: 0, filesPushed: 0, filesPulled: 0, held: 0 });

    const b = join(dir, 'b.dvault');
    const vb = (...x: string[]) => [...x, '--vault', b, '--key-file', keyFile];
    expect(JSON.parse(ok(['clone', srv.aliceUrl, '--vault', b, '--key-file', keyFile, '--ca', srv.caFile, '--json'], { env }))).toMatchObject({ pulled: 1, vault: b });
    expect(ok(vb('get', 'alpha'))).toBe('alpha body');
    ok(vb('put', '--id', 'beta'), { input: 'from b' });
    expect(JSON.parse(ok(vb('sync', '--json'), { env }))).toMatchObject({ pushed: 1, pulled: 0 });
    expect(JSON.parse(ok(va('sync', '--json'), { env }))).toMatchObject({ pushed: 0, pulled: 1 });
    expect(ok(va('get', 'beta'))).toBe('from b');
    expect(ok(va('remote', 'status'))).toMatch(/Pending: +0 rows to push/);

    // Files travel too, counted apart from rows: sent once, received once.
    ok(va('attach', 'alpha', '-', '--name', 'scan.bin'), { input: 'the bytes of a scan' });
    expect(JSON.parse(ok(va('sync', '--json'), { env }))).toMatchObject({ pushed: 1, filesPushed: 1, filesPulled: 0 });
    expect(ok(vb('sync'), { env })).toMatch(/^Pushed 0 rows, pulled 1 row \(files: 0 sent, 1 received\)/);
    expect(ok(vb('get', 'alpha', '--attachment', 'scan.bin'))).toBe('the bytes of a scan');
  });

  it('typed failures: no password, wrong CA, plaintext, a wrong key for clone', () => {
    const keyFile = join(dir, 'other.key');
    ok(['init', '--vault', join(dir, 'other.dvault'), '--key-file', keyFile]);
    secret(readFileSync(keyFile, 'utf8').trim());
    const clone = (url: string, extra: string[], e: Record<string, string> = env) =>
      run(['clone', url, '--vault', join(dir, `c-${Math.random()}.dvault`), '--key-file', keyFile, ...extra], { env: e });
    expect(clone(srv.aliceUrl, ['--ca', srv.caFile], {}).stderr).toMatch(/^Unauthorized: .*PGPASSWORD/);
    const wrongCa = clone(srv.aliceUrl, ['--ca', srv.wrongCaFile]);
    expect([wrongCa.code, wrongCa.stderr]).toEqual([13, expect.stringMatching(/^Insecure: /)]);
    const plain = clone(`${srv.aliceUrl}?sslmode=disable`, ['--ca', srv.caFile]);
    expect([plain.code, plain.stderr]).toEqual([13, expect.stringMatching(/^Insecure: .*sslmode=disable/)]);
    const wrongKey = clone(srv.aliceUrl, ['--ca', srv.caFile]);
    expect([wrongKey.code, wrongKey.stderr]).toEqual([5, expect.stringMatching(/^WrongKey: /)]);
  });
});
