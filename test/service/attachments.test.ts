/**
 * Attachments through the StorageService: pieces cross to the writer thread one at a time, reads come
 * back from a reader, the limit reaches the workers, the cache sees the committed version, and closing
 * the service ends its uploads.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Vault, attachStream } from '../../src/main/storage';
import { ATTACHMENT_LIMITS } from '../../src/shared/attachments';
import { kindOf, makeService, useWorkerBundle } from './helpers';
import { withRawConnection } from '../helpers/raw-db';

const worker = useWorkerBundle();
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());
beforeAll(() => void worker());

const CHUNK = ATTACHMENT_LIMITS.chunkBytes;

describe('attachments through the service', () => {
  it('round trip, the cache sees the new version, the limit applies in the worker, close ends uploads', async () => {
    const made = await makeService(worker, { maxAttachmentBytes: 3 * CHUNK });
    cleanup = made.cleanup;
    const s = made.service;
    await s.create({ id: 'a', content: 'x' });
    expect((await s.get('a')).version).toBe(1); // cached
    const bytes = randomBytes(2 * CHUNK + 7);
    const doc = await attachStream(s, 'a', { name: 'f.bin' }, [bytes]);
    expect(doc.version).toBe(2);
    expect((await s.get('a')).attachments?.[0]?.size).toBe(bytes.length);
    const parts: Uint8Array[] = [];
    for (let offset = 0; ; ) {
      const r = await s.readAttachment('a', 'f.bin', { offset, length: CHUNK });
      parts.push(r.data);
      offset += r.data.length;
      if (r.eof) break;
    }
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    expect(await kindOf(attachStream(s, 'a', { name: 'big.bin' }, [randomBytes(3 * CHUNK + 1)]))).toBe('TooLarge');
    const open = await s.beginAttachment('a', { name: 'left.bin' });
    await s.putAttachmentChunk(open.uploadId, 0, randomBytes(100));
    await s.close();
    cleanup = undefined;
    withRawConnection(made.path, made.key, (db) => {
      expect(db.prepare('SELECT count(*) FROM attachment_uploads').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM attachment_blobs').pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM attachment_chunks').pluck().get()).toBe(3);
    });
    const v = Vault.openSync(made.path, { key: { rawKey: made.key } });
    try {
      expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    } finally {
      v.close();
    }
    await made.cleanup().catch(() => undefined);
  });
});
