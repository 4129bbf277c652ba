/**
 * Fuzz fault suite: malformed payloads on every channel, through the transport-neutral handler (what IPC
 * calls) and over the web twin's HTTP. Every answer must be a valid result or a typed error other than
 * `Internal`; nothing may throw, no HTTP 5xx, and the vault verifies afterwards. Short: 100 payloads per
 * channel and transport; full: 10,000 (`npm run test:faults`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler, type RequestHandler } from '../../src/app/handlers';
import { vaultStoreFactory } from '../../src/app/store';
import { CHANNELS, HTTP } from '../../src/shared/contract';
import { isErrorKind } from '../../src/shared/errors';
import { startWebServer, type WebServer } from '../../src/web/server';
import { tempDir } from '../helpers/tmp';
import { count, recordFigures, suiteRandom } from './harness';
import { FUZZ_PASSPHRASE, junkBody, mutate } from './payloads';

const perChannel = count(100, 10_000);
const HTTP_CONCURRENCY = 8;
const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONCURRENCY });
const tmp = tempDir('docvault-faults-fuzz-');
let backend: DocvaultBackend;
let handle: RequestHandler;
let server: WebServer;
const figures = { payloads: 0, valid: 0, typed: 0, crashes: 0 };
const crashes: string[] = [];

beforeAll(async () => {
  // The Vault adapter keeps the run fast; the StorageService adds nothing to input handling, which is
  // all done by the handler's schemas before any store is called.
  // No default rate limit: every payload must reach validation (the costly channels keep their tight buckets).
  backend = new DocvaultBackend({ vaultPath: join(tmp.dir, 'fuzz.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory, channelLimits: { default: { ratePerSec: 1e9, burst: 1e9 } } });
  await backend.create(FUZZ_PASSPHRASE);
  for (let i = 0; i < 10; i++) await backend.channels['doc.create']({ document: { id: `seed-${i}`, content: `seed ${i}`, tags: ['a'], type: 'memo' } });
  handle = createHandler(backend);
  server = await startWebServer({ backend });
}, 60_000);

afterAll(async () => {
  agent.destroy();
  await server?.close();
  await backend?.close();
  tmp.cleanup();
});

/** Counts one answer: a result, a typed error, or a crash (untyped, Internal, thrown, 5xx). */
function judge(where: string, answer: unknown): void {
  figures.payloads++;
  const a = answer as { ok?: unknown; value?: unknown; error?: { kind?: unknown; message?: unknown } };
  if (a !== null && typeof a === 'object' && a.ok === true) figures.valid++;
  else if (a?.ok === false && isErrorKind(a.error?.kind) && a.error?.kind !== 'Internal' && typeof a.error?.message === 'string') figures.typed++;
  else {
    figures.crashes++;
    if (crashes.length < 20) crashes.push(`${where}: ${JSON.stringify(answer)?.slice(0, 300)}`);
  }
}

async function ensureUnlocked(): Promise<void> {
  if (!backend.isUnlocked) await backend.unlock({ passphrase: FUZZ_PASSPHRASE });
}

/** JSON text of a payload; undefined when it cannot be written as JSON (too deep for this stack). */
function text(payload: unknown): string | undefined {
  try {
    return JSON.stringify(payload);
  } catch {
    return undefined;
  }
}

/** One POST over a keep-alive connection; a 5xx or a body that is not the JSON envelope counts as a crash. */
function post(channel: string, body: string | Buffer, contentType = 'application/json'): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `${HTTP.apiPrefix}${channel}`,
        agent,
        headers: { host: `127.0.0.1:${server.port}`, 'content-type': contentType, [HTTP.tokenHeader]: server.token },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 500) return resolve({ status, body: raw.slice(0, 200) });
          try {
            resolve(JSON.parse(raw));
          } catch {
            resolve({ status, notJson: raw.slice(0, 200) });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Checks the vault and Object.prototype after one transport's run, and that every payload was judged. */
async function afterRun(before: number): Promise<void> {
  await ensureUnlocked();
  const report = await backend.channels['vault.verify']({});
  expect(report.problems).toEqual([]);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(crashes).toEqual([]);
  expect(figures.payloads - before).toBeGreaterThanOrEqual(CHANNELS.length * perChannel * 0.95);
}

afterAll(() => {
  if (figures.payloads > 0)
    recordFigures('fuzz', {
      'payloads fuzzed': figures.payloads,
      'valid results': figures.valid,
      'typed errors': figures.typed,
      crashes: figures.crashes,
      'per channel and transport': perChannel,
    });
});

describe(`fuzz: ${perChannel} malformed payloads per channel and transport`, () => {
  it('through the transport-neutral handler (what IPC calls)', { timeout: 60 * 60_000 }, async () => {
    const before = figures.payloads;
    for (const [i, channel] of CHANNELS.entries()) {
      const random = suiteRandom(100 + i);
      await ensureUnlocked();
      for (let n = 0; n < perChannel; n++) {
        const body = text(mutate(channel, random));
        if (body === undefined) continue;
        try {
          judge(`handler ${channel}`, await handle(channel, JSON.parse(body)));
        } catch (err) {
          judge(`handler ${channel} threw ${String(err)}`, undefined);
        }
      }
    }
    await afterRun(before);
  });

  it("over the web twin's HTTP", { timeout: 60 * 60_000 }, async () => {
    const before = figures.payloads;
    for (const [i, channel] of CHANNELS.entries()) {
      const random = suiteRandom(200 + i);
      await ensureUnlocked();
      // Payloads are drawn in order (replayable from the seed) and sent HTTP_CONCURRENCY at a time, as
      // several tabs or a hostile script would.
      const inFlight = new Set<Promise<void>>();
      for (let n = 0; n < perChannel; n++) {
        const r = random();
        const body = r < 0.05 ? junkBody(random) : text(mutate(channel, random));
        if (body === undefined) continue;
        const p: Promise<void> = post(channel, body, r > 0.99 ? 'text/plain' : 'application/json').then(
          (answer) => judge(`http ${channel}`, answer),
          (err: unknown) => judge(`http ${channel} threw ${String(err)}`, undefined),
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= HTTP_CONCURRENCY) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }
    await afterRun(before);
  });
});
