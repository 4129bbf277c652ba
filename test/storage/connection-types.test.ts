/**
 * Reading and writing connections are different types: `npm run typecheck` fails if a reader's
 * connection can be handed to a write function (the `@ts-expect-error` lines would then be unused).
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { asReadable, asWritable, type ReadableDB } from '../../src/main/storage/engine/db';
import { prepareReads, prepareWrites, type WriteContext } from '../../src/main/storage/engine/statements';
import { trashOne } from '../../src/main/storage/engine/writes';
import { migrate } from '../../src/main/storage';

describe('ReadableDB / WritableDB', () => {
  it('a writer is also a reader; a reader is refused by every write function at compile time', () => {
    const raw = new Database(':memory:');
    migrate(raw);
    const writer = asWritable(raw);
    const asReader: ReadableDB = writer; // a writable connection may be read through
    expect(Object.keys(prepareReads(asReader))).toContain('getCurrent');
    const reader = asReadable(raw);
    // @ts-expect-error a ReadableDB is not a WritableDB
    const stmts = prepareWrites(reader);
    expect(Object.keys(stmts)).toContain('insertDoc');
    const readCtx = { db: reader, r: prepareReads(reader) };
    // @ts-expect-error a read context lacks the writable connection and write statements
    const asWrite: WriteContext = readCtx;
    expect(asWrite.db).toBe(raw);
    expect(() => trashOne({ ...asWrite, w: stmts, macKey: Buffer.alloc(32) } as WriteContext, 'none', undefined)).toThrow(expect.objectContaining({ kind: 'NotFound' }));
    raw.close();
  });
});
