/**
 * The vault's state row (`counters` row `state`, column `b`, schema 3: on the page every save already writes): a commit sequence number, the XOR of every document's
 * set term (see integrity.ts `setTerm`) and a tag over both. Every write that adds, changes or removes a
 * head updates it in the same transaction, in O(1): remove the old head's term, add the new one's. verify()
 * recomputes the XOR from the heads, so a document deleted, or a head rolled back to an older row, outside
 * docvault no longer matches.
 */
import { macEqual, stateMac, xorInto } from './integrity';

/** The decoded state row. */
export interface VaultState {
  readonly seq: number;
  readonly acc: Buffer;
  readonly tag: Buffer;
}

const SIZE = 8 + 32 + 32;

/** Encodes a state as the 72 bytes stored in the `state` row of `counters`. */
export function encodeState(s: VaultState): Buffer {
  const b = Buffer.alloc(SIZE);
  b.writeBigUInt64BE(BigInt(s.seq), 0);
  s.acc.copy(b, 8);
  s.tag.copy(b, 40);
  return b;
}

/** Decodes the `state` row of `counters`; undefined when it is missing or malformed. */
export function decodeState(value: unknown): VaultState | undefined {
  if (!Buffer.isBuffer(value) || value.length !== SIZE) return undefined;
  return { seq: Number(value.readBigUInt64BE(0)), acc: Buffer.from(value.subarray(8, 40)), tag: Buffer.from(value.subarray(40, 72)) };
}

/** The state of an empty vault. */
export function initialState(key: Uint8Array): VaultState {
  const acc = Buffer.alloc(32);
  return { seq: 0, acc, tag: stateMac(key, 0, acc) };
}

/** Whether a state's tag is one this key made. */
export function stateValid(key: Uint8Array, s: VaultState): boolean {
  return macEqual(stateMac(key, s.seq, s.acc), s.tag);
}

/**
 * The state after a commit that XORs `terms` in (a term added or removed: the same operation). A state
 * whose tag does not verify is carried on with an all-zero tag, which never verifies: a write must not
 * launder a state altered outside docvault into a freshly tagged one.
 */
export function nextState(key: Uint8Array, s: VaultState, terms: readonly Uint8Array[]): VaultState {
  const valid = stateValid(key, s);
  const acc = Buffer.from(s.acc);
  for (const t of terms) xorInto(acc, t);
  const seq = s.seq + 1;
  return { seq, acc, tag: valid ? stateMac(key, seq, acc) : Buffer.alloc(32) };
}
