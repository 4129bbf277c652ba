/** Human-readable output: aligned tables, sizes, times, and text made safe for a terminal. */

/**
 * Controls, line/paragraph separators, lone surrogates and invisible format characters — bidirectional
 * overrides and isolates above all — but not the zero-width (non-)joiners emoji and scripts need.
 */
const UNPRINTABLE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * Escapes control characters (ESC, newlines, tabs…) so stored text cannot drive the terminal or break a
 * table, and bidirectional/format characters (U+202E…) so an id or title cannot display as something else.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `2026-11-25T21:05:45Z`: ISO 8601 in UTC, to the second. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** Alignment of a table column. */
export type Align = 'left' | 'right';

/** A column of {@link renderTable}. */
export interface Column<T> {
  readonly header: string;
  readonly align?: Align;
  readonly value: (row: T) => string;
}

/** Renders rows as an aligned text table with a header; the last column is not padded. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => printable(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => {
        const last = i === values.length - 1;
        const w = widths[i] ?? 0;
        if (columns[i]?.align === 'right') return v.padStart(w);
        return last ? v : v.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `1 document`, `2 documents`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** JSON output: two-space indented, one trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
