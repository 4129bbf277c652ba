/** `docvault put`: writes a document from a file or stdin. */
import { LIMITS, type Document, type DocumentInput, type DocumentSummary } from '../../shared/types';
import { flag, stringOpt, stringsOpt, usageError, wholeOpt } from '../args';
import type { Command } from '../command';
import { formatBytes, printable, toJson } from '../format';
import { decodeUtf8, readFileLimited, readStdinLimited } from '../io';

/** A document without its content, for output after a write. */
export function summaryOf(doc: Document): DocumentSummary {
  const { content: _content, ...summary } = doc;
  return summary;
}

/** `put`: creates the document, or writes its next version. */
export const putCommand: Command = {
  name: 'put',
  summary: 'create a document or write its next version',
  usage: '--id ID [--title T] [--type T] [--tag T]... [--clear-tags] [--comment C] [--expected-version N] [--file FILE]',
  description: [
    'Writes the content of FILE (or of stdin when --file is absent or "-") as a new version of document ID,',
    'creating the document if it does not exist. Content must be UTF-8 text; it is stored byte for byte.',
    'Title, type and tags not given keep their current values; --tag replaces all tags, --clear-tags removes them.',
    '--expected-version N fails with Conflict (exit 4) unless the document is at version N (0 = must not exist).',
  ].join('\n'),
  options: {
    id: { type: 'string', value: 'ID', help: 'document id (required)' },
    title: { type: 'string', value: 'T', help: 'title' },
    type: { type: 'string', value: 'T', help: 'type, e.g. note' },
    tag: { type: 'string', value: 'T', multiple: true, help: 'tag (repeat for several); replaces the tags' },
    'clear-tags': { type: 'boolean', help: 'remove every tag' },
    comment: { type: 'string', value: 'C', help: 'comment stored with this version' },
    'expected-version': { type: 'string', value: 'N', help: 'fail with Conflict unless the document is at version N' },
    file: { type: 'string', short: 'f', value: 'FILE', help: 'read the content from FILE ("-" = stdin, the default)' },
  },
  usesVault: true,
  args: [],
  async run(ctx) {
    const id = stringOpt(ctx.values, 'id');
    if (id === undefined) throw usageError('put needs --id ID', 'put');
    const tags = stringsOpt(ctx.values, 'tag');
    const clearTags = flag(ctx.values, 'clear-tags');
    if (clearTags && tags.length > 0) throw usageError('give --tag or --clear-tags, not both', 'put');
    const expectedVersion = wholeOpt(ctx.values, 'expected-version', 'put');
    const comment = stringOpt(ctx.values, 'comment');
    const file = stringOpt(ctx.values, 'file');
    const limit = LIMITS.defaultMaxContentBytes;
    let bytes: Buffer;
    if (file === undefined || file === '-') {
      if (ctx.io.stdin.isTTY === true) ctx.note('Reading the content from the terminal; end it with Ctrl-D.');
      bytes = await readStdinLimited(ctx.io.stdin, limit, 'content');
    } else {
      bytes = readFileLimited(file, limit, `content file ${file}`);
    }
    const content = decodeUtf8(bytes, 'content');
    const title = stringOpt(ctx.values, 'title');
    const type = stringOpt(ctx.values, 'type');
    const input: DocumentInput = {
      id,
      content,
      ...(title !== undefined ? { title } : {}),
      ...(type !== undefined ? { type } : {}),
      ...(tags.length > 0 ? { tags } : clearTags ? { tags: [] } : {}),
    };
    const vault = await ctx.openVault();
    const doc = vault.put(input, {
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      ...(comment !== undefined ? { comment } : {}),
    });
    if (ctx.json) ctx.out(toJson(summaryOf(doc)));
    else ctx.out(`${doc.version === 1 ? 'Created' : 'Updated'} ${printable(doc.id)} version ${doc.version} (${formatBytes(doc.size)})\n`);
    return 0;
  },
};
