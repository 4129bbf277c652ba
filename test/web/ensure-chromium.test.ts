/** scripts/ensure-chromium.mjs: finds Chromium, or fails with one clear line. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findChromium } from '../../scripts/ensure-chromium.mjs';

const script = join(process.cwd(), 'scripts', 'ensure-chromium.mjs');

describe('ensure-chromium', () => {
  it('honours CHROMIUM_PATH', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toBeUndefined();
  });

  it('prints the path it found', () => {
    const r = spawnSync(process.execPath, [script], { env: { ...process.env, CHROMIUM_PATH: process.execPath }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(process.execPath);
  });

  it('fails with one line when CHROMIUM_PATH points nowhere', () => {
    const r = spawnSync(process.execPath, [script], { env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium does not exist');
  });
});
