/**
 * The `app://` protocol the window loads from instead of `file://`. A file:// page shares its origin
 * with every file on disk (any `fetch('file:///…')` the CSP let through would reach them); app://docvault
 * is an origin of its own that serves the built renderer folder and nothing else — no path outside it,
 * no symlink out of it, no directory listing.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/** The scheme of the app's own pages. */
export const APP_SCHEME = 'app';
/** The host of every app:// URL; a fixed name, so the page has one stable origin. */
export const APP_HOST = 'docvault';
/** The URL the window loads. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The part of Electron's `protocol` module this file uses (a fake in tests). */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: { url: string; method: string }) => Promise<Response> | Response): void;
}

/**
 * Registers app:// as a standard, secure scheme. Must run before the app is ready (Electron's rule).
 * Standard: relative URLs and an origin work as for https; secure: the page counts as a secure context.
 * Deliberately not `bypassCSP`, `corsEnabled` or `allowServiceWorkers`.
 */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The file under `root` an app:// URL names, or undefined when the URL is not one of ours or would
 * leave `root` (`..`, encoded `%2e%2e`, backslashes, NUL). Lexical only; {@link serveAppFile} also
 * resolves symlinks.
 */
export function resolveAppPath(root: string, url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') return undefined;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  const file = resolve(root, `.${path}`);
  return inside(resolve(root), file) ? file : undefined;
}

/** The window's Content-Security-Policy; `extraConnect` adds sources (the dev server's `ws:`). */
export function appCsp(extraConnect = ''): string {
  return (
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'" +
    (extraConnect === '' ? '' : ` ${extraConnect}`) +
    "; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
  );
}

/** Security headers on every app:// response; the page's CSP is also in its meta tag. */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': appCsp(),
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};

/** Answers one app:// request from `root`: the file, 404 for anything outside or missing, 405 for non-GET. */
export async function serveAppFile(root: string, request: { url: string; method: string }): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
  const file = resolveAppPath(root, request.url);
  if (file === undefined) return new Response('Not found', { status: 404 });
  try {
    // A symlink inside the folder must not lead out of it either.
    const real = await realpath(file);
    if (!inside(await realpath(root), real)) return new Response('Not found', { status: 404 });
    const body = await readFile(real);
    const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: { ...APP_RESPONSE_HEADERS, 'content-type': type } });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

/** Serves the built renderer folder `root` on app://docvault/. Call after the app is ready. */
export function handleAppProtocol(protocol: ProtocolLike, root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppFile(root, request));
}
