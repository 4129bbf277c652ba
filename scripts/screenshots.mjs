// Regenerates the window's screenshots in docs/screenshots from an E2E run in Chromium:
//   npm run screenshots [-- spec-name…]     (default: every spec that takes docs shots)
// Builds first, then runs Playwright with DOCVAULT_SCREENSHOT_DIR set; the specs decide what to shoot.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'docs', 'screenshots');
mkdirSync(dir, { recursive: true });
const specs = process.argv.slice(2);
const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('node', ['scripts/ensure-chromium.mjs']);
run('npm', ['run', 'build']);
run('npx', ['playwright', 'test', ...(specs.length > 0 ? specs : ['versions.spec.ts'])], { ...process.env, DOCVAULT_SCREENSHOT_DIR: dir });
console.log(`screenshots: ${dir}`);
