/**
 * Export: the whole vault or a selection (--type, --tag), as Markdown files with front matter or as one
 * JSON Lines file (./format.ts), optionally with every version. One document is in memory at a time; each
 * file is written under a temporary name and renamed, so a crash never leaves a half-written file behind.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import type { Vault } from '../../main/storage';
import { LIMITS, type Document, type DocumentSummary } from '../../shared/types';
import { writeFrontMatter } from './front-matter';
import { EXPORT_FILE, type ExportHeader, type ExportedDocument, type ExportedVersion } from './format';
import { NameAllocator, inside, safeBaseName } from './names';

/** Options of {@link exportVault}. */
export interface ExportOptions {
  readonly format: 'md' | 'json';
  readonly versions: boolean;
  readonly type?: string;
  readonly tag?: string;
  /** Called every so often with the number of documents written. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What an export did. */
export interface ExportSummary {
  readonly exported: number;
  readonly versions: number;
  readonly files: number;
  readonly errors: { readonly id: string; readonly kind: string; readonly message: string }[];
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
  write(text: string): void {
    writeSync(this.#fd, text);
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

function* selection(vault: Vault, opts: ExportOptions): Generator<DocumentSummary> {
  let cursor: string | null = null;
  do {
    const page = vault.list({
      sort: 'created',
      order: 'asc',
      limit: LIMITS.listMaxLimit,
      ...(opts.type !== undefined ? { type: opts.type } : {}),
      ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
      ...(cursor !== null ? { cursor } : {}),
    });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

function exported(vault: Vault, doc: Document, all: boolean): ExportedDocument {
  const asVersion = (d: Document, comment: string | null, createdAt: number): ExportedVersion => ({
    version: d.version,
    title: d.title,
    type: d.type,
    tags: d.tags,
    metadata: d.metadata,
    content: d.content,
    comment,
    createdAt,
  });
  const history = vault.versions(doc.id);
  const infos = all ? history : history.slice(-1);
  const versions = infos.map((info) => asVersion(info.version === doc.version ? doc : vault.getVersion(doc.id, info.version), info.comment, info.createdAt));
  return { id: doc.id, createdAt: doc.createdAt, updatedAt: doc.updatedAt, versions };
}

/** Writes the export into `dir` (created if missing). Per-document read errors (Integrity) are reported, not fatal. */
export function exportVault(vault: Vault, dir: string, opts: ExportOptions): ExportSummary {
  mkdirSync(dir, { recursive: true });
  const total = vault.count({ ...(opts.type !== undefined ? { type: opts.type } : {}), ...(opts.tag !== undefined ? { tag: opts.tag } : {}) });
  const errors: { id: string; kind: string; message: string }[] = [];
  let count = 0;
  let versions = 0;
  let files = 0;
  const names = new NameAllocator();
  const json = opts.format === 'json' ? new AtomicFile(inside(dir, EXPORT_FILE)) : undefined;
  try {
    if (json !== undefined) {
      const header: ExportHeader = { format: 'docvault-export', formatVersion: 1, exportedAt: new Date().toISOString(), versions: opts.versions };
      json.write(`${JSON.stringify(header)}\n`);
    }
    for (const summary of selection(vault, opts)) {
      let doc: ExportedDocument;
      try {
        doc = exported(vault, vault.get(summary.id), opts.versions);
      } catch (err) {
        const e = err as { kind?: string; message?: string };
        errors.push({ id: summary.id, kind: e.kind ?? 'Internal', message: e.message ?? String(err) });
        continue;
      }
      if (json !== undefined) json.write(`${JSON.stringify(doc)}\n`);
      else {
        const base = safeBaseName(summary.title !== '' ? summary.title : summary.id);
        for (const v of doc.versions) {
          const isCurrent = v === doc.versions[doc.versions.length - 1];
          const name = names.take(isCurrent ? base : `${base}.v${v.version}`, '.md');
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
      if (count % 1000 === 0) opts.onProgress?.(count, total);
    }
    if (json !== undefined) {
      json.commit();
      files++;
    }
  } catch (err) {
    json?.abort();
    throw err;
  }
  opts.onProgress?.(count, total);
  return { exported: count, versions, files, errors };
}
