/** Applying pulled rows, without a server: numbering, repeats, own rows, refused rows, nothing pushed back. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { SealedPayload } from '../../src/main/storage';
import { makeVault } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function attached() {
  const { vault, cleanup } = makeVault();
  cleanups.push(() => {
    vault.close();
    cleanup();
  });
  vault.attachRemote({ url: 'postgresql://alice@db.example/team', remoteVault: 'cd'.repeat(16) });
  return vault;
}

function version(dev: string, ver: number, content: string, parent: [string, number] | null = null): SealedPayload {
  return {
    k: 'v', dev, ver, id: 'doc', parent, merged: [], title: 't', type: 'note', tags: [], metadata: {}, content, comment: null, at: 1,
    sum: createHash('sha256').update(content).digest('hex'), mac: '',
  };
}

describe('applyPulled', () => {
  it('appends versions from other devices as local versions, records the last row, and queues nothing to push back', () => {
    const v = attached();
    const r = v.applyPulled([{ seq: 1, payload: version('x', 1, 'one') }, { seq: 2, payload: version('x', 2, 'two', ['x', 1]) }], 2);
    expect(r).toMatchObject({ applied: 2, conflicts: 0, rejected: 0, ids: ['doc'] });
    expect(v.get('doc')).toMatchObject({ content: 'two', version: 2 });
    expect(v.syncState()).toMatchObject({ lastSeq: 2, pending: 0 });
    // The same row again adds nothing; the same device and number with other content is another version.
    expect(v.applyPulled([{ seq: 3, payload: version('x', 2, 'two', ['x', 1]) }], 3).applied).toBe(0);
    expect(v.applyPulled([{ seq: 4, payload: version('x', 2, 'other two', ['x', 1]) }], 4)).toMatchObject({ applied: 1, conflicts: 1 });
    expect(v.versions('doc')).toHaveLength(3);
  });

  it("skips this device's own rows and records refused ones; the rest is applied", () => {
    const v = attached();
    const me = v.syncState().device ?? '';
    const r = v.applyPulled(
      [{ seq: 1, payload: version(me, 1, 'mine') }, { seq: 2, error: 'Integrity: altered' }, { seq: 3, payload: version('y', 1, 'theirs') }],
      3,
    );
    expect(r).toMatchObject({ applied: 1, own: 1, rejected: 1 });
    expect(v.get('doc').content).toBe('theirs');
    expect(v.syncState()).toMatchObject({ rejected: 1, lastSeq: 3 });
  });

  it('an edit here and one from elsewhere on the same base keep both and flag a conflict; a version that settles it clears it', () => {
    const v = attached();
    const me = v.syncState().device ?? '';
    v.create({ id: 'doc', content: 'base' });
    v.update('doc', { content: 'mine' });
    v.applyPulled([{ seq: 1, payload: version('z', 2, 'theirs', [me, 1]) }], 1);
    expect(v.versions('doc').map((x) => x.version)).toEqual([1, 2, 3]);
    expect(v.syncConflicts()).toEqual([expect.objectContaining({ id: 'doc', localVersion: 2, remoteVersion: 3 })]);
    v.update('doc', { content: 'settled' });
    const out = v.syncOutbox(10);
    const last = out.at(-1);
    expect(last).toMatchObject({ settles: true, payload: { merged: [[me, 2], ['z', 2]] } });
    v.markPushed(out);
    expect(v.syncConflicts()).toEqual([]);
  });
});
