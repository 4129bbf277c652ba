/**
 * Export: the whole vault or a selection (--type, --tag), as Markdown files with front matter or as one
 * JSON Lines file (./format.ts), optionally with every version. One document is in memory at a time; each
 * file is written under a temporary name and renamed, so a crash never leaves a half-written file behind.
 */
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, rmdirSync, writeSync, mkdirSync } from 'node:fs';
import type { AttachmentBytes, AttachmentInfo, AttachmentReadOptions } from '../../shared/attachments';
import { isDocvaultError } from '../../shared/errors';
import { LIMITS, type Document, type DocumentSummary, type ListPage, type ListQuery, type VersionInfo } from '../../shared/types';
import { writeFrontMatter } from './front-matter';
import { ATTACHMENTS_DIR, EXPORT_FILE, FILES_SUFFIX, type ExportHeader, type ExportedDocument, type ExportedVersion } from './format';
import { NameAllocator, inside, safeBaseName } from './names';

/** A value now (the engine, in the CLI) or later (the app's store, in the window's job). */
type Maybe<T> = T | Promise<T>;

/** The reads an export makes: the engine ({@link Vault}) and the app's store both have them. */
export interface ExportSource {
  list(query: ListQuery): Maybe<ListPage>;
  count(query: Pick<ListQuery, 'type' | 'tag' | 'author'>): Maybe<number>;
  get(id: string): Maybe<Document>;
  versions(id: string): Maybe<VersionInfo[]>;
  getVersion(id: string, version: number): Maybe<Document>;
  /** A piece of an attachment, verified (the attachment files of the export are read through it). */
  readAttachment(id: string, name: string, opts?: AttachmentReadOptions): Maybe<AttachmentBytes>;
}

/** Options of {@link exportVault}. */
export interface ExportOptions {
  readonly format: 'md' | 'json';
  readonly versions: boolean;
  readonly type?: string;
  readonly tag?: string;
  readonly author?: string;
  /** Only these documents (in this order), instead of the filters' selection. */
  readonly ids?: readonly string[];
  /** Called after every document with the number written, the total and the document's id. */
  readonly onProgress?: (done: number, total: number, current: string) => void;
  /**
   * Stops between two documents. Every file already written is whole and stays; a JSON export is one
   * file, so a cancelled one leaves nothing behind.
   */
  readonly signal?: AbortSignal;
}

/** What an export did. */
export interface ExportSummary {
  readonly exported: number;
  readonly versions: number;
  readonly files: number;
  readonly errors: { readonly id: string; readonly kind: string; readonly message: string }[];
  /** True when the signal stopped it (see {@link ExportOptions.signal}). */
  readonly cancelled: boolean;
}

