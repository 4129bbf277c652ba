#!/usr/bin/env node
// `npm run lint:electron [dir]`: Electronegativity over src/ (or dir) (offline: the release-list check, which needs the
// network, is excluded; the translation fetch gives up after 1 s). Fails on any HIGH-severity finding
// and prints the others as a summary. The full report goes to out/reports/electronegativity.csv.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const out = join(root, 'out', 'reports', 'electronegativity.csv');
mkdirSync(dirname(out), { recursive: true });
const bin = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
const input = process.argv[2] ?? join(root, 'src');
const r = spawnSync(process.execPath, [bin, '-i', input, '-e', version, '-r', '-v', 'false', '-x', 'AvailableSecurityFixesGlobalCheck', '-o', out], {
  cwd: root,
  encoding: 'utf8',
  timeout: 120_000,
});
if (r.status !== 0) {
  process.stderr.write(`lint:electron: electronegativity failed (exit ${r.status}): ${(r.stderr || '').split('\n')[0]}\n`);
  process.exit(1);
}
// CSV columns: issue, severity, confidence, filename, location, sample, description, url
const rows = readFileSync(out, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
const findings = rows.map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
const high = findings.filter((f) => f.some((c) => c === 'HIGH'));
for (const f of findings) process.stdout.write(`lint:electron: ${f.slice(0, 5).join(' ')}\n`);
if (high.length > 0) {
  process.stderr.write(`lint:electron: ${high.length} HIGH-severity finding(s); see ${out}\n`);
  process.exit(1);
}
process.stdout.write(`lint:electron: no HIGH-severity findings (${findings.length} lower; report in out/reports/electronegativity.csv)\n`);
