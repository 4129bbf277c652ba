/**
 * Text made safe to show: the characters that could make stored text display as something else are
 * written out as escapes. Shared by the CLI (a terminal) and the window (HTML), so both show `abc\u202etxt.exe`
 * for an id or title that would otherwise read as `abcexe.txt`.
 */

/**
 * Controls, line/paragraph separators, lone surrogates and invisible format characters — bidirectional
 * overrides and isolates above all — but not the zero-width (non-)joiners emoji and scripts need.
 */
const UNPRINTABLE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** `\x1b` for a code point ≤ U+00FF, `\u202e` above. */
export function escapeCodePoint(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Escapes control characters (ESC, newlines, tabs…) so stored text cannot drive a terminal or break a
 * table, and bidirectional/format characters (U+202E…) so an id or title cannot display as something else.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeCodePoint);
}

/** One run of text to show: plain, or one escaped character (which the window styles as such). */
export interface PrintablePart {
  readonly text: string;
  readonly escaped: boolean;
}

/** `text` cut into plain runs and escaped characters, for a view that marks the escapes. */
export function printableParts(text: string): PrintablePart[] {
  const parts: PrintablePart[] = [];
  let last = 0;
  for (const m of text.matchAll(UNPRINTABLE)) {
    const at = m.index;
    if (at > last) parts.push({ text: text.slice(last, at), escaped: false });
    parts.push({ text: escapeCodePoint(m[0]), escaped: true });
    last = at + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last), escaped: false });
  return parts;
}
