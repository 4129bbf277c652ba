/**
 * `npm run serve` / `node out/node/web-server.mjs`: starts the web twin and prints its URL.
 *
 *   --vault <file>   vault file (else $DOCVAULT_VAULT, else the per-user default, see docs/app.md)
 *   --port <n>       port on 127.0.0.1 (default: a free one)
 *
 * Test-only: DOCVAULT_TEST_KDF_PROFILE=2 makes new passphrase vaults use the light KDF profile so
 * E2E tests run fast. Never set it for a real vault; the server says so when it is set.
 * DOCVAULT_TEST_HOLD_TRANSFERS=1 makes an import wait between batches until cancelled (the screenshots of
 * its progress dialog).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocvaultBackend } from '../app/backend';
import { defaultVaultPath, userDataDir } from '../app/paths';
import { startWebServer, type WebServer } from './server';

/** Parsed command line. */
export interface ServeArgs {
  readonly vault: string;
  readonly port: number;
}

/** Parses `--vault` and `--port`; throws a one-line message on anything else. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  let vault = env.DOCVAULT_VAULT !== undefined && env.DOCVAULT_VAULT !== '' ? env.DOCVAULT_VAULT : defaultVaultPath(env);
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--vault') vault = next();
    else if (a?.startsWith('--vault=')) vault = a.slice(8);
    else if (a === '--port') port = Number(next());
    else if (a?.startsWith('--port=')) port = Number(a.slice(7));
    else throw new Error(`Unknown option ${a}. Usage: docvault-web [--vault FILE] [--port N]`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0..65535');
  return { vault: resolve(vault), port };
}

/** The built renderer next to this bundle (out/node/web-server.mjs → out/renderer). */
function rendererDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '..', 'renderer'), join(here, '..', '..', 'out', 'renderer')]) if (existsSync(join(dir, 'index.html'))) return dir;
  return undefined;
}

/** Starts the twin from the command line; returns the server (tests) after printing its URL. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<WebServer | undefined> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (err) {
    process.stderr.write(`docvault: ${(err as Error).message}\n`);
    process.exitCode = 64;
    return undefined;
  }
  const profileEnv = process.env.DOCVAULT_TEST_KDF_PROFILE;
  const kdfProfile = profileEnv === undefined || profileEnv === '' ? undefined : Number(profileEnv);
  if (kdfProfile !== undefined) process.stderr.write(`docvault: TEST MODE: new vaults use KDF profile ${kdfProfile} (DOCVAULT_TEST_KDF_PROFILE). Do not use for real data.\n`);
  const hold = process.env.DOCVAULT_TEST_HOLD_TRANSFERS === '1';
  if (hold) process.stderr.write('docvault: TEST MODE: imports wait between batches until cancelled (DOCVAULT_TEST_HOLD_TRANSFERS).\n');
  // No system dialog in a browser: import and export take typed paths (see src/app/transfer/paths.ts).
  const backend = new DocvaultBackend({
    vaultPath: args.vault,
    appDataDir: userDataDir(),
    typedPaths: true,
    ...(kdfProfile === undefined ? {} : { kdfProfile }),
    ...(hold ? { holdTransfersForTests: true } : {}),
  });
  const dir = rendererDir();
  const server = await startWebServer({ backend, port: args.port, ...(dir === undefined ? {} : { rendererDir: dir }), log: (l) => process.stderr.write(`docvault: ${l}\n`) });
  process.stdout.write(`docvault web: ${server.url}\n`);
  process.stdout.write(`vault: ${args.vault}\n`);
  if (dir === undefined) process.stdout.write('(the renderer is not built: run `npm run build`)\n');
  const stop = (): void => {
    void server.close().then(() => backend.close()).finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

// Run when executed directly (the bundle), not when imported by a test.
const entry = process.argv[1];
if (entry !== undefined && /web-server\.mjs$|serve\.ts$/.test(entry)) void main();
