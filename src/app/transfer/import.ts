/**
 * Import: a folder of Markdown/text files (front matter → id, title, type, tags, metadata) or a docvault
 * JSON Lines export (./format.ts), written in batches: one transaction per batch, one savepoint per
 * document, so a bad document is reported and skipped while the rest of its batch commits, and no document
 * is ever half-written. Versions (JSON, or Markdown files exported with --versions) are replayed in order
 * with their comments. Symlinks are not followed; non-UTF-8, oversized and malformed files are reported.
 */
import { createReadStream, lstatSync, readFileSync, readdirSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { Vault } from '../../main/storage';
import { DocvaultError, isDocvaultError } from '../../shared/errors';
import type { DocumentPatch } from '../../shared/types';
import { validateId } from '../../shared/validation';
import { readFrontMatter } from './front-matter';
import type { ExportHeader, ExportedDocument, ExportedVersion } from './format';

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
}

/** Options of {@link importPath}. */
export interface ImportOptions {
  readonly onProgress?: (done: number) => void;
}

/** A document to write: its versions in order. */
interface Pending {
  readonly source: string;
  readonly id: string;
  readonly versions: readonly ExportedVersion[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function errorOf(source: string, id: string | undefined, err: unknown): ImportError {
  const kind = isDocvaultError(err) ? err.kind : 'Internal';
  const message = err instanceof Error ? err.message : String(err);
  return id === undefined ? { source, kind, message } : { source, id, kind, message };
}

/** Writes documents in transactions of {@link IMPORT_BATCH}, one savepoint each. */
class BatchWriter {
  readonly #vault: Vault;
  readonly #errors: ImportError[];
  readonly #onProgress: ((done: number) => void) | undefined;
  #batch: Pending[] = [];
  imported = 0;
  versions = 0;

  constructor(vault: Vault, errors: ImportError[], onProgress: ((done: number) => void) | undefined) {
    this.#vault = vault;
    this.#errors = errors;
    this.#onProgress = onProgress;
  }

  add(p: Pending): void {
    this.#batch.push(p);
    if (this.#batch.length >= IMPORT_BATCH) this.flush();
  }

  flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0) return;
    const v = this.#vault;
    let done = 0;
    let versions = 0;
    const failed: ImportError[] = [];
    // The common case, one version each: one bulk call (no savepoint per document). If an item fails, the
    // call rolled back; report the failures and write the others again.
    if (batch.every((p) => p.versions.length === 1)) {
      let todo = batch;
      while (todo.length > 0) {
        const inputs = todo.map((p) => {
          const x = p.versions[0] as ExportedVersion;
          return { id: p.id, content: x.content, title: x.title, type: x.type, tags: x.tags, metadata: x.metadata };
        });
        const r = v.bulkCreate(inputs);
        if (r.committed) {
          done += todo.length;
          versions += todo.length;
          break;
        }
        const retry: Pending[] = [];
        r.items.forEach((item, i) => {
          const p = todo[i] as Pending;
          if (item.status === 'error') failed.push({ source: p.source, id: p.id, kind: item.error.kind, message: item.error.message });
          else retry.push(p);
        });
        todo = retry;
      }
      this.#finish(done, versions, failed);
      return;
    }
    v.transaction(() => {
      for (const p of batch) {
        try {
          // A savepoint: a failure part-way through a document's versions undoes that document only.
          v.transaction(() => {
            const [first, ...rest] = p.versions;
            if (first === undefined) throw new DocvaultError('Invalid', 'no versions');
            v.create({ id: p.id, content: first.content, title: first.title, type: first.type, tags: first.tags, metadata: first.metadata }, first.comment !== null ? { comment: first.comment } : undefined);
            for (const x of rest) {
              const patch: DocumentPatch = { content: x.content, title: x.title, type: x.type, tags: x.tags, metadata: x.metadata };
              v.update(p.id, patch, x.comment !== null ? { comment: x.comment } : undefined);
            }
          });
          done++;
          versions += p.versions.length;
        } catch (err) {
          if (!isDocvaultError(err)) throw err;
          failed.push(errorOf(p.source, p.id, err));
        }
      }
    });
    this.#finish(done, versions, failed);
  }

  #finish(done: number, versions: number, failed: readonly ImportError[]): void {
    this.#errors.push(...failed);
    this.imported += done;
    this.versions += versions;
    this.#onProgress?.(this.imported);
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

/** Every importable file under `root`, depth first, in name order; symlinks and other non-files reported. */
function* walk(root: string, dir: string, errors: ImportError[]): Generator<{ path: string; rel: string; st: Stats }> {
  const entries = readdirSync(dir).sort();
  for (const name of entries) {
    const path = join(dir, name);
    const rel = relative(root, path).split(sep).join('/');
    const st = lstatSync(path);
    if (st.isSymbolicLink()) errors.push({ source: rel, kind: 'Invalid', message: 'a symbolic link: not followed' });
    else if (st.isDirectory()) {
      if (!name.startsWith('.')) yield* walk(root, path, errors);
    } else if (!st.isFile()) errors.push({ source: rel, kind: 'Invalid', message: 'not a regular file' });
    else if (TEXT_FILES.test(name)) yield { path, rel, st };
    else errors.push({ source: rel, kind: 'Invalid', message: 'not a Markdown or text file (.md, .markdown, .txt): skipped' });
  }
}

/** The id of a file without one in its front matter: its path without the extension. */
function idFromPath(rel: string): string {
  return rel.replace(TEXT_FILES, '');
}

/** Imports a folder of Markdown/text files. Files of one id with distinct `version`s are replayed as its versions. */
function importFolder(vault: Vault, root: string, writer: BatchWriter, errors: ImportError[]): void {
  // Pass 1: ids and versions only (one file in memory at a time), so duplicates are found before writing.
  const byId = new Map<string, { rel: string; path: string; st: Stats; version: number | undefined; parsed?: ReturnType<typeof readFrontMatter> }[]>();
  let kept = 0;
  for (const f of walk(root, root, errors)) {
    try {
      const parsed = readFrontMatter(readTextFile(f.path, f.st, vault.maxContentBytes).text);
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
  // Pass 2: read again and write, in batches.
  for (const [id, files] of byId) {
    if (files.length > 1 && (files.some((f) => f.version === undefined) || new Set(files.map((f) => f.version)).size !== files.length)) {
      for (const f of files)
        errors.push({ source: f.rel, id, kind: 'AlreadyExists', message: `duplicate id "${id}" (also in ${files.filter((g) => g !== f).map((g) => g.rel).join(', ')})` });
      continue;
    }
    files.sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
    try {
      const versions = files.map((f): ExportedVersion => {
        const { front, body } = f.parsed ?? readFrontMatter(readTextFile(f.path, f.st, vault.maxContentBytes).text);
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
      writer.add({ source: files.map((f) => f.rel).join(', '), id, versions });
    } catch (err) {
      if (!isDocvaultError(err)) throw err;
      errors.push(errorOf(files[0]?.rel ?? id, id, err));
    }
  }
}

function isExportedVersion(v: unknown): v is ExportedVersion {
  if (typeof v !== 'object' || v === null) return false;
  const x = v as Record<string, unknown>;
  return typeof x['content'] === 'string' && typeof x['title'] === 'string' && typeof x['type'] === 'string' && Array.isArray(x['tags']) && typeof x['metadata'] === 'object' && x['metadata'] !== null;
}

/** Imports a JSON Lines export, one line at a time. */
async function importJsonLines(path: string, writer: BatchWriter, errors: ImportError[]): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  const seen = new Set<string>();
  let n = 0;
  for await (const line of lines) {
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
    try {
      const id = validateId(d.id);
      if (!Array.isArray(d.versions) || d.versions.length === 0 || !d.versions.every(isExportedVersion))
        throw new DocvaultError('Invalid', 'versions: must be a non-empty list of { title, type, tags, metadata, content, comment }');
      if (seen.has(id)) throw new DocvaultError('AlreadyExists', `duplicate id "${id}" in the export`);
      seen.add(id);
      writer.add({ source: `line ${n}`, id, versions: d.versions });
    } catch (err) {
      if (!isDocvaultError(err)) throw err;
      errors.push(errorOf(`line ${n}`, typeof d.id === 'string' ? d.id : undefined, err));
    }
  }
}

/** Imports `path`: a folder of Markdown/text files, or a `.jsonl` docvault export. */
export async function importPath(vault: Vault, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const t0 = performance.now();
  const st = lstatSync(path);
  const errors: ImportError[] = [];
  const writer = new BatchWriter(vault, errors, opts.onProgress);
  if (st.isDirectory()) importFolder(vault, path, writer, errors);
  else if (st.isFile()) await importJsonLines(path, writer, errors);
  else throw new DocvaultError('Invalid', `${path}: not a folder or a file`);
  writer.flush();
  return { imported: writer.imported, versions: writer.versions, failed: errors.length, errors, seconds: (performance.now() - t0) / 1000 };
}
