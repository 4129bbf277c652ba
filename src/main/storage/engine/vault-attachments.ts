/**
 * The bodies of the Vault's attachment methods: each a timed operation over the AttachmentStore
 * (./attachments.ts), its writes in their own transaction, the versions they write cached like any write.
 */

import type { AttachmentBytes, AttachmentInfo, AttachmentReadOptions, AttachmentStart, UploadTicket } from '../../../shared/attachments';
import type { Document, DocumentInput, WriteOptions } from '../../../shared/types';
import type { VaultCore } from './vault-core';

/** `Vault.beginAttachment`: opens an upload of a file to attach to the live document `id`. */
export function beginAttachment(core: VaultCore, id: string, start: AttachmentStart, opts?: WriteOptions): UploadTicket {
  return core.op('beginAttachment', () => core.tx((w) => core.attachments.begin(w, id, start, opts)), id);
}

/** `Vault.putAttachmentChunk`: stores the piece of an upload that starts at `offset`. */
export function putAttachmentChunk(core: VaultCore, uploadId: string, offset: number, data: Uint8Array): { received: number } {
  return core.op('putAttachmentChunk', () => core.tx((w) => core.attachments.chunk(w, uploadId, offset, data)));
}

/** `Vault.commitAttachment`: ends an upload by writing the document's next version with the file attached. */
export function commitAttachment(core: VaultCore, id: string, uploadId: string, opts?: WriteOptions): Document {
  return core.writeDoc('commitAttachment', (w) => core.attachments.commit(w, id, uploadId, opts));
}

/** `Vault.putWithAttachments`: puts `input` carrying exactly the files of `uploads`, in one version. */
export function putWithAttachments(core: VaultCore, input: DocumentInput, uploads: readonly string[], opts?: WriteOptions): Document {
  return core.writeDoc('putWithAttachments', (w) => core.attachments.putWith(w, input, uploads, opts));
}

/** `Vault.abortAttachment`: drops an upload and every chunk only it named. */
export function abortAttachment(core: VaultCore, uploadId: string): void {
  core.op('abortAttachment', () => core.tx((w) => core.attachments.abort(w, uploadId)));
}

/** `Vault.detach`: writes the next version of `id` without attachment `name`. */
export function detach(core: VaultCore, id: string, name: string, opts?: WriteOptions): Document {
  return core.writeDoc('detach', (w) => core.attachments.detach(w, id, name, opts));
}

/** `Vault.attachments`: the verified attachments of the current version of `id`, or of `version`. */
export function listAttachments(core: VaultCore, id: string, version?: number): AttachmentInfo[] {
  return core.op('attachments', () => core.attachments.list(core.read, id, version), id);
}

/** `Vault.readAttachment`: up to `length` bytes of attachment `name` from `offset`, verified chunk by chunk. */
export function readAttachment(core: VaultCore, id: string, name: string, opts?: AttachmentReadOptions): AttachmentBytes {
  return core.op('readAttachment', () => core.attachments.read(core.read, id, name, opts), id);
}

/** `Vault.attachmentChunks`: every chunk of attachment `name` in order, each verified before it is yielded. */
export function* attachmentChunks(core: VaultCore, id: string, name: string, version?: number): Generator<Uint8Array, void, undefined> {
  core.conn();
  yield* core.attachments.chunks(core.read, id, name, version);
}
