/** The shared validators: ids that cannot display as something else, metadata that round-trips exactly. */
import { describe, expect, it } from 'vitest';
import { utf8Length, validateId, validateMetadata } from '../../src/shared/validation';
import { isDocvaultError } from '../../src/shared/errors';

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isDocvaultError(err, 'Invalid')) return err.message;
    throw err;
  }
  throw new Error('expected Invalid, got success');
}

describe('validateId', () => {
  it.each([
    ['right-to-left override', 'abc\u202Etxt.exe', 'U+202E'],
    ['left-to-right isolate', 'a\u2066b', 'U+2066'],
    ['right-to-left mark', 'a\u200Fb', 'U+200F'],
    ['zero-width space', 'a\u200Bb', 'U+200B'],
    ['byte order mark', '\uFEFFid', 'U+FEFF'],
    ['line separator', 'a\u2028b', 'U+2028'],
    ['escape', 'a\x1bb', 'U+001B'],
    ['newline', 'a\nb', 'U+000A'],
    ['lone surrogate', 'a\uD800b', 'U+D800'],
  ])('refuses a %s, naming the code point', (_name, id, code) => {
    expect(invalidMessage(() => validateId(id))).toContain(code);
  });

  it('accepts letters of any script, emoji sequences with joiners, and inner spaces', () => {
    for (const id of ['plan', 'نامه', 'मी\u200Dनू', 'family \u{1F468}\u200D\u{1F469}\u200D\u{1F467}', 'a b']) expect(validateId(id)).toBe(id);
  });
});

describe('validateMetadata', () => {
  it('keeps __proto__, constructor and prototype as ordinary keys', () => {
    const raw = '{"__proto__":{"x":1},"constructor":"c","prototype":[1],"nested":{"__proto__":2}}';
    expect(validateMetadata(JSON.parse(raw))).toBe(raw);
  });

  it.each([
    ['undefined value', { a: undefined }, 'metadata.a'],
    ['function', { f: () => 1 }, 'metadata.f'],
    ['NaN', { n: Number.NaN }, 'metadata.n'],
    ['Date', { d: new Date(0) }, 'metadata.d'],
    ['Map', { m: new Map() }, 'metadata.m'],
    ['array hole', { list: new Array<number>(3).fill(1, 0, 1) }, 'metadata.list[1]'],
    ['bigint', { b: 1n }, 'metadata.b'],
  ])('refuses a %s (which JSON would drop or change) naming where it is', (_name, value, where) => {
    expect(invalidMessage(() => validateMetadata(value))).toContain(where);
  });

  it('refuses nesting deeper than 64 levels instead of overflowing a stack', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(invalidMessage(() => validateMetadata(deep))).toMatch(/nested deeper than 64/);
  });

  it('accepts a null-prototype object', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o['k'] = 'v';
    expect(validateMetadata(o)).toBe('{"k":"v"}');
  });
});

describe('utf8Length', () => {
  it("equals the UTF-8 encoder's byte count for ASCII, 2-, 3- and 4-byte characters, mixed anywhere in the text", () => {
    const enc = new TextEncoder();
    const samples = ['', 'a', 'plain ASCII text\n\twith controls \u0001 and \u007f', 'é', 'ß€', '日本語', '😀', 'a😀b', '\u0080', '\u07ff\u0800\uffff'];
    for (const tail of ['é', '€', '😀']) samples.push('x'.repeat(5000) + tail, tail + 'y'.repeat(5000), 'z'.repeat(2500) + tail + 'z'.repeat(2500));
    for (const s of samples) expect(utf8Length(s), JSON.stringify(s.slice(0, 20))).toBe(enc.encode(s).length);
  });
});
