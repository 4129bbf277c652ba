/**
 * The team-vault sync state step, from a vault at the step before it (the schema-1 fixture opened, then this
 * step's objects dropped): nothing else changes, nothing is queued until the vault is attached, attaching
 * queues every version and Trash state, and the triggers queue new writes in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, SYNC_STATE_STEP, Vault } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { vaultBeforeStep } from '../helpers/before-step';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function beforeStep(): { path: string; key: string } {
  return vaultBeforeStep(SYNC_STATE_STEP, cleanups);
}

describe('migration: team-vault sync state', () => {
  it('upgrades the vault before it without changing a row, and queues nothing until attached', () => {
    const { path, key } = beforeStep();
    const rows = (db: Database.Database) => ({
      docs: documentRows(db),
      versions: db.prepare('SELECT vid, mac, content FROM versions ORDER BY vid').all(),
    });
    const before = withRawConnection(path, key, rows);
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(rows(db)).toEqual(before);
    });
    expect(v.syncState()).toMatchObject({ remoteUrl: undefined, pending: 0, conflicts: 0, lastSeq: 0 });
    const first = v.list().items[0];
    if (first === undefined) throw new Error('fixture has documents');
    v.update(first.id, { content: 'written before attaching' });
    expect(v.syncState().pending).toBe(0);
    expect(v.verify()).toMatchObject({ ok: true });
  });

  it('attaching queues every version, then the triggers queue each write, Trash move and purge in order', () => {
    const { path, key } = beforeStep();
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    const versions = v.stats().versions;
    v.attachRemote({ url: 'postgresql://alice@db.example/team', remoteVault: 'ab'.repeat(16) });
    expect(v.syncState().pending).toBe(versions);
    expect(() => v.attachRemote({ url: 'postgresql://alice:hunter2@db.example/team', remoteVault: 'ab'.repeat(16) })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    v.markPushed(v.syncOutbox(10_000));
    expect(v.syncState().pending).toBe(0);
    v.create({ id: 'n1', content: 'one' });
    v.update('n1', { content: 'two' });
    v.delete('n1');
    v.undelete('n1');
    v.create({ id: 'n2', content: 'gone' });
    v.purge('n2');
    const kinds = v.syncOutbox(100).map((e) => `${e.payload.k}:${e.payload.id}`);
    // n2's version was purged before it was pushed: only the purge travels.
    expect(kinds).toEqual(['v:n1', 'v:n1', 'trash:n1', 'undelete:n1', 'purge:n2']);
  });
});
