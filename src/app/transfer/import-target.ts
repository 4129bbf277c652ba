/**
 * Where an import writes: the target interface both writers implement (the engine for the CLI, the app's
 * asynchronous store for the window's import job), the engine's own target, and what both share — a
 * document's files uploaded before its transaction, and the inputs of an imported history's versions.
 */
import { createReadStream, lstatSync } from 'node:fs';
import { abortQuietly, uploadStream, type AttachmentUploader, type Vault } from '../../main/storage';
import { DocvaultError, isDocvaultError } from '../../shared/errors';
import type { BulkResult, DocumentInput, DocumentPatch } from '../../shared/types';
import type { ExportedVersion } from './format';

/** A file to attach to a version: its name, media type, and where it is on disk (absolute). */
export interface PendingFile {
  readonly name: string;
  readonly mediaType: string;
  readonly path: string;
}

/** A document to write: its versions in order, each version's files (absent: none), and the file(s) or line it came from. */
export interface PendingDocument {
  readonly source: string;
  readonly id: string;
  readonly versions: readonly ExportedVersion[];
  readonly files?: readonly (readonly PendingFile[])[];
}

/**
 * Where an import writes: the engine itself ({@link vaultImportTarget}, the CLI) or the app's asynchronous
 * store (the window's import job). Both keep the same promise: a document is written whole or not at all.
 */
export interface ImportTarget {
  /** Files larger than this are reported as `TooLarge` before they are read. */
  readonly maxContentBytes: number;
  /** Creates these one-version documents in one transaction: all of them, or none (with each item's outcome). */
  bulkCreate(inputs: readonly DocumentInput[]): BulkResult<unknown> | Promise<BulkResult<unknown>>;
  /**
   * Writes each document with its versions in order, each all or nothing; returns, per document, the
   * `DocvaultError` that stopped it or undefined when it was written.
   */
  writeHistories(docs: readonly PendingDocument[]): readonly unknown[] | Promise<readonly unknown[]>;
  /**
   * Writes one document whose versions carry files, all or nothing: its files are uploaded first (streamed
   * from disk), then its versions are written in one transaction, each with its files. Returns the error
   * that stopped it (its uploads aborted: no chunk is left behind) or undefined when it was written.
   */
  writeWithFiles(doc: PendingDocument): Promise<unknown>;
}

/** The calls {@link uploadAndWrite} makes before the document's transaction: the engine and the store have them. */
export interface FileUploader extends Omit<AttachmentUploader, 'commitAttachment'> {
  exists(id: string): boolean | Promise<boolean>;
}

/**
 * Uploads the files of `p` (each version's, in order) for the new document `p.id`, then runs `commit` with the
 * upload ids per version. Any failure aborts every upload; a `DocvaultError` or a file system error is
 * returned (the document is reported and skipped), anything else is thrown.
 */
export async function uploadAndWrite(t: FileUploader, p: PendingDocument, commit: (uploads: readonly (readonly string[])[]) => unknown): Promise<unknown> {
  const uploads: string[][] = [];
  try {
    // Before any byte is uploaded (a trashed one is refused by the create below).
    if (await t.exists(p.id)) throw new DocvaultError('AlreadyExists', `A document "${p.id}" already exists`, { id: p.id });
    for (const files of p.files ?? []) {
      const ids: string[] = [];
      uploads.push(ids);
      for (const f of files) {
        const st = lstatSync(f.path);
        if (!st.isFile()) throw new DocvaultError('Invalid', `${f.name}: not a regular file (symbolic links are not followed)`);
        ids.push(await uploadStream(t, p.id, { name: f.name, mediaType: f.mediaType, size: st.size, forNewDocument: true }, createReadStream(f.path, { highWaterMark: 256 * 1024 })));
      }
    }
    await commit(uploads);
    return undefined;
  } catch (err) {
    for (const ids of uploads) for (const u of ids) await abortQuietly(t, u);
    if (!isDocvaultError(err) && (err as NodeJS.ErrnoException).code === undefined) throw err;
    return err;
  }
}

/** The write options of version `i` of an imported history: its comment; the first must create the document. */
export function versionOptions(x: ExportedVersion, i: number): { comment?: string; expectedVersion?: number } {
  return { ...(x.comment !== null ? { comment: x.comment } : {}), ...(i === 0 ? { expectedVersion: 0 } : {}) };
}

/** The engine as an import target: a batch is one transaction, each document a savepoint inside it. */
export function vaultImportTarget(v: Vault): ImportTarget {
  return {
    maxContentBytes: v.maxContentBytes,
    bulkCreate: (inputs) => v.bulkCreate(inputs),
    writeHistories(docs) {
      const out: unknown[] = [];
      v.transaction(() => {
        for (const p of docs) {
          try {
            // A savepoint: a failure part-way through a document's versions undoes that document only.
            v.transaction(() => {
              for (const [i, x] of p.versions.entries()) {
                const opts = x.comment !== null ? { comment: x.comment } : undefined;
                if (i === 0) v.create(firstInput(p.id, x), opts);
                else v.update(p.id, patchOf(x), opts);
              }
            });
            out.push(undefined);
          } catch (err) {
            if (!isDocvaultError(err)) throw err;
            out.push(err);
          }
        }
      });
      return out;
    },
    writeWithFiles: (p) =>
      uploadAndWrite(v, p, (uploads) =>
        v.transaction(() => {
          p.versions.forEach((x, i) => v.putWithAttachments(firstInput(p.id, x), uploads[i] ?? [], versionOptions(x, i)));
        }),
      ),
  };
}

/** The create input of a document's first version. */
export function firstInput(id: string, x: ExportedVersion): DocumentInput {
  return { id, content: x.content, title: x.title, type: x.type, tags: x.tags, metadata: x.metadata };
}

/** The patch that turns the previous version into `x`. */
export function patchOf(x: ExportedVersion): DocumentPatch {
  return { content: x.content, title: x.title, type: x.type, tags: x.tags, metadata: x.metadata };
}
