/** Human-readable output: aligned tables, sizes, times, and text made safe for a terminal. */

import { printable } from '../shared/printable';

export { printable };

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
