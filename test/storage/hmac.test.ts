/** HMAC-SHA256 from two one-shot hashes over kept pads (src/main/storage/hmac.ts) equals Node's createHmac. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HMAC_BLOCK, hmacBinary } from '../../src/main/storage/hmac';
import { wipe } from '../../src/main/storage/keys';
import { headMacV2 } from '../../src/main/storage/integrity';

/** `message` laid out after the gap hmacBinary fills, in a buffer with room to spare (filled with junk). */
function laidOut(message: Buffer): { buf: Buffer; end: number } {
  const buf = Buffer.alloc(HMAC_BLOCK + message.length + 17, 0xa5);
  message.copy(buf, HMAC_BLOCK);
  return { buf, end: HMAC_BLOCK + message.length };
}

function ours(key: Uint8Array, message: Buffer): Buffer {
  const { buf, end } = laidOut(message);
  return Buffer.from(hmacBinary(key, buf, end), 'binary');
}

const theirs = (key: Uint8Array, message: Buffer): Buffer => createHmac('sha256', key).update(message).digest();

describe('hmacBinary', () => {
  it('equals createHmac for keys shorter than, as long as and longer than a block, and messages of every shape', () => {
    for (const keyLen of [0, 1, 16, 32, 63, 64, 65, 100, 200])
      for (const msgLen of [0, 1, 55, 56, 63, 64, 65, 119, 120, 4096, 70_000]) {
        const key = randomBytes(keyLen);
        const msg = randomBytes(msgLen);
        expect(ours(key, msg).toString('hex'), `key ${keyLen} B, message ${msgLen} B`).toBe(theirs(key, msg).toString('hex'));
      }
  });

  it('matches RFC 4231 test case 2 (a key shorter than the digest)', () => {
    const tag = ours(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'));
    expect(tag.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('keeps several keys apart, used in turns', () => {
    const keys = Array.from({ length: 6 }, () => randomBytes(32));
    const msg = randomBytes(300);
    for (let round = 0; round < 3; round++) for (const k of keys) expect(ours(k, msg).equals(theirs(k, msg))).toBe(true);
  });

  it('never serves the pads of a key changed in place, nor of a wiped key', () => {
    const key = Buffer.alloc(32, 1);
    const msg = Buffer.from('a message');
    const before = ours(key, msg);
    key.fill(2);
    expect(ours(key, msg).equals(theirs(Buffer.alloc(32, 2), msg))).toBe(true);
    expect(ours(key, msg).equals(before)).toBe(false);
    key.fill(0);
    expect(ours(key, msg).equals(theirs(Buffer.alloc(32), msg))).toBe(true);
  });

  it("wipe() wipes a key's kept pads with it: the same key's bytes given again get fresh pads and the same tag", () => {
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    const msg = randomBytes(500);
    const before = ours(key, msg);
    wipe(key);
    expect(key.equals(Buffer.alloc(32))).toBe(true);
    expect(ours(key, msg).equals(theirs(Buffer.alloc(32), msg))).toBe(true);
    expect(ours(copy, msg).equals(before)).toBe(true);
  });

  it("leaves no key material in the caller's buffer: the gap is zeros after, the message untouched", () => {
    const msg = randomBytes(200);
    const { buf, end } = laidOut(msg);
    hmacBinary(randomBytes(32), buf, end);
    expect(buf.subarray(0, HMAC_BLOCK).equals(Buffer.alloc(HMAC_BLOCK))).toBe(true);
    expect(buf.subarray(HMAC_BLOCK, end).equals(msg)).toBe(true);
  });

  it('refuses a message end outside the buffer or inside the gap', () => {
    const buf = Buffer.alloc(100);
    expect(() => hmacBinary(Buffer.alloc(32), buf, HMAC_BLOCK - 1)).toThrow(RangeError);
    expect(() => hmacBinary(Buffer.alloc(32), buf, 101)).toThrow(RangeError);
  });

  it('makes v2 head tags equal to the field-by-field construction with createHmac, id byte first', () => {
    const key = randomBytes(32);
    const versionMac = Buffer.concat([Buffer.from([2]), randomBytes(32)]);
    const f = { id: 'd', version: 2, createdAt: 1, updatedAt: 3, title: 'T', type: 'note', tags: '["x"]', metadata: '{}', size: 4, checksum: 'c', author: null, trashedAt: 9, versionMac };
    const len = (n: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const h = createHmac('sha256', key).update('docvault/v2/head\0');
    for (const v of [f.id, f.version, f.createdAt, f.updatedAt, f.title, f.type, f.tags, f.metadata, f.size, f.checksum, f.author, f.trashedAt]) {
      if (v === null) h.update(len(0xffffffff));
      else {
        const bytes = Buffer.from(String(v));
        h.update(len(bytes.length)).update(bytes);
      }
    }
    h.update(len(versionMac.length)).update(versionMac);
    expect(headMacV2(key, f).equals(Buffer.concat([Buffer.from([2]), h.digest()]))).toBe(true);
  });
});
