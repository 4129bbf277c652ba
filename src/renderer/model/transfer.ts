/**
 * Import and export in the window as a state machine: the form, the job under way (progress, Cancel) and its
 * summary. Pure (no React, no calls): unit-tested in test/renderer. The calls are in ../hooks/useTransfer.ts.
 */
import type { SerializedError } from '../../shared/errors';
import type { ExportRequest, ExportSelection, PathRef, TransferKind, TransferProgress, TransferSummary } from '../../shared/transfer';

/** Which documents an export takes, as the form offers it. */
export type ExportScope = 'all' | 'filtered' | 'current';

/** What the form holds. A chosen path (`grant`, from the system dialog) or a typed one (`path`, web twin). */
export interface TransferForm {
  /** Import: a folder of files or a docvault export (one `.jsonl` file). */
  readonly source: 'folder' | 'file';
  readonly path: string;
  readonly grant: { readonly grant: string; readonly label: string } | undefined;
  readonly format: 'md' | 'json';
  readonly versions: boolean;
  readonly scope: ExportScope;
}

/** The dialog's steps. `starting`: the request is on its way (events of its job may come before the answer). */
export type TransferState =
  | { readonly step: 'closed' }
  | { readonly step: 'form'; readonly kind: TransferKind; readonly form: TransferForm; readonly error: SerializedError | undefined }
  | { readonly step: 'starting'; readonly kind: TransferKind; readonly form: TransferForm; readonly progress: TransferProgress | undefined }
  | { readonly step: 'running'; readonly jobId: string; readonly progress: TransferProgress; readonly cancelling: boolean }
  | { readonly step: 'summary'; readonly summary: TransferSummary };

/** Everything that changes it. */
export type TransferAction =
  | { readonly type: 'open'; readonly kind: TransferKind }
  | { readonly type: 'edit'; readonly change: Partial<TransferForm> }
  | { readonly type: 'submit' }
  | { readonly type: 'failed'; readonly error: SerializedError }
  | { readonly type: 'started'; readonly jobId: string }
  | { readonly type: 'progress'; readonly progress: TransferProgress }
  | { readonly type: 'done'; readonly summary: TransferSummary }
  | { readonly type: 'cancelling' }
  | { readonly type: 'close' };

/** A fresh form. */
export const EMPTY_FORM: TransferForm = { source: 'folder', path: '', grant: undefined, format: 'md', versions: false, scope: 'all' };

/** The dialog is closed. */
export const initialTransfer: TransferState = { step: 'closed' };

function waiting(kind: TransferKind, jobId: string): TransferProgress {
  return { jobId, kind, phase: kind === 'import' ? 'scanning' : 'writing', done: 0, total: null, current: '' };
}

/** The next state. Events of another job (another window's) are ignored. */
export function transferReducer(s: TransferState, a: TransferAction): TransferState {
  switch (a.type) {
    case 'open':
      // A job under way or its summary stays on screen: one job at a time.
      return s.step === 'closed' || s.step === 'form' ? { step: 'form', kind: a.kind, form: s.step === 'form' && s.kind === a.kind ? s.form : EMPTY_FORM, error: undefined } : s;
    case 'edit':
      if (s.step !== 'form') return s;
      // Typing a path drops a chosen one, and switching folder/file drops both (they name different things).
      return { ...s, form: { ...s.form, ...(a.change.source !== undefined && a.change.source !== s.form.source ? { path: '', grant: undefined } : {}), ...a.change }, error: undefined };
    case 'submit':
      return s.step === 'form' ? { step: 'starting', kind: s.kind, form: s.form, progress: undefined } : s;
    case 'failed':
      if (s.step === 'form') return { ...s, error: a.error };
      return s.step === 'starting' ? { step: 'form', kind: s.kind, form: { ...s.form, grant: undefined }, error: a.error } : s;
    case 'started':
      return s.step === 'starting' ? { step: 'running', jobId: a.jobId, progress: s.progress?.jobId === a.jobId ? s.progress : waiting(s.kind, a.jobId), cancelling: false } : s;
    case 'progress':
      if (s.step === 'starting') return { ...s, progress: a.progress };
      return s.step === 'running' && s.jobId === a.progress.jobId ? { ...s, progress: a.progress } : s;
    case 'done':
      // While starting, the only job that can end is ours: the app runs one at a time and refuses a second.
      return (s.step === 'running' && s.jobId === a.summary.jobId) || (s.step === 'starting' && s.kind === a.summary.kind) ? { step: 'summary', summary: a.summary } : s;
    case 'cancelling':
      return s.step === 'running' ? { ...s, cancelling: true } : s;
    case 'close':
      // A running job is not closed by Escape: Cancel stops it, and its summary follows.
      return s.step === 'running' || s.step === 'starting' ? s : initialTransfer;
    default:
      return s;
  }
}

/** Whether the form can be sent: a path chosen or typed. */
export function canSubmit(form: TransferForm): boolean {
  return form.grant !== undefined || form.path.trim() !== '';
}

/** The path part of a request. */
export function pathRefOf(form: TransferForm): PathRef {
  return form.grant !== undefined ? { grant: form.grant.grant } : { path: form.path.trim() };
}

/** The export request of a form, with the window's current filters and document. */
export function exportRequestOf(form: TransferForm, filters: { readonly type: string; readonly tag: string }, currentId: string | undefined): ExportRequest {
  let selection: ExportSelection | undefined;
  if (form.scope === 'current' && currentId !== undefined) selection = { ids: [currentId] };
  else if (form.scope === 'filtered') {
    const tag = filters.tag.replace(/^#/, '').trim();
    selection = { ...(filters.type !== '' ? { type: filters.type } : {}), ...(tag !== '' ? { tag } : {}) };
  }
  return { target: pathRefOf(form), format: form.format, versions: form.versions, ...(selection !== undefined ? { selection } : {}) };
}

/** "Writing 250 of 1,000 documents", "Reading files: 120", for the progress line. */
export function progressLine(p: TransferProgress): string {
  const n = (x: number): string => x.toLocaleString('en');
  if (p.kind === 'export') return p.total === null ? `Exported ${n(p.done)} documents` : `Exported ${n(p.done)} of ${n(p.total)} documents`;
  if (p.phase === 'scanning') return `Reading files: ${n(p.done)} read`;
  return p.total === null ? `Imported ${n(p.done)} documents` : `Imported ${n(p.done)} of ${n(p.total)} documents`;
}

/** The headline of a summary. */
export function summaryTitle(s: TransferSummary): string {
  const what = s.kind === 'import' ? 'Import' : 'Export';
  if (s.outcome === 'failed') return `${what} stopped by an error`;
  if (s.outcome === 'cancelled') return `${what} cancelled`;
  return s.issues.length + s.issuesOmitted > 0 ? `${what} finished with problems` : `${what} finished`;
}
