/**
 * Import and export as jobs of the window: what the `transfer.*` channels take and what their push events
 * carry. A job starts, reports progress (done of total, the current file), can be cancelled, and ends with a
 * summary listing every item it could not take. Pure types and constants (the preload bundles the contract).
 */
import type { SerializedError } from './errors';

/** What the user picks a path for. */
export type PathPurpose = 'importFolder' | 'importFile' | 'exportFolder';

/**
 * A path, as the window names it. `grant`: a path the user chose in the system dialog (Electron); the window
 * never sees the path itself, only its label, and a grant is good for one job. `path`: typed by the user
 * (web twin only, where there is no system dialog: see docs/app.md "Import and export").
 */
export type PathRef = { readonly grant: string } | { readonly path: string };

/** A path chosen in the system dialog. */
export interface PathGrant {
  readonly grant: string;
  /** What the window shows: the chosen path. */
  readonly label: string;
}

/** Which documents an export takes. */
export interface ExportSelection {
  /** These documents (the one open in the window, say). */
  readonly ids?: readonly string[];
  readonly type?: string;
  readonly tag?: string;
  readonly author?: string;
}

/** Input of `transfer.export`. */
export interface ExportRequest {
  /** A folder: the export goes into a new folder inside it (`docvault-export-<time>`), never over files. */
  readonly target: PathRef;
  readonly format: 'md' | 'json';
  /** Every version, not only the current one. */
  readonly versions: boolean;
  /** Absent: every live document. */
  readonly selection?: ExportSelection;
}

/** Import or export. */
export type TransferKind = 'import' | 'export';

/** How a job stands; sent as `transfer.progress` a few times a second at most. */
export interface TransferProgress {
  readonly jobId: string;
  readonly kind: TransferKind;
  /** `scanning`: reading files (import); `writing`: committing documents (import) or writing files (export). */
  readonly phase: 'scanning' | 'writing';
  readonly done: number;
  /** Null while not known yet (an import counts its documents while scanning). */
  readonly total: number | null;
  /** The file, `line N` of a JSON export, or document id last handled. */
  readonly current: string;
}

/** One item a job could not take, and why. */
export interface TransferIssue {
  /** The file (relative to the imported folder), `line N` of a JSON export, or the document id (export). */
  readonly source: string;
  readonly id?: string;
  readonly kind: string;
  readonly message: string;
}

/** Most issues a summary lists; the rest are counted in `issuesOmitted`. */
export const TRANSFER_MAX_ISSUES = 500;

/** How a job ended; sent as `transfer.done` and kept as the last summary (`transfer.info`). */
export interface TransferSummary {
  readonly jobId: string;
  readonly kind: TransferKind;
  /** `cancelled`: stopped by the user (see `committed`); `failed`: stopped by an error (`error`). */
  readonly outcome: 'done' | 'cancelled' | 'failed';
  /** Documents imported or exported (for a cancelled import: those in batches that committed, which stay). */
  readonly documents: number;
  readonly versions: number;
  /** Files written (export). */
  readonly files: number;
  /** Where an export went (the new folder), or what was imported. */
  readonly where: string;
  readonly issues: readonly TransferIssue[];
  readonly issuesOmitted: number;
  readonly seconds: number;
  readonly error?: SerializedError;
}

/** What `transfer.info` answers: how this window names paths, and the job under way, if any. */
export interface TransferInfo {
  /** The system dialog picks paths (`transfer.pick`): Electron. */
  readonly picker: boolean;
  /** Typed paths are accepted (`{ path }`): the web twin. */
  readonly typedPaths: boolean;
  readonly running: TransferProgress | null;
  readonly last: TransferSummary | null;
}
