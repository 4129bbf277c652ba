/** A rough passphrase strength hint (length and character variety; not a guarantee). */

/** Hint levels. */
export type Strength = 'empty' | 'weak' | 'fair' | 'strong';

/** Estimated bits of a passphrase, assuming random choice from the character classes it uses. */
export function estimateBits(p: string): number {
  let pool = 0;
  if (/[a-z]/.test(p)) pool += 26;
  if (/[A-Z]/.test(p)) pool += 26;
  if (/[0-9]/.test(p)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(p)) pool += 33;
  const distinct = new Set(p).size;
  // Repeats add little: count distinct characters fully, the rest at a quarter.
  const effective = distinct + (p.length - distinct) / 4;
  return pool === 0 ? 0 : Math.round(effective * Math.log2(pool));
}

/** The hint shown under the passphrase field. */
export function strengthOf(p: string): { level: Strength; text: string } {
  if (p.length === 0) return { level: 'empty', text: 'At least 8 characters; a few unrelated words work well.' };
  const bits = estimateBits(p);
  if (p.length < 8 || bits < 40) return { level: 'weak', text: `Weak (about ${bits} bits): easy to guess. Use a longer passphrase.` };
  if (bits < 70) return { level: 'fair', text: `Fair (about ${bits} bits). Longer is better.` };
  return { level: 'strong', text: `Strong (about ${bits} bits).` };
}
