/** Sealed rows: what the server stores cannot be read, moved or altered without the pull noticing. */
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { SYNC_PIECE_BYTES, deriveSyncKeys, fileId, openPiece, openRow, pieceCount, pieceId, sealCheck, sealPiece, sealRow, verifyCheck, type SealedPayload } from '../../src/main/storage';

const vaultKey = randomBytes(32);
const vaultId = randomBytes(16);
const keys = deriveSyncKeys(vaultKey, vaultId);
const payload: SealedPayload = {
  k: 'v', dev: 'd1', ver: 3, id: 'contract-7', parent: ['d1', 2], merged: [], title: 'Lease', type: 'note', tags: ['legal'],
  metadata: {}, content: 'the rent is 1200', comment: null, at: 1, sum: '8ba2b2ab2a7f5b5e5d3ff0f86c0a82c70b2ccb0c0f5e6e4d6e04f6b8a5a1f5c2', mac: '00',
};
const real = { ...payload, sum: createHash('sha256').update('the rent is 1200').digest('hex') } as SealedPayload;

describe('sealed rows', () => {
  it('round-trip, and hold no plaintext', () => {
    const row = sealRow(keys, real);
    expect(openRow(keys, row, 1)).toEqual(real);
    for (const s of ['contract-7', 'Lease', 'the rent', 'legal']) expect(row.sealed.includes(Buffer.from(s))).toBe(false);
    // A fresh nonce each time: the same version seals differently, with the same push id.
    const again = sealRow(keys, real);
    expect(again.sealed.equals(row.sealed)).toBe(false);
    expect(again.pushId.equals(row.pushId)).toBe(true);
    expect(again.docHash.equals(row.docHash)).toBe(true);
  });

  it('a flipped byte, a swapped doc hash or push id, another vault or another key is Integrity', () => {
    const row = sealRow(keys, real);
    const flipped = Buffer.from(row.sealed);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    const other = sealRow(keys, { ...real, id: 'other' });
    const cases = [
      { ...row, sealed: flipped },
      { ...row, docHash: other.docHash },
      { ...row, pushId: other.pushId },
    ];
    for (const c of cases) expect(() => openRow(keys, c, 9)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    expect(() => openRow(deriveSyncKeys(vaultKey, randomBytes(16)), row, 9)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    expect(() => openRow(deriveSyncKeys(randomBytes(32), vaultId), row, 9)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
  });

  it('content that does not match its checksum is Integrity even when sealed by the key holder', () => {
    expect(() => openRow(keys, sealRow(keys, payload), 1)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
  });

  it('the check value tells a wrong key (WrongKey) before anything is written', () => {
    const check = sealCheck(keys);
    expect(() => verifyCheck(keys, check)).not.toThrow();
    expect(() => verifyCheck(deriveSyncKeys(randomBytes(32), vaultId), check)).toThrow(expect.objectContaining({ kind: 'WrongKey' }));
  });

  it('a version carries its attachment list inside the seal; a malformed list is Integrity', () => {
    const att = [{ name: 'scan.pdf', size: 3, type: 'application/pdf', sha: createHash('sha256').update('abc').digest('hex') }];
    const withFiles = { ...real, att } as SealedPayload;
    const row = sealRow(keys, withFiles);
    expect(openRow(keys, row, 1)).toEqual(withFiles);
    expect(row.sealed.includes(Buffer.from('scan.pdf'))).toBe(false);
    for (const bad of [[{ ...att[0], sha: 'abc' }], [{ ...att[0], size: -1 }], [{ name: 'x' }], 'scan.pdf'])
      expect(() => openRow(keys, sealRow(keys, { ...real, att: bad } as unknown as SealedPayload), 1)).toThrow(expect.objectContaining({ kind: 'Integrity' }));
  });

  it('file pieces: round-trip; a piece moved to another position, file or vault, altered, or of the wrong length is Integrity', () => {
    const size = SYNC_PIECE_BYTES + 5;
    const sha = createHash('sha256').update('whatever').digest('hex');
    const file = fileId(keys, size, sha);
    expect(pieceCount(size)).toBe(2);
    expect(pieceCount(0)).toBe(1);
    // The server's name for a file is keyed: not its hash, and another vault names it differently.
    expect(file.toString('hex')).not.toBe(sha);
    expect(fileId(deriveSyncKeys(vaultKey, randomBytes(16)), size, sha).equals(file)).toBe(false);
    expect(fileId(keys, size, sha).equals(file)).toBe(true);
    const tail = randomBytes(5);
    const id1 = pieceId(keys, file, 1);
    const sealed = sealPiece(keys, id1, tail);
    expect(openPiece(keys, id1, sealed, size, 1).equals(tail)).toBe(true);
    const flipped = Buffer.from(sealed);
    flipped[14] = (flipped[14] ?? 0) ^ 1;
    const integrity = expect.objectContaining({ kind: 'Integrity' });
    expect(() => openPiece(keys, id1, flipped, size, 1)).toThrow(integrity);
    expect(() => openPiece(keys, pieceId(keys, file, 0), sealed, size, 0)).toThrow(integrity);
    expect(() => openPiece(keys, pieceId(keys, fileId(keys, size, '0'.repeat(64)), 1), sealed, size, 1)).toThrow(integrity);
    expect(() => openPiece(deriveSyncKeys(vaultKey, randomBytes(16)), id1, sealed, size, 1)).toThrow(integrity);
    // Sealed right, but a length the position cannot have (a file of another size): refused too.
    expect(() => openPiece(keys, id1, sealed, size + 1, 1)).toThrow(integrity);
  });
});
