/**
 * vitest global setup for the fault suites: clears the figures before the run and prints one summary
 * after it — rounds killed, writes acknowledged, writes lost, payloads fuzzed, crashes, tamper and
 * resource outcomes — from what each suite recorded (test/faults/harness.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(process.cwd(), 'out', 'test', 'fault-summary');

/** Clears the previous run's figures. */
export default function setup(): () => void {
  rmSync(DIR, { recursive: true, force: true });
  // One seed for the whole run, inherited by every test process (replay with DOCVAULT_FAULTS_SEED=…).
  process.env['DOCVAULT_FAULTS_SEED'] ??= String(Date.now() % 2 ** 31);
  const started = Date.now();
  return () => {
    if (!existsSync(DIR)) return;
    const suites = readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { suite: string; full: boolean; seed: number; figures: Record<string, unknown> });
    if (suites.length === 0) return;
    const lines = [`fault suites (${suites.some((s) => s.full) ? 'full' : 'short'}), ${Math.round((Date.now() - started) / 1000)} s:`];
    for (const s of suites.sort((a, b) => a.suite.localeCompare(b.suite)))
      lines.push(`  ${s.suite} (seed ${s.seed}): ${Object.entries(s.figures).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  };
}
