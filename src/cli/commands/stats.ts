/** `docvault stats`: sizes and counts. */
import type { Command } from '../command';
import { formatBytes, printable, toJson } from '../format';

/** `stats`: documents, versions, bytes and file layout of the vault. */
export const statsCommand: Command = {
  name: 'stats',
  summary: 'show counts and sizes',
  usage: '',
  description: [
    'Prints the number of documents and versions, content sizes (current versions, and all history), documents',
    'by type, attachments (stored files, the bytes they occupy after deduplication, and the bytes every version\'s',
    'attachments add up to; Trash included until purged), and the file size and page layout. --json prints the full stats object, including cache and',
    'per-operation latency counters (those only cover this one CLI run).',
  ].join('\n'),
  options: {},
  usesVault: true,
  args: [],
  async run(ctx) {
    const vault = await ctx.openVault();
    const s = vault.stats();
    if (ctx.json) {
      ctx.out(toJson(s));
      return 0;
    }
    const types = Object.entries(s.byType)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, n]) => `${t === '' ? '(none)' : printable(t)}: ${n}`)
      .join(', ');
    const rows: [string, string][] = [
      ['vault', printable(s.path)],
      ['encryption', s.encrypted ? (s.cipher ?? 'yes') : 'none (plain vault)'],
      ['schema', String(s.schemaVersion)],
      ['documents', String(s.documents)],
      ['versions', String(s.versions)],
      ['content', `${formatBytes(s.contentBytes)} current, ${formatBytes(s.historyBytes)} with history`],
      ['by type', types === '' ? '-' : types],
      [
        'attached',
        s.attachments.files === 0
          ? 'none'
          : `${s.attachments.files} stored ${s.attachments.files === 1 ? 'file' : 'files'}, ${formatBytes(s.attachments.storedBytes)} stored (${formatBytes(s.attachments.referencedBytes)} as the versions list them, before dedup)`,
      ],
      ['trash', s.trashed === 0 ? 'empty' : `${s.trashed} ${s.trashed === 1 ? 'document' : 'documents'} (not counted above)`],
      ['file', `${formatBytes(s.fileBytes)} (${s.pageCount} pages of ${s.pageSize} B, ${s.freelistCount} free), WAL ${formatBytes(s.walBytes)}`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    ctx.out(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
    return 0;
  },
};
