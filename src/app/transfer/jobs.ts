/**
 * Import and export as jobs of the window (the `transfer.*` channels): one at a time, started with a path
 * the window may name (./paths.ts), run over the app's store while the window stays usable, reported as
 * `transfer.progress` events a few times a second, stopped between two documents by Cancel, and ended with a
 * `transfer.done` summary. The work itself is the CLI's (./import.ts, ./export.ts), so both doors apply the
 * same rules to bad files and write nothing by halves.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { DocvaultError, isDocvaultError, serializeError } from '../../shared/errors';
import type { AuditRecord } from '../../shared/audit';
import type { PushEvent } from '../../shared/contract';
import {
  TRANSFER_MAX_ISSUES,
  type ExportRequest,
  type PathGrant,
  type PathPurpose,
  type PathRef,
  type TransferInfo,
  type TransferIssue,
  type TransferKind,
  type TransferProgress,
  type TransferSummary,
} from '../../shared/transfer';
import { LIMITS } from '../../shared/types';
import type { BatchOp } from '../../main/storage';
import type { Store } from '../store';
import { exportVault } from './export';
import { importPath } from './import';
import { firstInput, patchOf, uploadAndWrite, versionOptions, type ImportTarget } from './import-target';
import { PathGrants, checkImportSource, makeExportFolder, resolvePathRef, type PathPicker } from './paths';

/** Documents per transaction in the window's imports: smaller than the CLI's, so progress moves often. */
export const WINDOW_IMPORT_BATCH = 250;

/** Options of {@link TransferJobs}. */
export interface TransferJobsOptions {
  /** The open store; throws `Closed` while the vault is locked. */
  readonly store: () => Store;
  readonly emit: (e: PushEvent) => void;
  /** Records a finished import or export in the vault's audit log, as the CLI does (best effort, never throws). */
  readonly audit?: (record: AuditRecord) => Promise<void>;
  /** The system dialog (Electron); absent in the web twin. */
  readonly picker?: PathPicker;
  /** Whether typed paths are taken (the web twin). */
  readonly typedPaths: boolean;
  /** Least time between two progress events, ms. Default 200. */
  readonly progressEveryMs?: number;
  /**
   * Tests only: an import waits after a committed batch (any but its last) until it is cancelled, so a
   * test can press Cancel while a job is certainly running, without racing its end.
   */
  readonly holdAfterBatch?: boolean;
}

/** What a job's work reports when it ends without throwing. */
interface WorkResult {
  readonly documents: number;
  readonly versions: number;
  readonly files: number;
  readonly issues: readonly TransferIssue[];
  readonly cancelled: boolean;
}

interface Running {
  readonly jobId: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  progress: TransferProgress;
}

/**
 * The app's store as an import target: one-version documents in bulk, each history in one batch, and a
 * document with files uploaded first, then its versions (each with its files) in one batch.
 */
function storeTarget(store: Store): ImportTarget {
  return {
    maxContentBytes: LIMITS.defaultMaxContentBytes,
    bulkCreate: (inputs) => store.bulkCreate(inputs),
    async writeHistories(docs) {
      const out: unknown[] = [];
      for (const p of docs) {
        const ops = p.versions.map((x, i): BatchOp => {
          const opts = x.comment !== null ? { comment: x.comment } : {};
          return i === 0 ? { op: 'create', args: [firstInput(p.id, x), opts] } : { op: 'update', args: [p.id, patchOf(x), opts] };
        });
        try {
          await store.batch(ops);
          out.push(undefined);
        } catch (err) {
          if (!isDocvaultError(err)) throw err;
          out.push(err);
        }
      }
      return out;
    },
    writeWithFiles: (p) =>
      uploadAndWrite(store, p, (uploads) =>
        store.batch(p.versions.map((x, i): BatchOp => ({ op: 'putWithAttachments', args: [firstInput(p.id, x), uploads[i] ?? [], versionOptions(x, i)] }))),
      ),
  };
}

/** The import and export jobs of one backend. */
export class TransferJobs {
  readonly #opts: TransferJobsOptions;
  readonly #grants = new PathGrants();
  #running: Running | undefined;
  #last: TransferSummary | null = null;

  constructor(opts: TransferJobsOptions) {
    this.#opts = opts;
  }

