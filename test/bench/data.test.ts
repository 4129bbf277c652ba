/** The benchmark's documents look like users' documents, and are the same on every call. */
import { describe, expect, it } from 'vitest';
import { DOC_TYPES, TAGS, absentId, contentFor, docId, makeDoc, newDocId, seedBatches, tagsFor, titleFor, typeFor } from '../../bench/data';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[4ab][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const N = 20_000;

describe('bench documents', () => {
  it('are deterministic: the same n gives the same document on every call', () => {
    for (const n of [0, 1, 999, 123_456, 999_999]) expect(makeDoc(n, 1024)).toEqual(makeDoc(n, 1024));
    expect(docId(5)).toBe(docId(5));
    expect(makeDoc(1, 1024)).not.toEqual(makeDoc(2, 1024));
  });

  it('have UUID-like ids in random order, all distinct, never an absent or new id', () => {
    const ids = Array.from({ length: N }, (_, n) => docId(n));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(N);
    // Insertion order is not index order: about half the consecutive pairs go down.
    let down = 0;
    for (let n = 1; n < N; n++) if ((ids[n] as string) < (ids[n - 1] as string)) down++;
    expect(down / N).toBeGreaterThan(0.4);
    expect(down / N).toBeLessThan(0.6);
    const present = new Set(ids);
    const clashes: string[] = [];
    for (let n = 0; n < N; n++) for (const id of [absentId(n), newDocId(n)]) if (present.has(id)) clashes.push(id);
    expect(clashes).toEqual([]);
    expect(absentId(3)).toMatch(UUID);
    expect(newDocId(3)).toMatch(UUID);
    expect(new Set(Array.from({ length: 1000 }, (_, n) => newDocId(n))).size).toBe(1000);
  });

  it('have titles of 2–7 words, many distinct', () => {
    const titles = Array.from({ length: 2000 }, (_, n) => titleFor(n));
    for (const t of titles) {
      const words = t.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(2);
      expect(words.length).toBeLessThanOrEqual(7);
      expect(t[0]).toBe(t[0]?.toUpperCase());
    }
    expect(new Set(titles).size).toBeGreaterThan(1900);
  });

  it('use all 5 types with roughly their shares', () => {
    expect(DOC_TYPES).toHaveLength(5);
    expect(DOC_TYPES.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 9);
    const counts = new Map<string, number>();
    for (let n = 0; n < N; n++) counts.set(typeFor(n), (counts.get(typeFor(n)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(DOC_TYPES.map((t) => t.type).sort());
    for (const t of DOC_TYPES) expect(Math.abs((counts.get(t.type) ?? 0) / N - t.share)).toBeLessThan(0.02);
  });

  it('carry 1–3 distinct tags out of 50, every tag in use', () => {
    expect(new Set(TAGS).size).toBe(50);
    const used = new Set<string>();
    const sizes = new Set<number>();
    const bad: string[][] = [];
    for (let n = 0; n < N; n++) {
      const tags = tagsFor(n);
      if (new Set(tags).size !== tags.length || tags.some((t) => !TAGS.includes(t))) bad.push(tags);
      sizes.add(tags.length);
      for (const t of tags) used.add(t);
    }
    expect(bad).toEqual([]);
    expect([...sizes].sort()).toEqual([1, 2, 3]);
    expect(used.size).toBe(50);
  });

  it('have word content of exactly the requested size, different per document', () => {
    for (const bytes of [16, 1024, 10 * 1024]) {
      const c = contentFor(7, bytes);
      expect(c).toHaveLength(bytes);
      expect(Buffer.byteLength(c, 'utf8')).toBe(bytes);
      expect(c).toMatch(/^#7 [a-z \n]+$/);
    }
    expect(contentFor(1, 1024)).not.toBe(contentFor(2, 1024));
  });

  it('come in seed batches that cover every n once, in order', () => {
    const batches = [...seedBatches(2500, 64, 1000)];
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat().map((d) => d.id)).toEqual(Array.from({ length: 2500 }, (_, n) => docId(n)));
  });
});
