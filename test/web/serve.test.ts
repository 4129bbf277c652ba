/** The web twin's command line, default paths, and `npm start`'s fallback when Electron cannot run. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { defaultVaultPath, userDataDir } from '../../src/app/paths';
import { parseServeArgs } from '../../src/web/serve';
import { tempDir } from '../helpers/tmp';

describe('paths', () => {
  it('follows XDG on Linux and the platform conventions elsewhere', () => {
    expect(defaultVaultPath({ XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/docvault/vault.dvault');
    expect(userDataDir({}, 'linux')).toMatch(/\.local\/share\/docvault$/);
    expect(userDataDir({ XDG_DATA_HOME: 'relative' }, 'linux')).toMatch(/\.local\/share\/docvault$/);
    expect(userDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/docvault$/);
    expect(userDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain('docvault');
  });
});

describe('parseServeArgs', () => {
  it('takes --vault and --port, then the env, then the default', () => {
    expect(parseServeArgs(['--vault', '/tmp/a.dvault', '--port', '8080'], {})).toEqual({ vault: '/tmp/a.dvault', port: 8080 });
    expect(parseServeArgs(['--vault=/tmp/b.dvault'], {}).vault).toBe('/tmp/b.dvault');
    expect(parseServeArgs([], { DOCVAULT_VAULT: '/tmp/c.dvault' }).vault).toBe('/tmp/c.dvault');
    expect(parseServeArgs([], { XDG_DATA_HOME: '/x' })).toEqual({ vault: '/x/docvault/vault.dvault', port: 0 });
  });
  it('refuses unknown options and bad ports with one line', () => {
    expect(() => parseServeArgs(['--bogus'], {})).toThrow(/Unknown option --bogus/);
    expect(() => parseServeArgs(['--port', '99999'], {})).toThrow(/--port/);
    expect(() => parseServeArgs(['--vault'], {})).toThrow(/needs a value/);
  });
});

describe('npm start without an Electron binary', () => {
  it('says so in one line and serves the web twin', async () => {
    const t = tempDir();
    const root = process.cwd();
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--vault', join(t.dir, 'v.dvault')], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(t.dir, 'no-electron-here') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL in time; stdout: ${out}; stderr: ${err}`)), 60_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (/docvault web: http:\/\/127\.0\.0\.1:\d+\/#token=/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}; stdout: ${out}; stderr: ${err}`)));
      });
      const lines = out.trim().split('\n');
      expect(lines[0]).toMatch(/^docvault: Electron cannot start here \(.+\); serving the web twin instead\.$/);
      expect(lines[1]).toMatch(/^docvault web: http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
      expect(err).not.toMatch(/\n\s+at /);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      t.cleanup();
    }
  }, 90_000);
});
