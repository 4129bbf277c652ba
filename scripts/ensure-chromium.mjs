#!/usr/bin/env node
// Finds a Chromium for the end-to-end tests, or installs Debian's when running as root.
// Order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser; else `apt-get update && apt-get install -y chromium`
// (root only); else one clear line and exit 1. Prints the path found. Importable: findChromium().
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium executable to use, or undefined. */
export function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

function run(cmd, args) {
  process.stderr.write(`ensure-chromium: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

function main() {
  if (process.env.CHROMIUM_PATH && !existsSync(process.env.CHROMIUM_PATH)) {
    process.stderr.write(`ensure-chromium: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.\n`);
    return 1;
  }
  let found = findChromium();
  if (found === undefined) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const hasApt = existsSync('/usr/bin/apt-get');
    if (!isRoot || !hasApt) {
      process.stderr.write(
        `ensure-chromium: no Chromium found (set CHROMIUM_PATH, or run \`sudo apt-get install -y chromium\`${hasApt ? '' : ' or your system\'s equivalent'}).\n`,
      );
      return 1;
    }
    if (!run('apt-get', ['update']) || !run('apt-get', ['install', '-y', 'chromium'])) {
      process.stderr.write('ensure-chromium: apt-get could not install chromium (see the output above).\n');
      return 1;
    }
    found = findChromium();
    if (found === undefined) {
      process.stderr.write('ensure-chromium: chromium was installed but no executable was found at /usr/bin/chromium.\n');
      return 1;
    }
  }
  process.stdout.write(`${found}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
