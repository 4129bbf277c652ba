/** `docvault attach`, `attachments`, `detach`: files on documents from the command line; `get --attachment` reads one. */
import { closeSync, createReadStream, createWriteStream, linkSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { attachStream, type Vault } from '../../main/storage';
import { mediaTypeOf, type AttachmentInfo } from '../../shared/attachments';
import { DocvaultError } from '../../shared/errors';
import { stringOpt, usageError, wholeOpt } from '../args';
import { arg, type Command, type CommandContext } from '../command';
import { formatBytes, plural, renderTable, toJson } from '../format';
import { fsError, writeBytes } from '../io';

/** `attach`: a new version of ID with FILE attached (`-`: standard input, with --name). */
export const attachCommand: Command = {
  name: 'attach',
  summary: 'attach a file to a document (a new version)',
  usage: 'ID FILE [--name NAME] [--type MIME]',
  description: [
    'Stores FILE inside the vault (encrypted with it) and writes a new version of document ID that carries it,',
    'under the file name or --name. An attachment of the same name is replaced (history keeps the old one).',
    'FILE `-` reads standard input (then --name is required). Up to 256 MiB; the file is read in pieces,',
    'and a file already stored (in any version or document) is not stored twice. --type sets the media type',
    '(default: from the name\'s extension, else application/octet-stream).',
  ].join('\n'),
  options: {
    name: { type: 'string', value: 'NAME', help: 'the attachment name (default: the file name)' },
    type: { type: 'string', value: 'MIME', help: 'the media type, e.g. application/pdf' },
  },
  usesVault: true,
  args: ['ID', 'FILE'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const file = arg(ctx, 1);
    const fromStdin = file === '-';
    const name = stringOpt(ctx.values, 'name') ?? (fromStdin ? undefined : basename(file));
    if (name === undefined) throw usageError('--name is required when FILE is - (standard input)', 'attach');
    let size: number | undefined;
    if (!fromStdin) {
      try {
        const st = statSync(file);
        if (!st.isFile()) throw new DocvaultError('Invalid', `${file}: not a regular file`, { field: 'FILE' });
        size = st.size;
      } catch (err) {
        throw err instanceof DocvaultError ? err : fsError(err, file);
      }
    }
    const vault = await ctx.openVault();
    const source = fromStdin ? ctx.io.stdin : createReadStream(file, { highWaterMark: 256 * 1024 });
    let doc;
    try {
      doc = await attachStream(vault, id, { name, mediaType: stringOpt(ctx.values, 'type') ?? mediaTypeOf(name), ...(size === undefined ? {} : { size }) }, source as AsyncIterable<Uint8Array>);
    } catch (err) {
      throw err instanceof DocvaultError || (err as NodeJS.ErrnoException).code === undefined ? err : fsError(err, file);
    }
    const entry = doc.attachments?.find((a) => a.name === name);
    ctx.out(ctx.json ? toJson({ id: doc.id, version: doc.version, attachment: entry }) : `Attached ${name} (${formatBytes(entry?.size ?? 0)}) to ${doc.id}: version ${doc.version}\n`);
    return 0;
  },
};

/** The table of a version's attachments. */
function attachmentTable(list: readonly AttachmentInfo[]): string {
  return renderTable(list, [
    { header: 'SIZE', align: 'right', value: (a) => formatBytes(a.size) },
    { header: 'TYPE', value: (a) => a.mediaType },
    { header: 'NAME', value: (a) => a.name },
  ]);
}

/** `attachments`: lists the attachments of ID's current version, or of --version N. */
export const attachmentsCommand: Command = {
  name: 'attachments',
  summary: 'list the attachments of a document',
  usage: 'ID [--version N]',
  description: [
    'Lists the attachments of document ID (its current version, or version N): size, media type, name.',
    'With --json, a list of { name, size, mediaType, ref }; equal `ref`s are equal files.',
  ].join('\n'),
  options: {
    version: { type: 'string', value: 'N', help: 'list version N instead of the current one' },
  },
  usesVault: true,
  args: ['ID'],
  async run(ctx) {
    const id = arg(ctx, 0);
    const version = wholeOpt(ctx.values, 'version', 'attachments', 1);
    const vault = await ctx.openVault();
    const list = vault.attachments(id, version);
    if (ctx.json) ctx.out(toJson(list));
    else if (list.length === 0) ctx.out(`${id} has no attachments\n`);
    else ctx.out(attachmentTable(list) + `${plural(list.length, 'attachment')}\n`);
    return 0;
  },
};

/** `detach`: a new version of ID without attachment NAME. */
export const detachCommand: Command = {
  name: 'detach',
  summary: 'remove an attachment from a document (a new version)',
  usage: 'ID NAME',
  description: 'Writes a new version of document ID without attachment NAME. Older versions keep it (purge the document to erase it).',
  options: {},
  usesVault: true,
  args: ['ID', 'NAME'],
  async run(ctx) {
    const vault = await ctx.openVault();
    const doc = vault.detach(arg(ctx, 0), arg(ctx, 1));
    ctx.out(ctx.json ? toJson({ id: doc.id, version: doc.version, attachments: doc.attachments ?? [] }) : `Detached ${arg(ctx, 1)} from ${doc.id}: version ${doc.version}\n`);
    return 0;
  },
};

/**
 * Writes attachment `name` of `id` to stdout, or to `out` (all or nothing: a temporary file beside it,
 * renamed into place once every verified chunk is written; an existing `out` is refused).
 */
export async function writeAttachment(ctx: CommandContext, vault: Vault, id: string, name: string, version: number | undefined, out: string | undefined): Promise<void> {
  if (out === undefined) {
    for (const chunk of vault.attachmentChunks(id, name, version)) await writeBytes(ctx.io.stdout, chunk);
    return;
  }
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.part`);
  try {
    closeSync(openSync(tmp, 'wx', 0o600));
  } catch (err) {
    throw fsError(err, out);
  }
  try {
    const stream = createWriteStream(tmp, { flags: 'w' });
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    for (const chunk of vault.attachmentChunks(id, name, version)) await Promise.race([writeBytes(stream, chunk), failed]);
    await Promise.race([new Promise<void>((resolve) => stream.end(resolve)), failed]);
    // link + unlink: fails when `out` exists, where rename would replace it.
    linkSync(tmp, out);
  } catch (err) {
    throw err instanceof DocvaultError ? err : fsError(err, out);
  } finally {
    rmSync(tmp, { force: true });
  }
}
