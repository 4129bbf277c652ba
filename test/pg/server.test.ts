import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

describe.skipIf(why !== undefined)('the test PostgreSQL', () => {
  let srv: TestPg;
  beforeAll(async () => {
    srv = await startTestPg();
  }, 60_000);
  afterAll(() => srv?.stop());

  it('serves TLS with the test CA and scram passwords', async () => {
    const rows = await srv.admin<{ ssl: boolean; v: string }>("SELECT ssl, current_setting('server_version_num') AS v FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    expect(rows[0]?.ssl).toBe(true);
  });

  it('refuses a connection without TLS (no plain host line)', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'alice', password: srv.alicePassword, database: 'postgres', ssl: false });
    await expect(c.connect()).rejects.toThrow(/no pg_hba.conf entry|SSL off/);
  });

  it('a client with the wrong CA cannot verify it', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'alice', password: srv.alicePassword, database: 'postgres', ssl: { ca: readFileSync(srv.wrongCaFile, 'utf8') } });
    await expect(c.connect()).rejects.toThrow(/certificate/);
  });
});
