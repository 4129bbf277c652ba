/** Web twin security, over real HTTP on 127.0.0.1: token, Host/Origin, paths, bodies. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { startWebServer, type WebServer } from '../../src/web/server';
import { HTTP } from '../../src/shared/contract';
import { tempDir } from '../helpers/tmp';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so Host and Origin can be forged (fetch would not let us). */
function send(server: WebServer, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

function api(server: WebServer, channel: string, input: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(server, {
    method: 'POST',
    path: `${HTTP.apiPrefix}${channel}`,
    headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: server.token, ...headers },
    body: JSON.stringify(input),
  });
}

function kindOf(r: Reply): string | undefined {
  const j = JSON.parse(r.body) as { ok: boolean; error?: { kind: string } };
  return j.ok ? undefined : j.error?.kind;
}

describe('web twin', () => {
  let server: WebServer;
  let backend: DocvaultBackend;
  let cleanup: () => void;

  // A fresh server, backend and (missing) vault per test: every test passes run alone or in any order.
  beforeEach(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const renderer = join(t.dir, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(t.dir, 'secret.txt'), 'outside');
    backend = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2 });
    server = await startWebServer({ backend, rendererDir: renderer, maxBodyBytes: 64 * 1024 });
  });

  afterEach(async () => {
    await server.close();
    await backend.close();
    cleanup();
  });

  it('binds to 127.0.0.1 and puts the token only in the URL fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.url).toBe(`${server.origin}#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the app with a strict CSP', async () => {
    const r = await send(server, { path: '/' });
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    // The version comparison runs in a module worker loaded from the page's own files.
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect((await send(server, { path: '/assets/app.js' })).status).toBe(200);
  });

  it('answers a call with the right token', async () => {
    const r = await api(server, 'vault.status', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { state: 'missing' } });
  });

  it('refuses API calls without the token or with a wrong one', async () => {
    const none = await send(server, { method: 'POST', path: '/api/vault.status', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(kindOf(none)).toBe('Unauthorized');
    const wrong = await api(server, 'vault.status', {}, { [HTTP.tokenHeader]: 'x'.repeat(server.token.length) });
    expect(wrong.status).toBe(401);
    const events = await send(server, { path: HTTP.eventsPath });
    expect(events.status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    const r = await api(server, 'vault.status', {}, { host: `evil.example:${server.port}` });
    expect(r.status).toBe(421);
    expect(kindOf(r)).toBe('Unauthorized');
    expect((await send(server, { path: '/', headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('refuses a foreign Origin and cross-site fetches', async () => {
    const r = await api(server, 'vault.status', {}, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(kindOf(r)).toBe('Unauthorized');
    expect((await api(server, 'vault.status', {}, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api(server, 'vault.status', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await api(server, 'vault.status', {}, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('serves nothing outside the app files', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/etc/passwd', '/index.html.map', '//secret.txt']) {
      const r = await send(server, { path });
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('outside');
    }
  });

  it('gives typed errors for malformed bodies', async () => {
    const bad = await send(server, {
      method: 'POST',
      path: '/api/vault.status',
      headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: server.token },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(kindOf(bad)).toBe('Invalid');
    const text = await send(server, { method: 'POST', path: '/api/vault.status', headers: { 'content-type': 'text/plain', [HTTP.tokenHeader]: server.token }, body: '{}' });
    expect(text.status).toBe(415);
    expect(kindOf(text)).toBe('Invalid');
    const unknown = await api(server, 'no.such', {});
    expect(kindOf(unknown)).toBe('Invalid');
    const extra = await api(server, 'vault.unlock', { passphrase: 'x', admin: true });
    expect(kindOf(extra)).toBe('Invalid');
    const wrongType = await api(server, 'doc.get', { id: 42 });
    expect(kindOf(wrongType)).toBe('Invalid');
    expect((await send(server, { method: 'GET', path: '/api/vault.status', headers: { [HTTP.tokenHeader]: server.token } })).status).toBe(405);
  });

  it('refuses oversized bodies with TooLarge, declared or streamed', async () => {
    const big = JSON.stringify({ passphrase: 'x'.repeat(70 * 1024) });
    const declared = await api(server, 'vault.unlock', JSON.parse(big));
    expect(declared.status).toBe(413);
    expect(kindOf(declared)).toBe('TooLarge');
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/vault.unlock',
          headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', [HTTP.tokenHeader]: server.token, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(10 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(kindOf(chunked)).toBe('TooLarge');
  });

  it('runs the document flow and reports errors by kind', async () => {
    expect(kindOf(await api(server, 'doc.list', {}))).toBe('Closed');
    expect(JSON.parse((await api(server, 'vault.create', { passphrase: 'correct horse battery' })).body)).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    const created = JSON.parse((await api(server, 'doc.create', { document: { id: 'a', content: 'hello', title: 'A', tags: ['x'] } })).body) as { ok: true; value: { version: number } };
    expect(created.value.version).toBe(1);
    expect(kindOf(await api(server, 'doc.update', { id: 'a', patch: { content: 'late' }, expectedVersion: 0 }))).toBe('Conflict');
    expect(kindOf(await api(server, 'doc.get', { id: 'nope' }))).toBe('NotFound');
    expect(kindOf(await api(server, 'doc.create', { document: { id: 'b', content: 'x', tags: ['dup', 'dup'] } }))).toBe('Invalid');
    await api(server, 'vault.lock', {});
    expect(kindOf(await api(server, 'vault.unlock', { passphrase: 'wrong' }))).toBe('WrongKey');
    expect(JSON.parse((await api(server, 'vault.unlock', { passphrase: 'correct horse battery' })).body)).toMatchObject({ ok: true });
    expect(JSON.parse((await api(server, 'doc.get', { id: 'a' })).body)).toMatchObject({ ok: true, value: { content: 'hello' } });
  });

  it('streams push events to a client holding the token', async () => {
    const res = await fetch(`${server.origin.replace(/\/$/, '')}${HTTP.eventsPath}`, { headers: { [HTTP.tokenHeader]: server.token } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect(JSON.parse((await api(server, 'vault.create', { passphrase: 'correct horse battery' })).body)).toMatchObject({ ok: true });
    // Without a change there is no event to wait for: the put must succeed before the read loop.
    expect(JSON.parse((await api(server, 'doc.put', { document: { id: 'evented', content: 'x' } })).body)).toMatchObject({ ok: true });
    let text = '';
    while (!text.includes('"doc.changed"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    const line = text.split('\n').find((l) => l.includes('"doc.changed"')) ?? '';
    expect(JSON.parse(line.slice('data: '.length))).toEqual({ event: 'doc.changed', data: { id: 'evented', change: 'created', version: 1 } });
  });
});