  /** How paths are named here, the job under way and the last summary. */
  info(): TransferInfo {
    return { picker: this.#opts.picker !== undefined, typedPaths: this.#opts.typedPaths, running: this.#running?.progress ?? null, last: this.#last };
  }

  /** Shows the system dialog; a grant for the chosen path, or null when cancelled. */
  async pick(purpose: PathPurpose): Promise<PathGrant | null> {
    const picker = this.#opts.picker;
    if (picker === undefined) throw new DocvaultError('Invalid', 'There is no system dialog here: type the path');
    const path = await picker(purpose);
    return path === undefined ? null : this.#grants.add(path, purpose);
  }

  /** Starts importing a folder or a JSON export. */
  startImport(source: PathRef): { jobId: string } {
    this.#idle();
    const path = resolvePathRef(source, this.#grants, this.#opts.typedPaths, ['importFolder', 'importFile']);
    checkImportSource(path);
    const store = this.#opts.store();
    return this.#start('import', path, async (signal, report, sendProgress) => {
      const hold = async (): Promise<void> => {
        if (this.#opts.holdAfterBatch !== true || signal.aborted) return;
        sendProgress();
        await once(signal, 'abort');
      };
      const r = await importPath(storeTarget(store), path, { signal, batchSize: WINDOW_IMPORT_BATCH, afterBatch: hold, onProgress: (p) => report(p.phase, p.done, p.total, p.current) });
      if (r.imported > 0) this.#opts.emit({ event: 'docs.changed', data: { count: r.imported } });
      return { documents: r.imported, versions: r.versions, files: 0, issues: r.errors, cancelled: r.cancelled };
    });
  }

  /** Starts an export into a new folder inside the chosen one. */
  startExport(req: ExportRequest): { jobId: string } {
    this.#idle();
    const parent = resolvePathRef(req.target, this.#grants, this.#opts.typedPaths, ['exportFolder']);
    const store = this.#opts.store();
    const dir = makeExportFolder(parent);
    const sel = req.selection ?? {};
    return this.#start('export', dir, async (signal, report) => {
      const r = await exportVault(store, dir, {
        format: req.format,
        versions: req.versions,
        signal,
        ...(sel.ids !== undefined ? { ids: sel.ids } : {}),
        ...(sel.type !== undefined ? { type: sel.type } : {}),
        ...(sel.tag !== undefined ? { tag: sel.tag } : {}),
        ...(sel.author !== undefined ? { author: sel.author } : {}),
        onProgress: (done, total, current) => report('writing', done, total, current),
      });
      return { documents: r.exported, versions: r.versions, files: r.files, issues: r.errors.map((e) => ({ source: e.id, id: e.id, kind: e.kind, message: e.message })), cancelled: r.cancelled };
    });
  }

  /** Asks the job `jobId` to stop between two documents; a job that is not running is left alone. */
  cancel(jobId: string): void {
    if (this.#running?.jobId === jobId) this.#running.controller.abort();
  }

  /** Cancels the job under way, if any, and waits for it to end (before the store closes: lock, quit). */
  async stop(): Promise<void> {
    const r = this.#running;
    if (r === undefined) return;
    r.controller.abort();
    await r.done;
  }

  #idle(): void {
    if (this.#running !== undefined) throw new DocvaultError('Conflict', `An ${this.#running.progress.kind} is under way: wait for it or cancel it first`);
  }

  #start(
    kind: TransferKind,
    where: string,
    work: (signal: AbortSignal, report: (phase: TransferProgress['phase'], done: number, total: number | null, current: string) => void, sendProgress: () => void) => Promise<WorkResult>,
  ): { jobId: string } {
    const jobId = randomUUID();
    const controller = new AbortController();
    const every = this.#opts.progressEveryMs ?? 200;
    const t0 = performance.now();
    let sentAt = 0;
    let written = 0;
    const report = (phase: TransferProgress['phase'], done: number, total: number | null, current: string): void => {
      const prev = running.progress;
      running.progress = { jobId, kind, phase, done, total, current };
      if (phase === 'writing') written = done;
      if (performance.now() - sentAt >= every || phase !== prev.phase) sendProgress();
    };
    const sendProgress = (): void => {
      sentAt = performance.now();
      this.#opts.emit({ event: 'transfer.progress', data: running.progress });
    };
    const finish = (summary: Omit<TransferSummary, 'jobId' | 'kind' | 'where' | 'seconds' | 'issuesOmitted'>): void => {
      const full: TransferSummary = {
        ...summary,
        jobId,
        kind,
        where,
        issues: summary.issues.slice(0, TRANSFER_MAX_ISSUES),
        issuesOmitted: Math.max(0, summary.issues.length - TRANSFER_MAX_ISSUES),
        seconds: (performance.now() - t0) / 1000,
      };
      this.#last = full;
      this.#running = undefined;
      this.#opts.emit({ event: 'transfer.done', data: full });
    };
    const done = (async () => {
      // Let the caller have its job id before the first event.
      await Promise.resolve();
      try {
        const r = await work(controller.signal, report, sendProgress);
        await this.#opts.audit?.({ event: kind, outcome: r.issues.length > 0 ? 'failed' : 'ok', count: r.documents, ...(r.cancelled ? { detail: 'cancelled' } : {}) });
        finish({ outcome: r.cancelled ? 'cancelled' : 'done', documents: r.documents, versions: r.versions, files: r.files, issues: r.issues });
      } catch (err) {
        await this.#opts.audit?.({ event: kind, outcome: 'failed', detail: isDocvaultError(err) ? err.kind : 'Internal' });
        // Batches committed before the failure stay (each was whole): count them from the last progress.
        finish({ outcome: 'failed', documents: kind === 'import' ? written : 0, versions: 0, files: 0, issues: [], error: serializeError(err) });
      }
    })();
    const running: Running = { jobId, controller, done, progress: { jobId, kind, phase: kind === 'import' ? 'scanning' : 'writing', done: 0, total: null, current: '' } };
    this.#running = running;
    return { jobId };
  }
}
