#!/usr/bin/env node
// Finds PostgreSQL's server binaries for the team-vault tests (test/pg), or installs Debian's `postgresql`
// package when running as root. Idempotent: with the binaries present it only prints where they are.
// Order: $PG_BINDIR; /usr/lib/postgresql/<newest>/bin; else `apt-get update && apt-get install -y postgresql`
// (root only). When neither works it prints why and exits 0: the pg tests then skip with the same reason,
// so a machine without PostgreSQL still runs the rest of the suite. Importable: findPgBinDir(), ensurePostgres().
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEBIAN_ROOT = '/usr/lib/postgresql';

function hasServer(dir) {
  return ['initdb', 'pg_ctl', 'postgres', 'pg_dump'].every((b) => existsSync(join(dir, b)));
}

/** The folder holding initdb, pg_ctl, postgres and pg_dump, or undefined. */
export function findPgBinDir(env = process.env) {
  if (env.PG_BINDIR) return hasServer(env.PG_BINDIR) ? env.PG_BINDIR : undefined;
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const majors = readdirSync(DEBIAN_ROOT).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  for (const m of majors) if (hasServer(join(DEBIAN_ROOT, m, 'bin'))) return join(DEBIAN_ROOT, m, 'bin');
  return undefined;
}

function run(cmd, args) {
  process.stderr.write(`ensure-postgres: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

/** `{ binDir }` when the binaries are there (installing them if root), else `{ reason }`. */
export function ensurePostgres() {
  let found = findPgBinDir();
  if (found !== undefined) return { binDir: found };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt)
    return { reason: `no PostgreSQL server binaries (set PG_BINDIR, or run \`sudo apt-get install -y postgresql\`${hasApt ? '' : ' or your system\'s equivalent'})` };
  // Debian's package would create and start a default cluster; the tests run their own, so skip that.
  if (!run('apt-get', ['update']) || !run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql']))
    return { reason: 'apt-get could not install postgresql (see the output above)' };
  found = findPgBinDir();
  return found === undefined ? { reason: `postgresql was installed but no server binaries were found under ${DEBIAN_ROOT}` } : { binDir: found };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = ensurePostgres();
  process.stdout.write(r.binDir !== undefined ? `${r.binDir}\n` : `ensure-postgres: ${r.reason}; the team-vault tests will skip.\n`);
}
