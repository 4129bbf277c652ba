/**
 * The attachment channels of the contract (`attachments.*`), over the store. Bytes cross the transports as
 * base64 in pieces (an upload piece is at most `chunkBytes`, a read at most `readMaxBytes`), so a 256 MiB
 * file never sits whole in a message, in the window, or in this process. Upload state lives in the engine:
 * it ends with commit or abort, when the store closes (lock), or after the idle time-out.
 */
import type { ChannelInputs, ChannelOutputs, PushEvent } from '../shared/contract';
import { DocvaultError } from '../shared/errors';
import type { WriteOptions } from '../shared/types';
import type { Store } from './store';

type AttachmentChannel = Extract<keyof ChannelInputs, `attachments.${string}`>;
type Handlers = { [C in AttachmentChannel]: (input: ChannelInputs[C]) => Promise<ChannelOutputs[C]> };

function writeOptions(i: { readonly expectedVersion?: number; readonly comment?: string }): WriteOptions {
  return { ...(i.expectedVersion === undefined ? {} : { expectedVersion: i.expectedVersion }), ...(i.comment === undefined ? {} : { comment: i.comment }) };
}

/** Decodes a schema-checked base64 piece. */
function decode(data: string): Buffer {
  const bytes = Buffer.from(data, 'base64');
  // The schema checked the alphabet and padding; a length that does not round-trip means it was not canonical.
  if (bytes.length !== Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0))
    throw new DocvaultError('Invalid', 'data: not canonical base64', { field: 'data' });
  return bytes;
}

/** Builds the `attachments.*` handlers over the open store. */
export function attachmentChannels(open: () => Store, emit: (e: PushEvent) => void): Handlers {
  const changed = (id: string, version: number): void => emit({ event: 'doc.changed', data: { id, change: 'updated', version } });
  return {
    'attachments.list': async (i) => open().attachments(i.id, i.version),
    'attachments.begin': async (i) =>
      open().beginAttachment(
        i.id,
        { name: i.name, ...(i.mediaType === undefined ? {} : { mediaType: i.mediaType }), ...(i.size === undefined ? {} : { size: i.size }) },
        writeOptions(i),
      ),
    'attachments.chunk': async (i) => open().putAttachmentChunk(i.uploadId, i.offset, decode(i.data)),
    'attachments.commit': async (i) => {
      const doc = await open().commitAttachment(i.id, i.uploadId, writeOptions(i));
      changed(doc.id, doc.version);
      return doc;
    },
    'attachments.abort': async (i) => {
      await open().abortAttachment(i.uploadId);
      return null;
    },
    'attachments.read': async (i) => {
      const r = await open().readAttachment(i.id, i.name, {
        ...(i.version === undefined ? {} : { version: i.version }),
        ...(i.offset === undefined ? {} : { offset: i.offset }),
        ...(i.length === undefined ? {} : { length: i.length }),
      });
      return { data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length).toString('base64'), offset: r.offset, size: r.size, eof: r.eof };
    },
    'attachments.detach': async (i) => {
      const doc = await open().detach(i.id, i.name, writeOptions(i));
      changed(doc.id, doc.version);
      return doc;
    },
  };
}
