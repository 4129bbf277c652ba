/**
 * Import: a folder of Markdown/text files (front matter → id, title, type, tags, metadata) or a docvault
 * JSON Lines export (./format.ts), written in batches: one transaction per batch, one savepoint per
 * document, so a bad document is reported and skipped while the rest of its batch commits, and no document
 * is ever half-written. Versions (JSON, or Markdown files exported with --versions) are replayed in order
 * with their comments, each with its attachments (`NAME.files/` beside a Markdown file, a JSON export's side
 * files, other files of a folder). Symlinks are not followed; non-UTF-8, oversized and malformed files are
 * reported.
 */
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { mediaTypeOf, validateAttachmentName } from '../../shared/attachments';
import { DocvaultError, isDocvaultError } from '../../shared/errors';
import { validateId } from '../../shared/validation';
import { readFrontMatter } from './front-matter';
import { FILES_SUFFIX, type ExportHeader, type ExportedDocument, type ExportedVersion } from './format';
import { firstInput, type ImportTarget, type PendingDocument, type PendingFile } from './import-target';
import { inside } from './names';

/** Documents per transaction. */
export const IMPORT_BATCH = 1000;
/** Text kept from the first pass over a folder so small files are read once; larger folders read twice. */
const PASS_ONE_BUDGET_BYTES = 64 * 1024 * 1024;
/** File name endings read as documents in a folder import. */
const TEXT_FILES = /\.(md|markdown|txt|text)$/i;

/** One item that could not be imported. */
export interface ImportError {
  /** The file (relative to PATH) or, for a JSON export, `line N`. */
  readonly source: string;
  readonly id?: string;
  readonly kind: string;
  readonly message: string;
}

/** What an import did. */
export interface ImportSummary {
  readonly imported: number;
  readonly versions: number;
  readonly failed: number;
  readonly errors: readonly ImportError[];
  readonly seconds: number;
  /**
   * True when the signal stopped it: the batches committed before stay imported (each was whole), the
   * documents read but not yet written were dropped, and the rest was never read.
   */
  readonly cancelled: boolean;
}

/** Where an import stands: `scanning` reads every file once (ids, duplicates), `writing` commits batches. */
export interface ImportProgress {
  readonly phase: 'scanning' | 'writing';
  /** Files read (scanning) or documents written (writing). */
  readonly done: number;
  /** Documents to write, once the scan has counted them; null while unknown (scanning, JSON lines). */
  readonly total: number | null;
  /** The file (or `line N`) last read or written. */
  readonly current: string;
}

/** Options of {@link importPath}. */
export interface ImportOptions {
  /** Called after every file read and every batch committed. */
  readonly onProgress?: (p: ImportProgress) => void;
  /** Stops the import between two documents (see {@link ImportSummary.cancelled}). */
  readonly signal?: AbortSignal;
  /** Documents per transaction; default {@link IMPORT_BATCH}. */
  readonly batchSize?: number;
  /** Awaited between two batches: after each committed batch but the last (after its progress report). */
  readonly afterBatch?: () => Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function errorOf(source: string, id: string | undefined, err: unknown): ImportError {
  const kind = isDocvaultError(err) ? err.kind : 'Internal';
  const message = err instanceof Error ? err.message : String(err);
  return id === undefined ? { source, kind, message } : { source, id, kind, message };
}

/** Writes documents in batches (one transaction each, see {@link ImportTarget}). */
class BatchWriter {
  readonly #target: ImportTarget;
  readonly #errors: ImportError[];
  readonly #size: number;
  readonly #onWritten: (last: string, final: boolean) => Promise<void>;
  #batch: PendingDocument[] = [];
  imported = 0;
  versions = 0;

  constructor(target: ImportTarget, errors: ImportError[], size: number, onWritten: (last: string, final: boolean) => Promise<void>) {
    this.#target = target;
    this.#errors = errors;
    this.#size = size;
    this.#onWritten = onWritten;
  }

