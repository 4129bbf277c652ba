/** `docvault import` and `docvault export`: documents in and out, in bulk. */
import { recordQuietly } from './audit';
import { stringOpt, usageError } from '../args';
import { arg, type Command } from '../command';
import { EXIT } from '../exit-codes';
import { toJson } from '../format';
import { exportVault } from '../../app/transfer/export';
import { importPath } from '../../app/transfer/import';
import { vaultImportTarget } from '../../app/transfer/import-target';

/** `import`: a folder of Markdown/text files or a docvault JSON export. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import a folder of Markdown/text files or a docvault export',
  usage: 'PATH',
  description: [
    'PATH is a folder or a docvault export (docvault-export.jsonl, from `docvault export --format json`).',
    'Folder: every .md, .markdown, .txt file below it; YAML front matter sets id, title, type, tags (other keys',
    'go to metadata); without an id the path without its extension is the id. Symbolic links are not followed.',
    'Attachments: NAME.files/ beside NAME.md holds that version\'s files; any other file becomes an attachment of',
    'the note of the same name, else of a new empty document. Export: every document with its versions, replayed',
    'in order with their comments and attachments (side files inside the export\'s folder only).',
    'Written 1,000 documents per transaction. A file that cannot be imported (not UTF-8, too large, bad front',
    'matter, a duplicate or existing id) is reported and skipped; the rest is imported; no document is half-written.',
    'Exit 0 when everything was imported, 2 when some items failed (listed, with the reason). Progress on stderr; --json prints the summary.',
  ].join('\n'),
  options: {},
  usesVault: true,
  args: ['PATH'],
  async run(ctx) {
    const path = arg(ctx, 0);
    const vault = await ctx.openVault();
    const summary = await importPath(vaultImportTarget(vault), path, {
      onProgress: (p) => {
        if (p.phase === 'writing' && p.done > 0) ctx.note(`imported ${p.done.toLocaleString('en')} documents`);
      },
    });
    recordQuietly(vault, { event: 'import', outcome: summary.failed > 0 ? 'failed' : 'ok', count: summary.imported });
    const rate = summary.seconds > 0 ? Math.round(summary.imported / summary.seconds) : summary.imported;
    if (ctx.json) ctx.out(toJson({ ...summary, docsPerSecond: rate }));
    else {
      for (const e of summary.errors) ctx.out(`! ${e.source}${e.id !== undefined ? ` (${e.id})` : ''}: ${e.kind}: ${e.message}\n`);
      ctx.out(`Imported ${summary.imported.toLocaleString('en')} documents (${summary.versions.toLocaleString('en')} versions) in ${summary.seconds.toFixed(1)} s${summary.failed > 0 ? `; ${summary.failed} failed` : ''}\n`);
    }
    return summary.failed > 0 ? EXIT.invalid : EXIT.ok;
  },
};

/** `export`: the vault, or a selection, to a folder. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'export documents to Markdown files or a JSON export',
  usage: 'DIR [--format md|json] [--versions] [--type T] [--tag T]',
  description: [
    'Writes every live document (or those of --type / --tag) into DIR (created if missing).',
    'md (default): one NAME.md per document, YAML front matter (id, title, type, tags, version, metadata) then',
    'the content; NAME comes from the title, made safe (never a path: "../../x" becomes "x"); clashes get -2, -3.',
    'With --versions, older versions are written beside it as NAME.vN.md (import replays them in order).',
    'json: one file, docvault-export.jsonl: a header line, then one document per line with its versions.',
    'Attachments: md writes each version\'s files into NAME.files/; json writes attachments/<ref> side files.',
    'Each file is written under a temporary name and renamed when complete. Progress on stderr.',
    'A document that fails its integrity check is listed and left out (exit 6); the others are exported.',
  ].join('\n'),
  options: {
    format: { type: 'string', value: 'F', help: 'md (default) or json' },
    versions: { type: 'boolean', help: 'every version, not only the current one' },
    type: { type: 'string', value: 'T', help: 'only documents of type T' },
    tag: { type: 'string', value: 'T', help: 'only documents tagged T' },
  },
  usesVault: true,
  args: ['DIR'],
  async run(ctx) {
    const dir = arg(ctx, 0);
    const format = stringOpt(ctx.values, 'format') ?? 'md';
    if (format !== 'md' && format !== 'json') throw usageError(`--format: md or json, got '${format}'`, 'export');
    const type = stringOpt(ctx.values, 'type');
    const tag = stringOpt(ctx.values, 'tag');
    const vault = await ctx.openVault();
    const summary = await exportVault(vault, dir, {
      format,
      versions: ctx.values['versions'] === true,
      ...(type !== undefined ? { type } : {}),
      ...(tag !== undefined ? { tag } : {}),
      onProgress: (done, total) => {
        if (done % 1000 === 0 || done === total) ctx.note(`exported ${done.toLocaleString('en')} of ${total.toLocaleString('en')} documents`);
      },
    });
    recordQuietly(vault, { event: 'export', outcome: summary.errors.length > 0 ? 'failed' : 'ok', count: summary.exported });
    if (ctx.json) ctx.out(toJson(summary));
    else {
      for (const e of summary.errors) ctx.out(`! ${e.id}: ${e.kind}: ${e.message}\n`);
      ctx.out(`Exported ${summary.exported.toLocaleString('en')} documents (${summary.versions.toLocaleString('en')} versions) to ${summary.files.toLocaleString('en')} files in ${dir}\n`);
    }
    return summary.errors.length > 0 ? EXIT.integrity : EXIT.ok;
  },
};
