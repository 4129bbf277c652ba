/**
 * The docvault export format, shared by `export` and `import`: JSON Lines (one JSON value per line), so a
 * vault of any size is written and read one document at a time in constant memory, and a reader can
 * stream it with any line reader. Line 1 is a {@link ExportHeader}; every later line one
 * {@link ExportedDocument}. Timestamps are informative: an import writes new versions now.
 */

/** The first line of an export. */
export interface ExportHeader {
  readonly format: 'docvault-export';
  /** Bumped if a line's shape changes incompatibly. */
  readonly formatVersion: 1;
  readonly exportedAt: string;
  /** Whether every version is included (else the current one only). */
  readonly versions: boolean;
}

/** An attachment of an exported version: its bytes are in a side file, `file`, relative to the export's folder. */
export interface ExportedAttachment {
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  /** `attachments/<ref>`: one file per distinct stored file, however many versions carry it. */
  readonly file: string;
}

/** One version of a document as exported. */
export interface ExportedVersion {
  readonly version: number;
  readonly title: string;
  readonly type: string;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly content: string;
  readonly comment: string | null;
  readonly createdAt: number;
  /** Its attachments (absent: none). Base64 inside a line would make a 256 MiB line; side files stream. */
  readonly attachments?: readonly ExportedAttachment[];
}

/** One document: its id and its versions, oldest first (one, the current, without --versions). */
export interface ExportedDocument {
  readonly id: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly versions: readonly ExportedVersion[];
}

/** Folder of a JSON export's attachment files, inside the target folder. */
export const ATTACHMENTS_DIR = 'attachments';

/** Suffix of the folder beside an exported Markdown file that holds its version's attachments (`NAME.md` → `NAME.files/`). */
export const FILES_SUFFIX = '.files';

/** File name of a JSON export inside the target folder. */
export const EXPORT_FILE = 'docvault-export.jsonl';
