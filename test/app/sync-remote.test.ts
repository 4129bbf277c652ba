/** Remote URLs and connection refusals that need no database: TLS verify-full or nothing, no stored password. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { parseRemoteUrl } from '../../src/app/sync/remote-url';
import { PgRemote } from '../../src/app/sync/pg-remote';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('remote URLs', () => {
  it('keep the password for the connection only, never in what is stored or shown', () => {
    const u = parseRemoteUrl('postgresql://alice:s3cret-pw@db.example.com:6543/team?sslmode=verify-full');
    expect(u).toMatchObject({ host: 'db.example.com', port: 6543, user: 'alice', database: 'team', password: 's3cret-pw' });
    expect(u.display).toBe('postgresql://alice@db.example.com:6543/team');
    expect(parseRemoteUrl('postgres://bob@[::1]/x').host).toBe('::1');
  });

  it('refuse anything below verify-full as Insecure, and other schemes or parameters as Invalid', () => {
    for (const mode of ['disable', 'allow', 'prefer', 'require', 'verify-ca'])
      expect(() => parseRemoteUrl(`postgresql://a@h/db?sslmode=${mode}`)).toThrow(expect.objectContaining({ kind: 'Insecure' }));
    for (const bad of ['mysql://a@h/db', 'not a url', 'postgresql://a@h/db?host=/tmp', 'postgresql:///db'])
      expect(() => parseRemoteUrl(bad)).toThrow(expect.objectContaining({ kind: 'Invalid' }));
  });

  it('a server that will not speak TLS is refused (Insecure), never used in plaintext', async () => {
    // Answers the client's SSLRequest with 'N' ("no TLS here"), as a server with ssl=off does.
    const seen: Buffer[] = [];
    server = createServer((sock) => {
      sock.once('data', (d) => {
        seen.push(d);
        sock.write('N');
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    await expect(PgRemote.connect({ url: `postgresql://alice:pw@127.0.0.1:${port}/db`, connectTimeoutMs: 5000 })).rejects.toMatchObject({ kind: 'Insecure' });
    // The only thing sent was the 8-byte SSLRequest: no startup message, no user name, no password.
    expect(Buffer.concat(seen).length).toBe(8);
  });

  it('an unreachable server is Offline', async () => {
    server = createServer();
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    await expect(PgRemote.connect({ url: `postgresql://alice@127.0.0.1:${port}/db` })).rejects.toMatchObject({ kind: 'Offline' });
  });
});
