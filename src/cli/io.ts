/**
 * The CLI's contact with the outside: streams, environment, files. Commands get a {@link CliIo}
 * instead of touching `process`, so output, input and environment stay in one place.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { DocvaultError } from '../shared/errors';

/** Output stream the CLI writes to. */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** A stream that also takes bytes and can say when its buffer drained (process.stdout, a file stream). */
interface ByteStream {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain' | 'error' | 'close', listener: () => void): unknown;
}

/**
 * Writes bytes to `stream`, waiting for it to drain when its buffer is full, so a slow reader of a
 * 256 MiB attachment holds back the reading instead of the whole file piling up in memory.
 */
export async function writeBytes(stream: OutStream, chunk: Uint8Array): Promise<void> {
  const s = stream as unknown as Partial<ByteStream>;
  if (typeof s.once !== 'function') {
    // A test's collector: it keeps text. Bytes go through as latin1 so each byte maps to one character.
    stream.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1'));
    return;
  }
  if ((s as ByteStream).write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => resolve();
    (s as ByteStream).once('drain', done);
    (s as ByteStream).once('close', done);
  });
}

/** Streams and environment of one CLI run. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process streams. Ignores EPIPE on stdout, so `docvault ls | head -1` ends quietly. */
export function processIo(): CliIo {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 exactly (a BOM is kept); `Invalid` on malformed bytes rather than replacing them. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new DocvaultError('Invalid', `${what}: not valid UTF-8 text (docvault stores text documents)`, { field: what });
  }
}

/** Maps a file-system error to a typed one that names the file but never its content. */
export function fsError(err: unknown, what: string): DocvaultError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT') return new DocvaultError('NotFound', `${what}: no such file`, undefined, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new DocvaultError('Invalid', `${what}: permission denied`, undefined, { cause: err });
  if (code === 'EISDIR') return new DocvaultError('Invalid', `${what}: is a directory`, undefined, { cause: err });
  if (code === 'EEXIST') return new DocvaultError('AlreadyExists', `${what}: already exists`, undefined, { cause: err });
  return new DocvaultError('Internal', `${what}: ${(err as Error).message}`, undefined, { cause: err });
}

function tooLarge(what: string, limit: number): DocvaultError {
  return new DocvaultError('TooLarge', `${what}: more than the limit of ${limit} bytes`, { field: what, limit });
}

/** Reads a whole file, refusing more than `limit` bytes without reading them all. */
export function readFileLimited(path: string, limit: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fsError(err, what);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new DocvaultError('Invalid', `${what}: is a directory`);
    if (st.isFile() && st.size > limit) throw tooLarge(what, limit);
    // Read in chunks, not by st.size: the file may be a FIFO or grow meanwhile.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge(what, limit);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    throw err instanceof DocvaultError ? err : fsError(err, what);
  } finally {
    closeSync(fd);
  }
}

/** Reads stdin to its end, refusing more than `limit` bytes. */
export async function readStdinLimited(stdin: NodeJS.ReadableStream, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    total += buf.length;
    if (total > limit) throw tooLarge(what, limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

/** The permission bits of a file that group or others have, or 0 (always 0 on Windows). */
export function looseModeBits(path: string): number {
  if (process.platform === 'win32') return 0;
  try {
    return statSync(path).mode & 0o077;
  } catch {
    return 0;
  }
}
