/**
 * The web twin: the same contract as the Electron app, over loopback HTTP, for browsers and E2E tests.
 *
 * - Binds 127.0.0.1 only. A random token, new at every launch, is required on every API request
 *   (header `x-docvault-token`); the page receives it in the URL fragment, which browsers never send.
 * - Host and Origin must name this server (defeats DNS rebinding and cross-site requests).
 * - `POST /api/<channel>` with a JSON body (size-limited) → the {@link Result} envelope.
 * - `GET /events` → server-sent events, read with fetch so the token stays in a header.
 * - Static files: only the built renderer's own files, from a list made at start (no path is ever
 *   joined from the URL), with a strict CSP.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { HTTP, type Result } from '../shared/contract';
import type { ErrorKind } from '../shared/errors';
import { LIMITS } from '../shared/types';
import type { DocvaultBackend } from '../app/backend';
import { createHandler } from '../app/handlers';

/** Largest request body: a maximal document, JSON-escaped, plus room for the rest. */
export const DEFAULT_MAX_BODY_BYTES = 2 * LIMITS.defaultMaxContentBytes + 2 * LIMITS.metadataMaxBytes + 1024 * 1024;

/** The page's Content-Security-Policy: nothing inline, nothing from elsewhere. */
export const CSP =
  "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  readonly backend: DocvaultBackend;
  /** Directory of the built renderer (out/renderer). Absent or empty: the page says how to build it. */
  readonly rendererDir?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** For tests; default {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
  /** For tests; default random. */
  readonly token?: string;
  /** Diagnostics (never tokens, never request bodies). */
  readonly log?: (line: string) => void;
}

/** A running web twin. */
export interface WebServer {
  /** `http://127.0.0.1:<port>/` */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** The URL to open: origin plus the token in the fragment. Print it to the user only. */
  readonly url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
};

/** Maps URL paths (`/assets/x.js`) to files of the renderer build, listed once. Source maps are left out. */
function listFiles(dir: string | undefined): Map<string, string> {
  const files = new Map<string, string>();
  if (dir === undefined) return files;
  const walk = (d: string, depth: number): void => {
    if (depth > 8) return;
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full, depth + 1);
      else if (st.isFile() && !name.endsWith('.map')) files.set('/' + relative(dir, full).split(sep).join('/'), full);
    }
  };
  walk(dir, 0);
  return files;
}

const STATUS: Partial<Record<ErrorKind, number>> = { Unauthorized: 401, TooLarge: 413, Invalid: 400, NotFound: 404 };

function securityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: ServerResponse, kind: ErrorKind, message: string, status = STATUS[kind] ?? 403): void {
  sendJson(res, status, { ok: false, error: { kind, message } });
}

/** Reads the body up to `limit` bytes; resolves undefined (after answering) when too large. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      res.setHeader('Connection', 'close');
      refuse(res, 'TooLarge', `Request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        res.setHeader('Connection', 'close');
        refuse(res, 'TooLarge', `Request body exceeds the limit of ${limit} bytes`);
        resolve(undefined);
        // Stop reading; the connection is closed after the answer.
        res.once('finish', () => req.destroy());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

function tokenMatches(given: string | string[] | undefined, token: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const g = Buffer.from(given, 'utf8');
  return g.length === token.length && timingSafeEqual(g, token);
}

/** Starts the web twin on 127.0.0.1. */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token, 'utf8');
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = opts.log ?? (() => {});
  const handle = createHandler(opts.backend, log);
  const files = listFiles(opts.rendererDir);
  let port = 0;
  const hostsAllowed = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const originsAllowed = (): Set<string> => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const streams = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    securityHeaders(res);
    void route(req, res).catch((err: unknown) => {
      log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) refuse(res, 'Internal', 'Internal error', 500);
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends Host: evil.example.
    if (!hostsAllowed().has(req.headers.host ?? '')) return refuse(res, 'Unauthorized', 'Unknown Host', 421);
    const origin = req.headers.origin;
    if (origin !== undefined && !originsAllowed().has(origin)) return refuse(res, 'Unauthorized', 'Cross-origin requests are refused', 403);
    // Browsers label cross-site requests even when they omit Origin (e.g. some GETs).
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse(res, 'Unauthorized', 'Cross-site requests are refused', 403);

    // The raw path, never normalised: it is only ever compared with known names, never joined to a directory.
    const path = (req.url ?? '/').split('?')[0] ?? '/';

    if (path.startsWith(HTTP.apiPrefix) || path === HTTP.eventsPath) {
      if (!tokenMatches(req.headers[HTTP.tokenHeader], tokenBuf)) return refuse(res, 'Unauthorized', 'Missing or wrong token');
      if (path === HTTP.eventsPath) {
        if (req.method !== 'GET') return refuse(res, 'Invalid', 'Use GET', 405);
        return events(req, res);
      }
      if (req.method !== 'POST') return refuse(res, 'Invalid', 'Use POST', 405);
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') return refuse(res, 'Invalid', 'Content-Type must be application/json', 415);
      const body = await readBody(req, res, maxBody);
      if (body === undefined) return;
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(res, 'Invalid', 'The request body is not valid JSON');
      }
      const channel = path.slice(HTTP.apiPrefix.length);
      return sendJson(res, 200, await handle(channel, input));
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 'Invalid', 'Method not allowed', 405);
    const file = files.get(path === '/' ? '/index.html' : path);
    if (file === undefined) {
      if (path === '/') {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP });
        res.end('The docvault renderer is not built. Run `npm run build`.\n');
        return;
      }
      return refuse(res, 'NotFound', 'Not found');
    }
    const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
    const data = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': MIME[ext] ?? 'application/octet-stream',
      'Content-Length': data.length,
      'Content-Security-Policy': CSP,
      'Cache-Control': ext === 'html' ? 'no-store' : 'private, max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = opts.backend.subscribe((e) => {
      res.write(`data: ${JSON.stringify(e)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
    const done = (): void => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const originUrl = `http://127.0.0.1:${port}/`;
  return {
    origin: originUrl,
    port,
    token,
    url: `${originUrl}#${HTTP.tokenFragment}=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