  /**
   * Adds a document; one with files is written at once, on its own (after the batch before it, so order
   * holds): see {@link ImportTarget.writeWithFiles}.
   */
  async add(p: PendingDocument): Promise<void> {
    if (p.files !== undefined && p.files.some((f) => f.length > 0)) {
      await this.flush();
      const err = await this.#target.writeWithFiles(p);
      if (err === undefined) {
        this.imported++;
        this.versions += p.versions.length;
      } else this.#errors.push(errorOf(p.source, p.id, err));
      await this.#onWritten(p.source, false);
      return;
    }
    this.#batch.push(p);
    if (this.#batch.length >= this.#size) await this.flush();
  }

  /** Forgets the documents not yet written (a cancelled import): they were never part of a transaction. */
  drop(): number {
    const n = this.#batch.length;
    this.#batch = [];
    return n;
  }

  /** Writes the documents waiting; `final`: no more will come. */
  async flush(final = false): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0) return;
    let done = 0;
    let versions = 0;
    const failed: ImportError[] = [];
    // The common case, one version each: one bulk call (no savepoint per document). If an item fails, the
    // call rolled back; report the failures and write the others again.
    if (batch.every((p) => p.versions.length === 1)) {
      let todo = batch;
      while (todo.length > 0) {
        const r = await this.#target.bulkCreate(todo.map((p) => firstInput(p.id, p.versions[0] as ExportedVersion)));
        if (r.committed) {
          done += todo.length;
          versions += todo.length;
          break;
        }
        const retry: PendingDocument[] = [];
        r.items.forEach((item, i) => {
          const p = todo[i] as PendingDocument;
          if (item.status === 'error') failed.push({ source: p.source, id: p.id, kind: item.error.kind, message: item.error.message });
          else retry.push(p);
        });
        todo = retry;
      }
    } else {
      const outcomes = await this.#target.writeHistories(batch);
      batch.forEach((p, i) => {
        const err = outcomes[i];
        if (err === undefined) {
          done++;
          versions += p.versions.length;
        } else failed.push(errorOf(p.source, p.id, err));
      });
    }
    this.#errors.push(...failed);
    this.imported += done;
    this.versions += versions;
    await this.#onWritten(batch[batch.length - 1]?.source ?? '', final);
  }
}

/** Reads a text file as a document, or throws a per-file error. */
function readTextFile(path: string, st: Stats, maxBytes: number): { text: string } {
  if (st.size > maxBytes) throw new DocvaultError('TooLarge', `file is ${st.size} bytes; the vault takes at most ${maxBytes}`);
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new DocvaultError('Invalid', 'not UTF-8 text');
  }
  return { text };
}

/**
 * Every importable file under `root`, depth first, in name order: text files (documents) and other files
 * (`loose`: attachments); symlinks and other non-files reported. A `NAME.files` folder beside `NAME.md`
 * holds that file's attachments (see {@link filesOf}) and is not walked as documents.
 */
function* walk(root: string, dir: string, errors: ImportError[], loose: { path: string; rel: string }[]): Generator<{ path: string; rel: string; st: Stats }> {
  const entries = readdirSync(dir).sort();
  for (const name of entries) {
    const path = join(dir, name);
    const rel = relative(root, path).split(sep).join('/');
    const st = lstatSync(path);
    if (st.isSymbolicLink()) errors.push({ source: rel, kind: 'Invalid', message: 'a symbolic link: not followed' });
    else if (st.isDirectory()) {
      if (name.endsWith(FILES_SUFFIX) && entries.some((e) => TEXT_FILES.test(e) && e.replace(TEXT_FILES, '') === name.slice(0, -FILES_SUFFIX.length))) continue;
      if (!name.startsWith('.')) yield* walk(root, path, errors, loose);
    } else if (!st.isFile()) errors.push({ source: rel, kind: 'Invalid', message: 'not a regular file' });
    else if (TEXT_FILES.test(name)) yield { path, rel, st };
    else if (!name.startsWith('.')) loose.push({ path, rel });
  }
}

/** The attachments of a Markdown file `X.md`: the regular files in `X.files/` beside it (symlinks reported). */
function filesOf(path: string, rel: string, errors: ImportError[]): PendingFile[] {
  const folder = join(dirname(path), `${basename(path).replace(TEXT_FILES, '')}${FILES_SUFFIX}`);
  if (!existsSync(folder) || !lstatSync(folder).isDirectory()) return [];
  const out: PendingFile[] = [];
  for (const name of readdirSync(folder).sort()) {
    const file = join(folder, name);
    const st = lstatSync(file);
    if (!st.isFile()) {
      errors.push({ source: `${rel.replace(TEXT_FILES, '')}${FILES_SUFFIX}/${name}`, kind: 'Invalid', message: st.isSymbolicLink() ? 'a symbolic link: not followed' : 'not a regular file' });
      continue;
    }
    out.push({ name: validateAttachmentName(name), mediaType: mediaTypeOf(name), path: file });
  }
  return out;
}

/** The id of a file without one in its front matter: its path without the extension. */
function idFromPath(rel: string): string {
  return rel.replace(TEXT_FILES, '');
}

/** One import under way: where it writes, what went wrong, how far it got, whether to stop. */
interface Run {
  readonly target: ImportTarget;
  readonly writer: BatchWriter;
  readonly errors: ImportError[];
  readonly signal: AbortSignal | undefined;
  readonly progress: (p: ImportProgress) => void;
  /** Documents known to be written in the end (after the scan of a folder); null while unknown. */
  total: number | null;
}

