/**
 * The `import` trial: docs/s of importing a folder of small Markdown files with YAML front matter into a
 * fresh encrypted vault, through the import path the CLI uses (`importPath(vaultImportTarget(vault), …)`
 * in src/app/transfer/import.ts). bench/ may not import the app layer (the app imports bench/ for its
 * panel), so the caller passes that function in: scripts/bench.mjs and test/bench/import.test.ts do.
 *
 * The folder: `files` files in sub-folders of 1,000, each with front matter (title, type, tags and one
 * metadata key) and `fileBytes` of body, drawn like every other trial's documents (bench/data.ts). Writing
 * the folder is not timed; the import is, whole (scan, parse, batched transactions, fsync per batch).
 * Afterwards the trial checks the vault holds `files` documents and that a sample came through intact.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../src/main/storage';
import { generateRawKey } from '../src/main/storage/keys';
import { makeDoc } from './data';

/** What the import under test reports (a subset of the app's ImportSummary). */
export interface ImportOutcome {
  readonly imported: number;
  readonly failed: number;
}

/** Imports the folder at `path` into `vault`: in the runner, the CLI's `importPath(vaultImportTarget(vault), path)`. */
export type FolderImporter = (vault: Vault, path: string) => Promise<ImportOutcome>;

/** Options of {@link runImportTrial}. */
export interface ImportTrialOptions {
  /** Scratch folder (created; removed afterwards). */
  readonly dir: string;
  /** The import to time. */
  readonly importFolder: FolderImporter;
  /** Files to import. Default 20,000. */
  readonly files?: number;
  /** Body bytes per file (front matter comes on top). Default 512. */
  readonly fileBytes?: number;
}

/** What the trial measured. */
export interface ImportRecord {
  readonly trial: 'import';
  readonly files: number;
  readonly fileBytes: number;
  /** Bytes of the folder (front matter and body). */
  readonly folderBytes: number;
  readonly docsPerSec: number;
  readonly seconds: number;
  /** Documents in the vault afterwards equal `files`, none failed, and the sampled documents match their files. */
  readonly ok: boolean;
  readonly peakRssMb: number;
}

const PER_FOLDER = 1000;

/** The Markdown file of document `n`: front matter, then the body. */
function fileOf(n: number, bytes: number): { rel: string; text: string; title: string; tags: readonly string[]; body: string } {
  const d = makeDoc(n, bytes);
  const rel = `batch-${String(Math.floor(n / PER_FOLDER)).padStart(3, '0')}/note-${String(n).padStart(6, '0')}.md`;
  const front = [`title: ${JSON.stringify(d.title)}`, `type: ${d.type}`, `tags: ${JSON.stringify(d.tags)}`, `source: bench-${n}`].join('\n');
  return { rel, text: `---\n${front}\n---\n${d.content}`, title: d.title, tags: d.tags, body: d.content };
}

/** Runs the trial once. */
export async function runImportTrial(opts: ImportTrialOptions): Promise<ImportRecord> {
  const files = opts.files ?? 20_000;
  const fileBytes = opts.fileBytes ?? 512;
  const folder = join(opts.dir, 'notes');
  mkdirSync(folder, { recursive: true });
  let folderBytes = 0;
  try {
    for (let n = 0; n < files; n++) {
      const f = fileOf(n, fileBytes);
      if (n % PER_FOLDER === 0) mkdirSync(join(folder, f.rel, '..'), { recursive: true });
      writeFileSync(join(folder, f.rel), f.text);
      folderBytes += Buffer.byteLength(f.text);
    }
    const v = Vault.createSync(join(opts.dir, 'import.dvault'), { key: { rawKey: generateRawKey().toString('hex') } });
    try {
      const t0 = performance.now();
      const r = await opts.importFolder(v, folder);
      const seconds = (performance.now() - t0) / 1000;
      const peak = process.resourceUsage().maxRSS * 1024;
      // The id of a file without one in its front matter is its path without the extension.
      const sample = [0, Math.floor(files / 2), files - 1].map((n) => {
        const f = fileOf(n, fileBytes);
        const id = f.rel.replace(/\.md$/, '');
        if (!v.exists(id)) return false;
        const d = v.get(id);
        return d.title === f.title && d.content === f.body && d.tags.join() === f.tags.join() && d.metadata['source'] === `bench-${n}`;
      });
      const ok = r.imported === files && r.failed === 0 && v.stats().documents === files && sample.every(Boolean);
      return { trial: 'import', files, fileBytes, folderBytes, docsPerSec: files / seconds, seconds, ok, peakRssMb: peak / 2 ** 20 };
    } finally {
      v.close();
    }
  } finally {
    rmSync(opts.dir, { recursive: true, force: true });
  }
}
