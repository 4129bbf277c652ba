/**
 * What the one-table drivers (`raw`, `plain`, `signal`) share: raw's table, its statements, the engine's
 * pragmas, the trials it cannot run, and the session over them. Each binding only prepares the statements in its own dialect
 * (better-sqlite3's `.pluck()` and spread parameters, Signal's options and arrays) and wraps them as
 * {@link OneTableStatements}, so the bindings run the same SQL and the comparison is the binding alone.
 */
import { MEMORY_PRESETS } from '../../src/main/storage';
import type { BenchDoc, DriverSession } from '../types';

/** The engine's pragmas, applied after keying, so the difference is what docvault adds, not how SQLite is tuned. */
export function enginePragmas(encrypted: boolean): string[] {
  const t = MEMORY_PRESETS.standard;
  return [
    'journal_mode = WAL',
    'synchronous = FULL',
    'foreign_keys = ON',
    'secure_delete = ON',
    'temp_store = MEMORY',
    'busy_timeout = 5000',
    `cache_size = -${t.sqliteCacheKiB}`,
    `mmap_size = ${encrypted ? 0 : t.mmapBytes}`,
  ];
}

/** raw's one table. */
export const DOCS_TABLE = 'CREATE TABLE docs (id TEXT PRIMARY KEY NOT NULL, content TEXT NOT NULL) STRICT';

/** raw's statements (every one-table driver prepares these exact strings). */
export const DOCS_SQL = {
  get: 'SELECT content FROM docs WHERE id = ?',
  exists: 'SELECT 1 FROM docs WHERE id = ?',
  insert: 'INSERT INTO docs (id, content) VALUES (?, ?)',
  update: 'UPDATE docs SET content = ? WHERE id = ?',
} as const;

/** Documents per seed transaction. */
export const SEED_BATCH = 1000;

/** Why a one-table driver cannot run a trial (undefined: it can). */
export function oneTableUnsupported(trial: string): string | undefined {
  if (trial === 'history+diff') return 'no versions: one table id→content keeps only the latest content';
  if (trial === 'list-page') return 'no updated time or summary columns: one table id→content';
  if (trial === 'search') return 'no full-text index: one table id→content';
  return undefined;
}

/** The caveats of a synchronous SQLCipher binding over raw's table. */
export function oneTableCaveats(trial: string): string[] {
  if (trial === 'save-concurrent') return ['sync library called through an async wrapper: calls are serialized'];
  if (trial === 'open-passphrase') return ["SQLCipher 4's own KDF (PBKDF2-SHA512, 256k iterations), not Argon2id"];
  return [];
}

/** {@link DOCS_SQL}, prepared by one binding. */
export interface OneTableStatements {
  /** The content, or undefined when there is no such document. */
  get(id: string): unknown;
  /** Any value, or undefined when there is no such document. */
  exists(id: string): unknown;
  insert(id: string, content: string): unknown;
  /** The run result; `changes` counts the rows updated. */
  update(content: string, id: string): { readonly changes: number };
  /** Inserts the documents in one write transaction. */
  insertMany(docs: readonly BenchDoc[]): void;
  /** Reads the contents in one read transaction. */
  getMany(ids: readonly string[]): unknown[];
  close(): void;
}

/** A session over raw's table, whichever binding prepared the statements. */
export class OneTableSession implements DriverSession {
  readonly #s: OneTableStatements;

  constructor(statements: OneTableStatements) {
    this.#s = statements;
  }
  get(id: string): unknown {
    const content = this.#s.get(id);
    if (content === undefined) throw new Error(`no document ${id}`);
    return content;
  }
  exists(id: string): boolean {
    return this.#s.exists(id) !== undefined;
  }
  save(doc: BenchDoc): unknown {
    return this.#s.insert(doc.id, doc.content);
  }
  update(id: string, content: string): unknown {
    const r = this.#s.update(content, id);
    if (r.changes !== 1) throw new Error(`no document ${id}`);
    return r;
  }
  bulkSave(docs: readonly BenchDoc[]): unknown {
    this.#s.insertMany(docs);
    return docs.length;
  }
  bulkGet(ids: readonly string[]): unknown {
    return this.#s.getMany(ids);
  }
  listPage(): never {
    throw new Error('unsupported');
  }
  search(): never {
    throw new Error('unsupported');
  }
  historyDiff(): never {
    throw new Error('unsupported');
  }
  notes(): string[] {
    return [];
  }
  close(): void {
    this.#s.close();
  }
}