/** Files read between two turns of the event loop (the app serves its windows while a job scans). */
const FILES_PER_TURN = 64;

/**
 * Imports a folder of Markdown/text files. Files of one id with distinct `version`s are replayed as its
 * versions; `X.files/` beside `X.md` holds that version's attachments. Any other file (a PDF, a photo)
 * becomes an attachment: of the document from the text file of the same name in the same folder
 * (`receipt.md` + `receipt.pdf`), else of a new empty document whose id is its path without the extension.
 */
async function importFolder(run: Run, root: string): Promise<void> {
  const { errors } = run;
  // Pass 1: ids and versions only (one file in memory at a time), so duplicates are found before writing.
  const byId = new Map<string, { rel: string; path: string; st: Stats; version: number | undefined; parsed?: ReturnType<typeof readFrontMatter> }[]>();
  const loose: { path: string; rel: string }[] = [];
  let kept = 0;
  let read = 0;
  for (const f of walk(root, root, errors, loose)) {
    if (run.signal?.aborted === true) return;
    if (++read % FILES_PER_TURN === 0) await nextTurn();
    run.progress({ phase: 'scanning', done: read, total: null, current: f.rel });
    try {
      const parsed = readFrontMatter(readTextFile(f.path, f.st, run.target.maxContentBytes).text);
      const { front } = parsed;
      const id = validateId(front.id ?? idFromPath(f.rel));
      const version = typeof front.metadata['version'] === 'number' ? (front.metadata['version'] as number) : undefined;
      const list = byId.get(id) ?? [];
      const keep = kept + f.st.size <= PASS_ONE_BUDGET_BYTES;
      if (keep) kept += f.st.size;
      list.push({ rel: f.rel, path: f.path, st: f.st, version, ...(keep ? { parsed } : {}) });
      byId.set(id, list);
    } catch (err) {
      if (!isDocvaultError(err)) throw err;
      errors.push(errorOf(f.rel, undefined, err));
    }
  }
  // Loose files: to the text document of the same name, else each to a document of its own.
  const looseOf = new Map<string, PendingFile[]>();
  for (const f of loose) {
    try {
      const id = validateId(idFromPath(f.rel.replace(/\.[^./]*$/, '.md')));
      const entry: PendingFile = { name: validateAttachmentName(basename(f.path)), mediaType: mediaTypeOf(f.path), path: f.path };
      looseOf.set(id, [...(looseOf.get(id) ?? []), entry]);
    } catch (err) {
      if (!isDocvaultError(err)) throw err;
      errors.push(errorOf(f.rel, undefined, err));
    }
  }
  const alone = [...looseOf].filter(([id]) => !byId.has(id));
  run.total = byId.size + alone.length;
  run.progress({ phase: 'writing', done: 0, total: run.total, current: '' });
  for (const [id, files] of alone) {
    if (run.signal?.aborted === true) return;
    const rel = loose.find((l) => l.path === files[0]?.path)?.rel ?? id;
    await run.writer.add({
      source: rel,
      id,
      versions: [{ version: 1, title: files.map((f) => f.name).join(', ').slice(0, 255), type: '', tags: [], metadata: {}, content: '', comment: null, createdAt: 0 }],
      files: [files],
    });
  }
  // Pass 2: read again and write, in batches.
  for (const [id, files] of byId) {
    if (run.signal?.aborted === true) return;
    if (files.length > 1 && (files.some((f) => f.version === undefined) || new Set(files.map((f) => f.version)).size !== files.length)) {
      for (const f of files)
        errors.push({ source: f.rel, id, kind: 'AlreadyExists', message: `duplicate id "${id}" (also in ${files.filter((g) => g !== f).map((g) => g.rel).join(', ')})` });
      run.total--;
      continue;
    }
    files.sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
    try {
      const versions = files.map((f): ExportedVersion => {
        const { front, body } = f.parsed ?? readFrontMatter(readTextFile(f.path, f.st, run.target.maxContentBytes).text);
        const { version: _v, comment, created: _c, updated: _u, ...metadata } = front.metadata;
        return {
          version: f.version ?? 1,
          title: front.title ?? id.split('/').pop() ?? id,
          type: front.type ?? '',
          tags: front.tags ?? [],
          metadata,
          content: body,
          comment: typeof comment === 'string' ? comment : null,
          createdAt: 0,
        };
      });
      const attached = files.map((f) => filesOf(f.path, f.rel, errors));
      const extra = looseOf.get(id);
      if (extra !== undefined) attached[attached.length - 1] = [...(attached[attached.length - 1] ?? []), ...extra];
      await run.writer.add({ source: files.map((f) => f.rel).join(', '), id, versions, files: attached });
    } catch (err) {
      if (!isDocvaultError(err)) throw err;
      errors.push(errorOf(files[0]?.rel ?? id, id, err));
      run.total--;
    }
  }
}

