import { describe, expect, it } from 'vitest';
import { printable, printableParts } from '../../src/shared/printable';

describe('printable text', () => {
  it('writes out bidirectional overrides, isolates and controls, and keeps joiners and plain text', () => {
    expect(printable('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(printable('a\u2067b\u0007c\u001b[31m')).toBe('a\\u2067b\\x07c\\x1b[31m');
    expect(printable('👩\u200D💻 café')).toBe('👩\u200D💻 café');
  });

  it('cuts text into plain runs and escaped characters, in order, losing nothing', () => {
    const parts = printableParts('\u202Eab\u202Ec\u2066');
    expect(parts).toEqual([
      { text: '\\u202e', escaped: true },
      { text: 'ab', escaped: false },
      { text: '\\u202e', escaped: true },
      { text: 'c', escaped: false },
      { text: '\\u2066', escaped: true },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(printable('\u202Eab\u202Ec\u2066'));
    expect(printableParts('')).toEqual([{ text: '', escaped: false }]);
    expect(printableParts('plain')).toEqual([{ text: 'plain', escaped: false }]);
  });
});
