/**
 * Resource fault suite: a read-only vault, a full disk (for writes and for a schema upgrade), and a vault file deleted while open. Each must
 * give a typed error (or keep working) and lose nothing committed. The read-only and disk-full cases need
 * a small tmpfs (`mount -t tmpfs -o size=2m`, root only); where mounting is not permitted they print why
 * and are skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { errorOf, kindOfSync } from '../helpers/errors';
import { hexKey, tempDir } from '../helpers/tmp';
import { recordFigures } from './harness';
import { VERSIONS_ORDER_STEP } from '../../src/main/storage/migrations';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';

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
        expect(write).toMatch(/^ReadOnly: .*read-only/);
        outcome(() => v2.close());
      }
    } finally {
      mount('-o', 'remount,rw', mnt);
    }
    const again = open(path);
    expect(again.get('kept').content).toBe('written before the file system went read-only');
    // Left open, it would keep the tmpfs from being remounted read-only by the next case.
    again.close();
  });

  it.skipIf(mountError !== undefined)('a vault on a read-only file system: the open error is ReadOnly, saying why', () => {
    const path = join(mnt, 'ro2.dvault');
    Vault.createSync(path, { key: { rawKey: key } }).close();
    mount('-o', 'remount,ro', mnt);
    try {
      const err = errorOf(() => open(path).close());
      expect(err.kind).toBe('ReadOnly');
      expect(err.details).toMatchObject({ reason: 'readOnlyFileSystem', path });
      expect(err.message).toMatch(/read-only file system/);
      // Creating one there is refused the same way, and leaves nothing behind.
      const created = errorOf(() => Vault.createSync(join(mnt, 'new.dvault'), { key: { rawKey: key } }));
      expect(created.kind).toBe('ReadOnly');
      expect(existsSync(join(mnt, 'new.dvault'))).toBe(false);
    } finally {
      mount('-o', 'remount,rw', mnt);
    }
    // The file was not touched: it opens and verifies once the file system is writable again.
    const again = open(path);
    expect(again.verify().problems).toEqual([]);
    again.close();
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
    expect(failure).toMatch(/^DiskFull: .*disk is full; nothing was written/);
    // Reads still work on a full disk.
    expect(v.get(acked[0] as string).content.startsWith('d0 ')).toBe(true);
    const closed = outcome(() => v.close());
    figures['disk full: close'] = closed;
    expect(closed).toMatch(/^(ok|DiskFull: .*disk is full)/);
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

  it.skipIf(mountError !== undefined)('an upgrade that runs out of room: DiskFull on open, the vault stays at the step before and upgrades once there is room', () => {
    // Schema step 22 copies every version row before it drops the old table: it needs about that much room.
    const cleanups: (() => void)[] = [];
    try {
      const f = vaultBeforeStep(VERSIONS_ORDER_STEP, cleanups, (v) => {
        for (let i = 0; i < 24; i++) v.create({ id: `big-${i}`, content: `big-${i} `.repeat(6_000) });
      });
      for (const name of readdirSync(mnt)) rmSync(join(mnt, name), { force: true });
      mount('-o', 'remount,size=16m', mnt);
      const path = join(mnt, 'upgrade.dvault');
      copyFileSync(f.path, path);
      // Room for the file and a little more: not for a second copy of its versions.
      mount('-o', `remount,size=${Math.ceil(statSync(path).size / 1024) + 512}k`, mnt);
      const failed = outcome(() => Vault.openSync(path, { key: { rawKey: f.key } }).close());
      figures['upgrade on a full disk'] = failed;
      expect(failed).toMatch(new RegExp(`^DiskFull: Upgrading the vault from schema ${VERSIONS_ORDER_STEP - 1} to ${SCHEMA_VERSION} \\(an upgrade can need free space about the size of the vault; the step that failed wrote nothing\\): the disk is full`));
      expect(withRawConnection(path, f.key, (db) => db.pragma('user_version', { simple: true }))).toBe(VERSIONS_ORDER_STEP - 1);
      mount('-o', 'remount,size=16m', mnt);
      const again = Vault.openSync(path, { key: { rawKey: f.key } });
      try {
        expect(again.get('big-23').content).toBe(`big-23 `.repeat(6_000));
        expect(again.verify().problems).toEqual([]);
      } finally {
        again.close();
      }
    } finally {
      for (const c of cleanups.reverse()) c();
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

  it('a vault file deleted while open: a write after the delete is refused (NotFound, vaultRemoved), never acknowledged and lost', () => {
    const path = join(tmp.dir, 'deleted2.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'before', content: 'x' });
    unlinkSync(path);
    const err = errorOf(() => v.create({ id: 'after', content: 'y' }));
    expect(err.kind).toBe('NotFound');
    expect(err.details).toMatchObject({ reason: 'vaultRemoved', path });
    // Rolled back: the open connection does not show it either, and a transaction is refused the same way.
    expect(kindOfSync(() => v.get('after'))).toBe('NotFound');
    expect(errorOf(() => v.transaction(() => v.put({ id: 'tx', content: 'z' }))).details).toMatchObject({ reason: 'vaultRemoved' });
    figures['deleted while open: write after'] = `${err.kind} (${String(err.details?.['reason'])})`;
    v.close();
  });

  it('a vault file moved away while open: the write is refused; the moved file holds everything saved before, nothing after', () => {
    const path = join(tmp.dir, 'moved.dvault');
    const moved = join(tmp.dir, 'moved-elsewhere.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'before', content: 'saved before the move' });
    renameSync(path, moved);
    expect(errorOf(() => v.bulkPut([{ id: 'a', content: 'a' }, { id: 'b', content: 'b' }])).details).toMatchObject({ reason: 'vaultRemoved' });
    v.close();
    const there = open(moved);
    try {
      expect(there.get('before').content).toBe('saved before the move');
      expect(kindOfSync(() => there.get('a'))).toBe('NotFound');
      expect(there.verify().problems).toEqual([]);
    } finally {
      there.close();
    }
  });

  it('a vault file replaced by another while open: the write is refused (vaultReplaced), the new file is untouched', () => {
    const path = join(tmp.dir, 'replaced.dvault');
    const other = join(tmp.dir, 'other.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'mine', content: 'in the file that was open' });
    const o = Vault.createSync(other, { key: { rawKey: key } });
    o.create({ id: 'theirs', content: 'in the file put in its place' });
    o.close();
    renameSync(other, path);
    const err = errorOf(() => v.update('mine', { content: 'changed' }));
    expect(err.kind).toBe('NotFound');
    expect(err.details).toMatchObject({ reason: 'vaultReplaced' });
    v.close();
    const now = open(path);
    try {
      expect(now.get('theirs').content).toBe('in the file put in its place');
      expect(kindOfSync(() => now.get('mine'))).toBe('NotFound');
    } finally {
      now.close();
    }
  });
});