function isExportedVersion(v: unknown): v is ExportedVersion {
  if (typeof v !== 'object' || v === null) return false;
  const x = v as Record<string, unknown>;
  return typeof x['content'] === 'string' && typeof x['title'] === 'string' && typeof x['type'] === 'string' && Array.isArray(x['tags']) && typeof x['metadata'] === 'object' && x['metadata'] !== null;
}

/** The files of a JSON export's version: each `file` must name a file inside the export's folder. */
function exportedFiles(root: string, v: ExportedVersion): PendingFile[] {
  return (v.attachments ?? []).map((a) => {
    if (typeof a !== 'object' || a === null || typeof a.file !== 'string' || typeof a.name !== 'string')
      throw new DocvaultError('Invalid', 'attachments: each must be { name, mediaType, size, file }');
    return { name: validateAttachmentName(a.name), mediaType: typeof a.mediaType === 'string' ? a.mediaType : mediaTypeOf(a.name), path: inside(root, a.file) };
  });
}

/** Imports a JSON Lines export, one line at a time. */
async function importJsonLines(run: Run, path: string): Promise<void> {
  const { errors } = run;
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const seen = new Set<string>();
  let n = 0;
  try {
    for await (const line of lines) {
      if (run.signal?.aborted === true) return;
      n++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        if (n === 1) throw new DocvaultError('Invalid', `${path}: not a docvault export (line 1 is not JSON)`);
        errors.push({ source: `line ${n}`, kind: 'Invalid', message: 'not valid JSON' });
        continue;
      }
      if (n === 1) {
        const h = value as Partial<ExportHeader>;
        if (h.format !== 'docvault-export') throw new DocvaultError('Invalid', `${path}: not a docvault export (no header line)`);
        if (h.formatVersion !== 1) throw new DocvaultError('Invalid', `${path}: export format version ${String(h.formatVersion)} is not known to this docvault`);
        continue;
      }
      const d = value as Partial<ExportedDocument>;
      run.progress({ phase: 'scanning', done: n - 1, total: null, current: `line ${n}` });
      try {
        const id = validateId(d.id);
        if (!Array.isArray(d.versions) || d.versions.length === 0 || !d.versions.every(isExportedVersion))
          throw new DocvaultError('Invalid', 'versions: must be a non-empty list of { title, type, tags, metadata, content, comment }');
        if (seen.has(id)) throw new DocvaultError('AlreadyExists', `duplicate id "${id}" in the export`);
        seen.add(id);
        const files = d.versions.map((v) => exportedFiles(dirname(path), v));
        await run.writer.add({ source: `line ${n}`, id, versions: d.versions, files });
      } catch (err) {
        if (!isDocvaultError(err)) throw err;
        errors.push(errorOf(`line ${n}`, typeof d.id === 'string' ? d.id : undefined, err));
      }
    }
  } finally {
    // A cancelled or failed import closes the file now, not when the stream is collected.
    lines.close();
    input.destroy();
  }
}

/**
 * Imports `path`: a folder of Markdown/text files, or a `.jsonl` docvault export. The CLI passes the engine
 * ({@link vaultImportTarget}); the window's job passes the app's store. Cancelled through `opts.signal`.
 */
export async function importPath(target: ImportTarget, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const t0 = performance.now();
  const st = lstatSync(path);
  const errors: ImportError[] = [];
  const progress = opts.onProgress ?? (() => {});
  const run: Run = {
    target,
    errors,
    signal: opts.signal,
    progress,
    total: null,
    writer: new BatchWriter(target, errors, Math.max(1, opts.batchSize ?? IMPORT_BATCH), async (last, final) => {
      progress({ phase: 'writing', done: run.writer.imported, total: run.total, current: last });
      if (!final) await opts.afterBatch?.();
    }),
  };
  if (st.isDirectory()) await importFolder(run, path);
  else if (st.isFile()) await importJsonLines(run, path);
  else throw new DocvaultError('Invalid', `${path}: not a folder or a file`);
  const cancelled = opts.signal?.aborted === true;
  if (cancelled) run.writer.drop();
  else await run.writer.flush(true);
  return { imported: run.writer.imported, versions: run.writer.versions, failed: errors.length, errors, seconds: (performance.now() - t0) / 1000, cancelled };
}
