#!/usr/bin/env node
// Entry of the `docvault` command. The CLI is bundled to out/node/cli.mjs by `npm install` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'node', 'cli.mjs');
if (!existsSync(built)) {
  process.stderr.write('Internal: the docvault CLI is not built. Run `npm run build:node` (npm install does it).\n');
  process.exit(70);
}
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