/** A file written to `path.tmp-<pid>` then renamed over `path`. */
class AtomicFile {
  readonly #path: string;
  readonly #tmp: string;
  readonly #fd: number;
  constructor(path: string) {
    this.#path = path;
    this.#tmp = `${path}.tmp-${process.pid}`;
    // 'wx': never follow or overwrite something already at the temporary name.
    this.#fd = openSync(this.#tmp, 'wx', 0o600);
  }
  write(text: string | Uint8Array): void {
    if (typeof text === 'string') {
      writeSync(this.#fd, text);
      return;
    }
    for (let at = 0; at < text.length; ) at += writeSync(this.#fd, text, at, text.length - at);
  }
  commit(): void {
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    renameSync(this.#tmp, this.#path);
  }
  abort(): void {
    try {
      closeSync(this.#fd);
    } finally {
      rmSync(this.#tmp, { force: true });
    }
  }
}

function filtersOf(opts: ExportOptions): Pick<ListQuery, 'type' | 'tag' | 'author'> {
  return { ...(opts.type !== undefined ? { type: opts.type } : {}), ...(opts.tag !== undefined ? { tag: opts.tag } : {}), ...(opts.author !== undefined ? { author: opts.author } : {}) };
}

async function* selection(vault: ExportSource, opts: ExportOptions): AsyncGenerator<Pick<DocumentSummary, 'id' | 'title'>> {
  if (opts.ids !== undefined) {
    // A document of the list that is gone by now is reported by the export loop (NotFound), like any read error.
    for (const id of opts.ids) yield { id, title: '' };
    return;
  }
  let cursor: string | null = null;
  do {
    const page: ListPage = await vault.list({
      sort: 'created',
      order: 'asc',
      limit: LIMITS.listMaxLimit,
      ...filtersOf(opts),
      ...(cursor !== null ? { cursor } : {}),
    });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/**
 * Writes attachment files, each distinct stored file's bytes read once (verified piece by piece, one piece
 * in memory) and hard-linked (else copied) where another version or document carries the same file.
 */
class AttachmentWriter {
  readonly #source: ExportSource;
  readonly #written = new Map<string, string>();
  /** Every file written or linked, so a cancelled JSON export can take them back. */
  readonly #paths: string[] = [];
  files = 0;

  constructor(source: ExportSource) {
    this.#source = source;
  }

  /** Writes `entry` (of `id` version `version`) to `path`, unless that file is there already. */
  async write(id: string, version: number, entry: AttachmentInfo, path: string): Promise<void> {
    const before = this.#written.get(entry.ref);
    if (before === path) return;
    if (before !== undefined) {
      try {
        linkSync(before, path);
        this.#paths.push(path);
        this.files++;
        return;
      } catch {
        // Another file system, or links refused: copy.
      }
    }
    const file = new AtomicFile(path);
    try {
      for (let offset = 0, eof = entry.size === 0; !eof; ) {
        const piece = await this.#source.readAttachment(id, entry.name, { version, offset });
        file.write(piece.data);
        offset += piece.data.length;
        eof = piece.eof || piece.data.length === 0;
      }
      file.commit();
    } catch (err) {
      file.abort();
      throw err;
    }
    this.#written.set(entry.ref, path);
    this.#paths.push(path);
    this.files++;
  }

  /** Removes every file written (a JSON export that did not finish: its side files mean nothing without it). */
  discard(): void {
    for (const p of this.#paths) rmSync(p, { force: true });
    this.#paths.length = 0;
    this.files = 0;
  }
}

/** Removes a JSON export's side files and their folder, when the export did not finish (a line-less side file means nothing). */
function discardSideFiles(dir: string, attachments: AttachmentWriter): void {
  attachments.discard();
  try {
    rmdirSync(inside(dir, ATTACHMENTS_DIR));
  } catch {
    // Never made (no attachments), or holds files this export did not write: left alone.
  }
}

/** The attachments of a version as listed in a JSON export (their side files named by `ref`). */
function listed(list: readonly AttachmentInfo[] | undefined): Pick<ExportedVersion, 'attachments'> {
  if (list === undefined || list.length === 0) return {};
  return { attachments: list.map((a) => ({ name: a.name, mediaType: a.mediaType, size: a.size, file: `${ATTACHMENTS_DIR}/${a.ref}` })) };
}

/** An exported attachment as the writer takes it (its `ref` from its side file's name). */
function infoOf(a: NonNullable<ExportedVersion['attachments']>[number]): AttachmentInfo {
  return { name: a.name, size: a.size, mediaType: a.mediaType, ref: a.file.slice(ATTACHMENTS_DIR.length + 1) };
}

async function exported(vault: ExportSource, doc: Document, all: boolean): Promise<ExportedDocument> {
  const asVersion = (d: Document, comment: string | null, createdAt: number): ExportedVersion => ({
    version: d.version,
    title: d.title,
    type: d.type,
    tags: d.tags,
    metadata: d.metadata,
    content: d.content,
    comment,
    createdAt,
    ...listed(d.attachments),
  });
  const history = await vault.versions(doc.id);
  const infos = all ? history : history.slice(-1);
  const versions: ExportedVersion[] = [];
  for (const info of infos) versions.push(asVersion(info.version === doc.version ? doc : await vault.getVersion(doc.id, info.version), info.comment, info.createdAt));
  return { id: doc.id, createdAt: doc.createdAt, updatedAt: doc.updatedAt, versions };
}

/**
 * Writes the export into `dir` (created if missing). Per-document read errors (Integrity, NotFound) are
 * reported, not fatal.
 */
export async function exportVault(vault: ExportSource, dir: string, opts: ExportOptions): Promise<ExportSummary> {
  mkdirSync(dir, { recursive: true });
  const total = opts.ids !== undefined ? opts.ids.length : await vault.count(filtersOf(opts));
  const errors: { id: string; kind: string; message: string }[] = [];
  let count = 0;
  let versions = 0;
  let files = 0;
  const names = new NameAllocator();
  const json = opts.format === 'json' ? new AtomicFile(inside(dir, EXPORT_FILE)) : undefined;
  const attachments = new AttachmentWriter(vault);
  try {
    if (json !== undefined) {
      const header: ExportHeader = { format: 'docvault-export', formatVersion: 1, exportedAt: new Date().toISOString(), versions: opts.versions };
      json.write(`${JSON.stringify(header)}\n`);
    }
    for await (const summary of selection(vault, opts)) {
      if (opts.signal?.aborted === true) break;
      let doc: ExportedDocument;
      let title = summary.title;
      try {
        const current = await vault.get(summary.id);
        title = current.title;
        doc = await exported(vault, current, opts.versions);
      } catch (err) {
        if (!isDocvaultError(err)) throw err;
        errors.push({ id: summary.id, kind: err.kind, message: err.message });
        continue;
      }
      if (json !== undefined) {
        // Side files first: a line never names a file that is not there.
        for (const v of doc.versions)
          for (const a of v.attachments ?? []) {
            mkdirSync(inside(dir, ATTACHMENTS_DIR), { recursive: true });
            await attachments.write(doc.id, v.version, infoOf(a), inside(dir, a.file));
          }
        json.write(`${JSON.stringify(doc)}\n`);
      } else {
        const base = safeBaseName(title !== '' ? title : summary.id);
        for (const v of doc.versions) {
          const isCurrent = v === doc.versions[doc.versions.length - 1];
          const name = names.take(isCurrent ? base : `${base}.v${v.version}`, '.md');
          // Its attachments go beside it, in NAME.files/ under their own names (checked again: never outside).
          if (v.attachments !== undefined && v.attachments.length > 0) {
            const folder = inside(dir, `${name.slice(0, -3)}${FILES_SUFFIX}`);
            if (!existsSync(folder)) mkdirSync(folder);
            for (const a of v.attachments) await attachments.write(doc.id, v.version, infoOf(a), inside(folder, a.name));
          }
          const file = new AtomicFile(inside(dir, name));
          try {
            file.write(
              writeFrontMatter(
                { id: doc.id, title: v.title, type: v.type || undefined, tags: v.tags.length > 0 ? v.tags : undefined, version: v.version, comment: v.comment ?? undefined, created: new Date(doc.createdAt).toISOString(), updated: new Date(v.createdAt).toISOString(), metadata: Object.keys(v.metadata).length > 0 ? v.metadata : undefined },
                v.content,
              ),
            );
            file.commit();
            files++;
          } catch (err) {
            file.abort();
            throw err;
          }
        }
      }
      count++;
      versions += doc.versions.length;
      opts.onProgress?.(count, total, summary.id);
    }
    if (json !== undefined && opts.signal?.aborted === true) {
      json.abort();
      discardSideFiles(dir, attachments);
    } else if (json !== undefined) {
      json.commit();
      files++;
    }
  } catch (err) {
    if (json !== undefined) {
      json.abort();
      discardSideFiles(dir, attachments);
    }
    throw err;
  }
  const cancelled = opts.signal?.aborted === true;
  // A cancelled JSON export wrote nothing (its one file was removed): say so in the counts too.
  return cancelled && json !== undefined ? { exported: 0, versions: 0, files: 0, errors, cancelled } : { exported: count, versions, files: files + attachments.files, errors, cancelled };
}
