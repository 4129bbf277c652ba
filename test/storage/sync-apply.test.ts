/** Applying pulled rows, without a server: numbering, repeats, own rows, refused rows, nothing pushed back. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { attachStream, type SealedPayload } from '../../src/main/storage';
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

  it('a version with files: received files are taken and re-addressed, one not received holds the version and the later rows of its document, nothing half-written', () => {
    const v = attached();
    const bytes = Buffer.from('a received file');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const att = [{ name: 'r.bin', size: bytes.length, type: 'application/octet-stream', sha }];
    const withFile = { ...version('x', 1, 'one'), att } as SealedPayload;
    // Not received: held back, with every later row of the document; another document applies.
    const other = { ...version('x', 1, 'elsewhere'), id: 'other' } as SealedPayload;
    const r1 = v.applyPulled([{ seq: 1, payload: withFile }, { seq: 2, payload: version('x', 2, 'two', ['x', 1]) }, { seq: 3, payload: other }], 3, [
      { sha256: sha, size: bytes.length, error: 'Integrity: piece 1 of 1 of its file is missing on the server' },
    ]);
    expect(r1).toMatchObject({ applied: 1, held: 2 });
    expect(v.exists('doc')).toBe(false);
    expect(v.syncHeld()).toEqual([
      { seq: 1, id: 'doc', reason: expect.stringMatching(/r\.bin.*missing on the server/) },
      { seq: 2, id: 'doc', reason: expect.stringMatching(/earlier row/) },
    ]);
    // Pulled again with the file received: both apply, in order, and the file reads back.
    const { uploadId } = v.beginSyncFile(bytes.length);
    v.putAttachmentChunk(uploadId, 0, bytes);
    const r2 = v.applyPulled([{ seq: 1, payload: withFile }, { seq: 2, payload: version('x', 2, 'two', ['x', 1]) }], 3, [{ sha256: sha, size: bytes.length, uploadId }]);
    expect(r2).toMatchObject({ applied: 2, held: 0, conflicts: 0 });
    expect(v.syncState()).toMatchObject({ held: 0, lastSeq: 3, pending: 0 });
    expect(v.get('doc')).toMatchObject({ content: 'two', version: 2 });
    expect(Buffer.from(v.readAttachment('doc', 'r.bin').data).equals(bytes)).toBe(true);
    // The file is known by its digest now: a later version naming it needs nothing received.
    expect(v.syncFilesHere([{ sha256: sha, size: bytes.length }])).toEqual([sha]);
    const third = { ...version('x', 3, 'three', ['x', 2]), att: [{ ...att[0], name: 'again.bin' }] } as SealedPayload;
    expect(v.applyPulled([{ seq: 4, payload: third }], 4)).toMatchObject({ applied: 1, held: 0 });
    expect(v.attachments('doc').map((a) => a.name)).toEqual(['again.bin']);
    // A received file no version took is dropped with the batch.
    const spare = v.beginSyncFile(3);
    v.putAttachmentChunk(spare.uploadId, 0, Buffer.from('abc'));
    v.applyPulled([], 4, [{ sha256: '1'.repeat(64), size: 3, uploadId: spare.uploadId }]);
    expect(() => v.abortAttachment(spare.uploadId)).toThrow(expect.objectContaining({ kind: 'NotFound' }));
    expect(v.verify()).toMatchObject({ ok: true });
  });

  it('a version from a docvault without attachment sync (no list) keeps the local head\'s files; an empty list detaches them', async () => {
    const v = attached();
    const me = v.syncState().device ?? '';
    v.create({ id: 'doc', content: 'base' });
    await attachStream(v, 'doc', { name: 'local.bin' }, [Buffer.from('local')]);
    v.applyPulled([{ seq: 1, payload: version('old', 1, 'from an old device', [me, 2]) }], 1);
    expect(v.attachments('doc').map((a) => a.name)).toEqual(['local.bin']);
    v.applyPulled([{ seq: 2, payload: { ...version('new', 1, 'detached elsewhere', ['old', 1]), att: [] } as SealedPayload }], 2);
    expect(v.attachments('doc')).toEqual([]);
    expect(v.get('doc').content).toBe('detached elsewhere');
  });
});
