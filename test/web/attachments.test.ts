/** Attachments over the web twin's real HTTP (JSON bodies, base64 pieces): a browser's upload and download, byte for byte, within the default body limit. */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { startWebServer, type WebServer } from '../../src/web/server';
import { HTTP, type AttachmentPiece, type Result } from '../../src/shared/contract';
import type { UploadTicket } from '../../src/shared/attachments';
import { vaultStoreFactory } from '../../src/app/store';
import { tempDir } from '../helpers/tmp';

let done: (() => Promise<void>) | undefined;
afterEach(async () => done?.());

async function call<T>(server: WebServer, channel: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.origin.replace(/\/$/, '')}${HTTP.apiPrefix}${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: server.token },
    body: JSON.stringify(input),
  });
  const r = (await res.json()) as Result<T>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

describe('attachments over HTTP', () => {
  it('uploads in base64 pieces and reads back the same bytes', async () => {
    const t = tempDir();
    const renderer = join(t.dir, 'renderer');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');
    const backend = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory });
    const server = await startWebServer({ backend, rendererDir: renderer });
    done = async () => {
      await server.close();
      await backend.close();
      t.cleanup();
    };
    await backend.create('pass phrase');
    await call(server, 'doc.create', { document: { id: 'a', content: 'x' } });
    const bytes = randomBytes(600_000);
    const ticket = await call<UploadTicket>(server, 'attachments.begin', { id: 'a', name: 'photo.jpg', mediaType: 'image/jpeg', size: bytes.length });
    for (let at = 0; at < bytes.length; at += ticket.chunkBytes)
      await call(server, 'attachments.chunk', { uploadId: ticket.uploadId, offset: at, data: bytes.subarray(at, at + ticket.chunkBytes).toString('base64') });
    const doc = await call<{ version: number }>(server, 'attachments.commit', { id: 'a', uploadId: ticket.uploadId });
    expect(doc.version).toBe(2);
    const parts: Buffer[] = [];
    for (let offset = 0; ; ) {
      const p = await call<AttachmentPiece>(server, 'attachments.read', { id: 'a', name: 'photo.jpg', offset, length: 250_000 });
      const b = Buffer.from(p.data, 'base64');
      parts.push(b);
      offset += b.length;
      if (p.eof) break;
    }
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });
});
