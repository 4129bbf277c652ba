/**
 * The column types of the rows verify's keyed checks read, checked as they are read.
 *
 * SQLite's `quick_check` checks a STRICT table's column types, and at the default depth it no longer walks
 * `versions`, `documents` and `document_tags` (./verify-sqlite.ts PAGES_READ_BY_OTHER_PHASES): the document
 * and tag-row phases read every row of them. Their keyed checks alone do not see every wrong type: a tag
 * encodes a number by its decimal digits (../integrity.ts), so an integer column holding the same digits as
 * text keeps its tag, and the tag rows' sum reads such a text as the number. Reads would hand the text on,
 * and a list by time would sort it after every number. So each row's values are checked against its
 * columns' types here (a few `typeof` tests a row), and a wrong one is reported as SQLite's check words it.
 */
import type { HeadRow, VersionRowWithContent } from './rows';

type Affinity = 'INTEGER' | 'TEXT';
/** A column: its name, its STRICT type, and whether it may hold NULL. */
type Column<R> = readonly [name: keyof R & string, type: Affinity, nullable: boolean];

const HEAD: readonly Column<HeadRow>[] = [
  ['doc', 'INTEGER', false],
  ['id', 'TEXT', false],
  ['created_at', 'INTEGER', false],
  ['updated_at', 'INTEGER', false],
  ['version', 'INTEGER', false],
  ['title', 'TEXT', false],
  ['type', 'TEXT', false],
  ['tags', 'TEXT', false],
  ['metadata', 'TEXT', false],
  ['author', 'TEXT', true],
  ['size', 'INTEGER', false],
  ['checksum', 'TEXT', false],
  ['trashed_at', 'INTEGER', true],
];

const VERSION: readonly Column<VersionRowWithContent>[] = [
  ['version', 'INTEGER', false],
  ['created_at', 'INTEGER', false],
  ['size', 'INTEGER', false],
  ['checksum', 'TEXT', false],
  ['comment', 'TEXT', true],
  ['title', 'TEXT', false],
  ['type', 'TEXT', false],
  ['tags', 'TEXT', false],
  ['metadata', 'TEXT', false],
  ['content', 'TEXT', false],
];

function fits(value: unknown, type: Affinity, nullable: boolean): boolean {
  if (value === null) return nullable;
  return type === 'TEXT' ? typeof value === 'string' : typeof value === 'number' && Number.isInteger(value);
}

function firstMisfit<R>(row: R, table: string, columns: readonly Column<R>[]): string | undefined {
  for (const [name, type, nullable] of columns) {
    // SQLite's words for it (integrity_check of a STRICT table).
    if (!fits(row[name], type, nullable)) return `${row[name] === null ? 'NULL' : `non-${type}`} value in ${table}.${name}`;
  }
  return undefined;
}

/** The first value of a head row whose type is not its column's, in SQLite's words (`non-INTEGER value in documents.updated_at`), or undefined. */
export function headMisfit(head: HeadRow): string | undefined {
  return firstMisfit(head, 'documents', HEAD);
}

/** The same for a version row. */
export function versionMisfit(row: VersionRowWithContent): string | undefined {
  return firstMisfit(row, 'versions', VERSION);
}

/** A tag row as the tag-row phase reads it. */
interface TagRow {
  readonly tag: unknown;
  readonly updated_at: unknown;
  readonly doc: unknown;
}

const TAG_ROW: readonly Column<TagRow>[] = [
  ['tag', 'TEXT', false],
  ['updated_at', 'INTEGER', false],
  ['doc', 'INTEGER', false],
];

/** The same for a tag row (`document_tags`). */
export function tagRowMisfit(row: TagRow): string | undefined {
  return firstMisfit(row, 'document_tags', TAG_ROW);
}
