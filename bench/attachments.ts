/**
 * The `attachments` trial: write and read throughput of attachments (MB/s), and a dedup check. Its unit is
 * bytes, not operations, so it runs beside the per-operation trials rather than through the driver table
 * (no peer stores files in chunks inside an encrypted vault to compare with).
 *
 * A fresh encrypted vault (raw key, file-backed, WAL); `files` × `fileBytes` of random bytes attached one
 * per version to a handful of documents through the engine's streaming path (pieces of 64 KiB, as a file
 * stream gives them), then every file read back chunk by chunk (each chunk verified), then the same files
 * attached again to other documents: the dedup check asserts that no chunk or stored file was added.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { Vault, attachStream } from '../src/main/storage';
import { generateRawKey } from '../src/main/storage/keys';

/** Options of {@link runAttachmentsTrial}. */
export interface AttachmentsTrialOptions {
  /** Scratch folder (created; removed afterwards). */
  readonly dir: string;
  /** Files to write. Default 64. */
  readonly files?: number;
  /** Bytes per file. Default 4 MiB. */
  readonly fileBytes?: number;
}

/** What the trial measured. */
export interface AttachmentsRecord {
  readonly trial: 'attachments';
  readonly files: number;
  readonly fileBytes: number;
  readonly writeMBps: number;
  readonly readMBps: number;
  /** Second write of the same files (stored once): MB/s of hashing and referencing only. */
  readonly dedupWriteMBps: number;
  /** Stored files and chunks after the first pass, and after attaching every file again. */
  readonly dedup: { readonly blobs: number; readonly chunks: number; readonly blobsAfter: number; readonly chunksAfter: number; readonly ok: boolean };
  readonly peakRssMb: number;
}

const PIECE = 64 * 1024;

function* pieces(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += PIECE) yield bytes.subarray(at, at + PIECE);
}

/** Rows of `table`, counted on a second connection keyed as SQLCipher 4 (the committed state). */
function count(path: string, keyHex: string, table: 'attachment_blobs' | 'attachment_chunks'): number {
  const db = new Database(path, { readonly: true });
  try {
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${keyHex}'"`);
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Runs the trial once. Memory stays bounded: one file's bytes are generated at a time. */
export async function runAttachmentsTrial(opts: AttachmentsTrialOptions): Promise<AttachmentsRecord> {
  const files = opts.files ?? 64;
  const fileBytes = opts.fileBytes ?? 4 * 1024 * 1024;
  mkdirSync(opts.dir, { recursive: true });
  const path = join(opts.dir, 'attachments.dvault');
  const keyHex = generateRawKey().toString('hex');
  const v = Vault.createSync(path, { key: { rawKey: keyHex } });
  let peak = process.memoryUsage().rss;
  const docs = 8;
  try {
    for (let d = 0; d < docs; d++) {
      v.create({ id: `doc-${d}`, content: `holder ${d}` });
      v.create({ id: `copy-${d}`, content: `copy ${d}` });
    }
    // Seeds, not bytes, are kept: file i is regenerated from its seed for the second pass.
    const seeds = Array.from({ length: files }, () => randomBytes(16));
    const fileOf = (i: number): Buffer => {
      const out = Buffer.allocUnsafe(fileBytes);
      const seed = seeds[i] as Buffer;
      for (let at = 0; at < fileBytes; at += 16) seed.copy(out, at, 0, Math.min(16, fileBytes - at));
      // Distinct chunks within a file too: stamp each 4 KiB with its offset.
      for (let at = 0; at + 8 <= fileBytes; at += 4096) out.writeUInt32BE(at, at);
      return out;
    };
    let t0 = performance.now();
    for (let i = 0; i < files; i++) {
      await attachStream(v, `doc-${i % docs}`, { name: `file-${i}.bin` }, pieces(fileOf(i)));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const writeS = (performance.now() - t0) / 1000;
    const blobs = count(path, keyHex, 'attachment_blobs');
    const chunks = count(path, keyHex, 'attachment_chunks');
    t0 = performance.now();
    let read = 0;
    for (let i = 0; i < files; i++) for (const c of v.attachmentChunks(`doc-${i % docs}`, `file-${i}.bin`)) read += c.length;
    const readS = (performance.now() - t0) / 1000;
    if (read !== files * fileBytes) throw new Error(`benchmark self-check failed: read ${read} bytes, wrote ${files * fileBytes}`);
    t0 = performance.now();
    for (let i = 0; i < files; i++) await attachStream(v, `copy-${i % docs}`, { name: `again-${i}.bin` }, pieces(fileOf(i)));
    const dedupS = (performance.now() - t0) / 1000;
    const blobsAfter = count(path, keyHex, 'attachment_blobs');
    const chunksAfter = count(path, keyHex, 'attachment_chunks');
    const mb = (files * fileBytes) / 1e6;
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      trial: 'attachments',
      files,
      fileBytes,
      writeMBps: mb / writeS,
      readMBps: mb / readS,
      dedupWriteMBps: mb / dedupS,
      dedup: { blobs, chunks, blobsAfter, chunksAfter, ok: blobs === files && blobsAfter === blobs && chunksAfter === chunks },
      peakRssMb: peak / 2 ** 20,
    };
  } finally {
    v.close();
    rmSync(opts.dir, { recursive: true, force: true });
  }
}
