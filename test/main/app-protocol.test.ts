/** The app:// protocol: serves the built renderer folder and nothing outside it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_INDEX_URL, registerAppScheme, resolveAppPath, serveAppFile, type ProtocolLike } from '../../src/main/app-protocol';
import { tempDir } from '../helpers/tmp';

let base: string;
let root: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir: base, cleanup } = tempDir());
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>docvault</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
});
afterAll(() => cleanup());

const get = (url: string, method = 'GET'): Promise<Response> => serveAppFile(root, { url, method });

describe('resolveAppPath', () => {
  it('maps app://docvault/ URLs into the folder', () => {
    expect(resolveAppPath(root, APP_INDEX_URL)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://docvault/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://docvault/assets/app.js?v=1#x')).toBe(join(root, 'assets', 'app.js'));
  });

  it('keeps dot segments inside the folder (the URL parser resolves them at its root)', () => {
    for (const url of ['app://docvault/../secret.txt', 'app://docvault/%2e%2e/secret.txt', 'app://docvault/assets/%2E%2E/%2E%2E/secret.txt'])
      expect(resolveAppPath(root, url), url).toBe(join(root, 'secret.txt'));
  });

  it.each([
    'app://docvault/..%2fsecret.txt',
    'app://docvault/assets/..%2f..%2fsecret.txt',
    'app://docvault/..%5csecret.txt',
    'app://docvault/index.html%00.js',
    'app://docvault/%E0%A4%A',
    'app://other/index.html',
    'app://user:pw@docvault/index.html',
    'file:///etc/passwd',
    'https://docvault/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeUndefined();
  });
});

describe('serveAppFile', () => {
  it('serves a file with its type and the security headers', async () => {
    const r = await get(APP_INDEX_URL);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>docvault</title>');
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'.*object-src 'none'/);
    expect((await get('app://docvault/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for traversal, a symlink out of the folder, a directory and a missing file; 405 for writes', async () => {
    for (const url of ['app://docvault/%2e%2e/secret.txt', 'app://docvault/assets/link.txt', 'app://docvault/assets', 'app://docvault/nope.js']) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('outside');
    }
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405);
  });
});

it('registers app:// as standard and secure, without bypassing CSP', () => {
  const calls: unknown[] = [];
  const protocol: ProtocolLike = { registerSchemesAsPrivileged: (s) => void calls.push(s), handle: () => {} };
  registerAppScheme(protocol);
  expect(calls).toEqual([[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]]);
});
