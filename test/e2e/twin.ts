/** Starts a web twin for one spec: temp vault, light KDF (test only), random port, the built renderer. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocvaultBackend, type BackendOptions } from '../../src/app/backend';
import { startWebServer, type WebServer } from '../../src/web/server';
import { HTTP, type Channel, type ChannelInputs, type ChannelOutputs, type Result } from '../../src/shared/contract';

/** A running twin and how to reach it. */
export interface Twin {
  readonly server: WebServer;
  readonly vaultPath: string;
  /** Where the benchmark panel makes its scratch folders. */
  readonly scratchDir: string;
  /** Calls a channel directly over HTTP (seeding, checks). */
  call<C extends Channel>(channel: C, input: ChannelInputs[C]): Promise<ChannelOutputs[C]>;
  stop(): Promise<void>;
}

const rendererDir = join(process.cwd(), 'out', 'renderer');

/** Starts a twin; the renderer must be built (`npm run test:e2e` builds it). */
export async function startTwin(opts: { prepare?: (vaultPath: string) => Promise<void>; backend?: Partial<BackendOptions> } = {}): Promise<Twin> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is not built: run `npm run build` (or `npm run test:e2e`).');
  const dir = mkdtempSync(join(tmpdir(), 'docvault-e2e-'));
  const vaultPath = join(dir, 'e2e.dvault');
  await opts.prepare?.(vaultPath);
  // typedPaths as `npm run serve` sets it: a browser has no system dialog for import and export.
  const backend = new DocvaultBackend({ vaultPath, kdfProfile: 2, appDataDir: join(dir, 'app-data'), benchScratchRoot: join(dir, 'scratch'), typedPaths: true, ...opts.backend });
  const server = await startWebServer({ backend, rendererDir });
  return {
    server,
    vaultPath,
    scratchDir: join(dir, 'scratch'),
    async call(channel, input) {
      const res = await fetch(`${server.origin.replace(/\/$/, '')}${HTTP.apiPrefix}${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: server.token },
        body: JSON.stringify(input),
      });
      const r = (await res.json()) as Result<ChannelOutputs[typeof channel]>;
      if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
      return r.value;
    },
    async stop() {
      await server.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
