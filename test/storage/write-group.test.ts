/**
 * Vault.writeGroup, the service writer's group commit: single writes run in the group's transaction without
 * savepoints of their own (engine/vault-core.ts `group`). A write that fails having changed nothing fails
 * alone; one that fails after changing rows throws Internal (GroupSpoiled) so that the group rolls back;
 * nested transactions and bulk calls keep their savepoints. Every case ends with verify's recount.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { MAX_DOC } from '../../src/main/storage/migrations';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
beforeEach(() => ({ vault, path, key, cleanup } = makeVault()));
afterEach(() => cleanup());

function expectVerified(v: Vault): void {
  const report = v.verify();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

const kindOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { kind?: string }).kind;
  }
};

describe('writeGroup', () => {
  it('commits its writes together; a write that fails before changing anything fails alone', () => {
    vault.create({ id: 'x', content: 'x', type: 'note', tags: ['red'] });
    const kinds = vault.writeGroup(() => [
      kindOf(() => vault.create({ id: 'a', content: 'a', type: 'note', tags: ['red'] })),
      kindOf(() => vault.create({ id: 'x', content: 'dup' })),
      kindOf(() => vault.update('x', { content: 'stale' }, { expectedVersion: 9 })),
      kindOf(() => vault.update('nope', { content: 'n' })),
      kindOf(() => vault.create({ id: '', content: 'bad id' })),
      kindOf(() => vault.update('x', { content: 'x2', tags: ['blue'] })),
      kindOf(() => vault.delete('a')),
      kindOf(() => vault.create({ id: 'b', content: 'b', type: 'task' })),
    ]);
    expect(kinds).toEqual([undefined, 'AlreadyExists', 'Conflict', 'NotFound', 'Invalid', undefined, undefined, undefined]);
    expect(vault.get('x')).toMatchObject({ content: 'x2', version: 2, tags: ['blue'] });
    expect(vault.exists('a')).toBe(false);
    const s = vault.stats();
    expect(s).toMatchObject({ documents: 2, versions: 3, trashed: 1, byType: { note: 1, task: 1 } });
    expect([vault.count({ tag: 'red' }), vault.count({ tag: 'blue' })]).toEqual([0, 1]);
    expectVerified(vault);
  });

  it('a failed bulk call and a failed nested transaction roll back only their part (their savepoints stay)', () => {
    vault.create({ id: 'x', content: 'x' });
    vault.writeGroup(() => {
      vault.create({ id: 'a', content: 'a', type: 'note' });
      expect(vault.bulkCreate([{ id: 'b1', content: 'b', type: 'note' }, { id: 'x', content: 'dup' }]).committed).toBe(false);
      expect(() =>
        vault.transaction(() => {
          vault.create({ id: 'c', content: 'c', type: 'note' });
          vault.update('x', { content: 'x2' });
          throw new Error('undone');
        }),
      ).toThrow('undone');
      vault.create({ id: 'd', content: 'd', type: 'note' });
    });
    expect(['a', 'b1', 'c', 'd'].map((id) => vault.exists(id))).toEqual([true, false, false, true]);
    expect(vault.get('x').version).toBe(1);
    expect(vault.stats()).toMatchObject({ documents: 3, versions: 3, byType: { note: 2 } });
    expectVerified(vault);
  });

  it('a write that fails after changing rows throws Internal, and letting it abort the group leaves nothing', () => {
    vault.create({ id: 'x', content: 'x' });
    vault.close();
    // The next document's key past the most a vault holds: create inserts the head, then refuses (TooLarge).
    const db = new Database(path);
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${key}'"`);
    // A filler head (copied from x's) at the last key: the next create gets MAX_DOC + 1.
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('documents') as string[]).filter((c) => c !== 'doc' && c !== 'id');
    db.prepare(`INSERT INTO documents (doc, id, ${cols.join(', ')}) SELECT ?, 'filler', ${cols.join(', ')} FROM documents WHERE id = 'x'`).run(MAX_DOC);
    db.close();
    vault = Vault.openSync(path, { key: { rawKey: key } });
    expect(() => vault.create({ id: 'alone', content: 'a' })).toThrow(expect.objectContaining({ kind: 'TooLarge' }));
    let spoiled: unknown;
    expect(() =>
      vault.writeGroup(() => {
        vault.update('x', { content: 'x2' });
        try {
          vault.create({ id: 'too-far', content: 'a' });
        } catch (err) {
          spoiled = err;
          throw err;
        }
      }),
    ).toThrow();
    expect(spoiled).toMatchObject({ kind: 'Internal' });
    expect((spoiled as Error).cause).toMatchObject({ kind: 'TooLarge' });
    expect(vault.exists('too-far')).toBe(false);
    expect(vault.get('x').version).toBe(1);
    expect(vault.stats()).toMatchObject({ documents: 1, versions: 1 });
    // The next group starts from nothing pending.
    vault.writeGroup(() => vault.update('x', { content: 'x3' }));
    expect(vault.stats()).toMatchObject({ documents: 1, versions: 2 });
  });

  it('is refused inside a transaction and on a closed vault', () => {
    expect(() => vault.transaction(() => vault.writeGroup(() => 1))).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    vault.close();
    expect(() => vault.writeGroup(() => 1)).toThrow(expect.objectContaining({ kind: 'Closed' }));
  });
});
