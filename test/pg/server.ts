/**
 * A real PostgreSQL for the team-vault tests: a fresh cluster in a temp folder, listening on 127.0.0.1 on a
 * free port with TLS only (a CA and a server certificate made here with the `openssl` CLI — node:crypto
 * cannot issue X.509 certificates, and openssl is on every machine that has PostgreSQL's own TLS), pg_hba
 * with `hostssl ... scram-sha-256` lines and no plain `host` or `local` lines. As root, the cluster belongs to
 * and runs as the `postgres` OS user (the server refuses to run as root). Each test file starts its own
 * server in beforeAll (about a second: initdb without fsync), so every file runs alone and a test that
 * kills its server cannot disturb another file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensurePostgres } from '../../scripts/ensure-postgres.mjs';

/** A running test server and what tests need to reach it. */
export interface TestPg {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The CA that signed the server certificate (a file path). */
  readonly caFile: string;
  /** A CA that did not: verification must refuse it. */
  readonly wrongCaFile: string;
  /** The superuser's URL (password inside: tests only; the app never stores one). */
  readonly adminUrl: string;
  /** A URL for the ordinary login role `alice` (no password: it comes from PGPASSWORD in tests). */
  readonly aliceUrl: string;
  readonly alicePassword: string;
  readonly dir: string;
  /** Runs SQL as the superuser, over TLS. */
  admin<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** `pg_dump` of the whole database, as text. */
  dump(): string;
  /** Kills the server the hard way (`pg_ctl stop -m immediate`): no clean shutdown. */
  kill(): void;
  /** Starts it again on the same port. */
  start(): void;
  /** Stops it and removes its folder. */
  stop(): void;
}

/** Why the pg tests cannot run here, or undefined when they can. */
export function pgUnavailable(): string | undefined {
  const r = ensurePostgres();
  if (r.reason !== undefined) return r.reason;
  if (spawnSync('openssl', ['version']).status !== 0) return 'no openssl CLI to make the test certificates';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA (ca.crt/ca.key), a wrong CA, and a server certificate for 127.0.0.1 / localhost signed by the CA. */
function makeCerts(dir: string): void {
  const days = ['-days', '2'];
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', ...days, '-subj', '/CN=docvault test CA'], dir);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'wrong-ca.key', '-out', 'wrong-ca.crt', ...days, '-subj', '/CN=docvault wrong CA'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', ...days, '-extfile', 'san.ext'], dir);
}

/** Starts a fresh TLS-only PostgreSQL. Call {@link pgUnavailable} first. */
export async function startTestPg(): Promise<TestPg> {
  const bin = ensurePostgres().binDir;
  if (bin === undefined) throw new Error('PostgreSQL binaries not found');
  const dir = mkdtempSync(join(tmpdir(), 'docvault-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : undefined;
  const run = (cmd: string, args: string[]): string => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], full[1], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  makeCerts(dir);
  const adminPassword = `admin-${Math.random().toString(36).slice(2)}`;
  const alicePassword = `alice-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pwfile'), `${adminPassword}\n`);
  for (const f of ['server.key', 'pwfile']) chmodSync(join(dir, f), 0o600);
  if (owner !== undefined) {
    chmodSync(dir, 0o700);
    for (const f of ['', 'server.key', 'server.crt', 'pwfile']) chownSync(join(dir, f), owner.uid, owner.gid);
  }
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pwfile')}`, '-E', 'UTF8', '--no-sync', '--no-instructions']);
  rmSync(join(dir, 'pwfile'));
  const port = await freePort();
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      'ssl = on',
      `ssl_cert_file = '${join(dir, 'server.crt')}'`,
      `ssl_key_file = '${join(dir, 'server.key')}'`,
      "password_encryption = 'scram-sha-256'",
      // Speed, not safety: the OS keeps what the server wrote when it is killed (-m immediate), so
      // committed rows survive the kill test; only a power cut would lose them, and tests have none.
      'fsync = off',
      'full_page_writes = off',
      'max_connections = 40',
      'shared_buffers = 32MB',
      '',
    ].join('\n'),
  );
  // TLS only: no `host` or `local` lines at all.
  writeFileSync(join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  if (owner !== undefined) chownSync(join(data, 'pg_hba.conf'), owner.uid, owner.gid);
  const logFile = join(dir, 'server.log');
  const start = (): void => {
    run('pg_ctl', ['start', '-w', '-t', '30', '-D', data, '-l', logFile]);
  };
  start();
  const caFile = join(dir, 'ca.crt');
  const ca = readFileSync(caFile, 'utf8');
  const adminUrl = `postgresql://postgres:${adminPassword}@127.0.0.1:${port}/postgres`;
  const admin = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: adminPassword, database: 'postgres', ssl: { ca, rejectUnauthorized: true } });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE ROLE alice LOGIN PASSWORD '${alicePassword}'`);
  let stopped = false;
  // A test process that dies without its afterAll must not leave a server running.
  process.once('exit', () => {
    if (!stopped) spawnSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), 'stop', '-m', 'immediate', '-D', data] : ['stop', '-m', 'immediate', '-D', data]);
  });
  return {
    host: '127.0.0.1',
    port,
    caFile,
    wrongCaFile: join(dir, 'wrong-ca.crt'),
    adminUrl,
    aliceUrl: `postgresql://alice@127.0.0.1:${port}/postgres`,
    alicePassword,
    dir,
    admin,
    dump: () =>
      execFileSync(join(bin, 'pg_dump'), ['--no-owner', `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=verify-full&sslrootcert=${caFile}`], {
        env: { ...process.env, PGPASSWORD: adminPassword },
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      }),
    kill: () => run('pg_ctl', ['stop', '-m', 'immediate', '-D', data]),
    start,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['stop', '-m', 'fast', '-D', data]);
      } catch {
        // Already stopped (a test killed it): nothing to stop.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
