/**
 * Resource fault suite: a read-only vault, a full disk, and a vault file deleted while open. Each must
 * give a typed error (or keep working) and lose nothing committed. The read-only and disk-full cases need
 * a small tmpfs (`mount -t tmpfs -o size=2m`, root only); where mounting is not permitted they print why
 * and are skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { hexKey, tempDir } from '../helpers/tmp';
import { recordFigures } from './harness';

const tmp = tempDir('docvault-faults-res-');
const mnt = join(tmp.dir, 'mnt');
let mountError: string | undefined;
const figures: Record<string, string | number> = {};

function mount(...opts: string[]): void {
  execFileSync('mount', [...opts], { stdio: ['ignore', 'ignore', 'pipe'] });
}

beforeAll(() => {
  mkdirSync(mnt);
  try {
    mount('-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mnt);
  } catch (err) {
    mountError = (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err);
    console.log(`faults resources: cannot mount a tmpfs here (${mountError}); the read-only and disk-full cases are skipped`);
  }
});
afterAll(() => {
  if (mountError === undefined) {
    try {
      execFileSync('umount', [mnt]);
    } catch {
      // already gone
    }
  }
  recordFigures('resources', figures);
  tmp.cleanup();
});

const key = hexKey();
const open = (path: string): Vault => Vault.openSync(path, { key: { rawKey: key } });

/** The kind of what `fn` threw ('ok' if nothing, 'untyped' for anything but a DocvaultError). */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return isDocvaultError(err) ? `${err.kind}: ${err.message}` : `untyped: ${String(err)}`;
  }
}

describe('resources', () => {
  it.skipIf(mountError !== undefined)('a vault on a read-only file system: reads work or a typed error; writes are refused with a typed error', () => {
    const path = join(mnt, 'ro.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'kept', content: 'written before the file system went read-only' });
    v.close();
    mount('-o', 'remount,ro', mnt);
    try {
      let vault: Vault | undefined;
      const opened = outcome(() => (vault = open(path)));
      figures['read-only open'] = opened;
      expect(opened).not.toMatch(/^untyped/);
      if (vault !== undefined) {
        const v2 = vault;
        expect(v2.get('kept').content).toBe('written before the file system went read-only');
        const write = outcome(() => v2.create({ id: 'new', content: 'x' }));
        figures['read-only write'] = write;
        expect(write).toMatch(/^(Invalid|Closed|Overloaded|Internal): .*read-only/);
        outcome(() => v2.close());
      }
    } finally {
      mount('-o', 'remount,rw', mnt);
    }
    expect(open(path).get('kept').content).toBe('written before the file system went read-only');
  });

  // Known engine gap (issue 9, for the engine session): opening a vault on a read-only file system fails
  // with SQLITE_CANTOPEN, which mapSqliteError turns into `Internal` ("unable to open database file")
  // instead of a clear kind saying the location is read-only. Turns red once fixed; then drop `.fails`.
  it.runIf(mountError === undefined).fails('a vault on a read-only file system: the open error is a clear kind, not Internal', () => {
    console.log('faults resources: expected to fail until the engine maps SQLITE_CANTOPEN (see the comment above)');
    const path = join(mnt, 'ro2.dvault');
    Vault.createSync(path, { key: { rawKey: key } }).close();
    mount('-o', 'remount,ro', mnt);
    try {
      expect(outcome(() => open(path).close())).toMatch(/^(?!Internal)[A-Za-z]+: /);
    } finally {
      mount('-o', 'remount,rw', mnt);
    }
  });

  it.skipIf(mountError !== undefined)('a full disk: the failing write is a typed error, every committed write survives', () => {
    const path = join(mnt, 'full.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    const acked: string[] = [];
    let failure = 'none';
    for (let i = 0; i < 1000; i++) {
      const id = `d${i}`;
      const r = outcome(() => v.create({ id, content: `${id} `.repeat(12_000) }));
      if (r === 'ok') acked.push(id);
      else {
        failure = r;
        break;
      }
    }
    figures['disk full: writes committed before full'] = acked.length;
    figures['disk full: failing write'] = failure;
    expect(failure).toMatch(/^[A-Za-z]+: .*disk is full/);
    // Reads still work on a full disk.
    expect(v.get(acked[0] as string).content.startsWith('d0 ')).toBe(true);
    const closed = outcome(() => v.close());
    figures['disk full: close'] = closed;
    expect(closed).not.toMatch(/^untyped/);
    expect(v.isOpen).toBe(false);
    mount('-o', 'remount,size=16m', mnt);
    const again = open(path);
    try {
      for (const id of acked) expect(again.get(id).content).toBe(`${id} `.repeat(12_000));
      expect(again.verify().problems).toEqual([]);
    } finally {
      again.close();
    }
  });

  it('a vault file deleted while open: reads keep working from the open handle', () => {
    const path = join(tmp.dir, 'deleted.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'before', content: 'committed before the delete' });
    unlinkSync(path);
    expect(v.get('before').content).toBe('committed before the delete');
    figures['deleted while open: write'] = outcome(() => v.create({ id: 'after', content: 'written after the delete' }));
    figures['deleted while open: close'] = outcome(() => v.close());
    expect(existsSync(path)).toBe(false);
  });

  // Known engine gap (issue 9, for the engine session): SQLite keeps writing to the unlinked inode in WAL
  // mode and close() checkpoints into it, so a write made after the file was deleted is acknowledged and
  // then lost without any error. Marked `fails` so it turns red the day the engine refuses such a write
  // (or reports it at close) — then drop `.fails`.
  it.fails('a vault file deleted while open: a write after the delete is refused or reported, never lost silently', () => {
    console.log('faults resources: expected to fail until the engine detects a deleted vault file (see the comment above)');
    const path = join(tmp.dir, 'deleted2.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'before', content: 'x' });
    unlinkSync(path);
    const write = outcome(() => v.create({ id: 'after', content: 'y' }));
    const close = outcome(() => v.close());
    expect(write === 'ok' && close === 'ok').toBe(false);
  });
});
