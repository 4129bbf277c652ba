/**
 * verify(): every document's head and its whole chain of versions, the vault state (the set of
 * documents), the counters and tag rows against what the heads say, SQLite's own structure, and rows
 * that belong to no document. Pages that cannot be read are reported as `Corrupt` and skipped: verify goes
 * on through what is readable.
 */
import { DocvaultError } from '../../../shared/errors';
import type { Progress, VerifyOptions, VerifyProblem, VerifyReport } from '../../../shared/types';
import { macEqual, setTerm, sha256Hex, xorInto } from '../integrity';
import { VERSION_BITS } from '../migrations';
import { decodeState, stateValid } from '../vault-state';
import { VID_RANGE, isCorruption } from './db';
import { HEAD_COLUMNS, VERSION_COLUMNS, checkHead, checkVersion, readCounters, tagsOf, type HeadRow, type VersionRowWithContent } from './rows';
import type { ReadContext } from './statements';
import type { AttachmentStore } from './attachments';
import { AttachmentVerifier } from './attachments-verify';

const PAGE = 256;

/** What the heads say the counters and tag rows must be. */
class Expected {
  readonly counters: Map<string, number>;
  /** XOR of keyed terms over (tag, doc) pairs: compared with the same over the rows in `document_tags`. */
  readonly tagRows: Buffer;
  constructor(counters: [string, number][] = [], tagRows = Buffer.alloc(32)) {
    this.counters = new Map(counters);
    this.tagRows = tagRows;
  }
  add(key: string, n: number): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + n);
  }
}

/** Where a chunked verify stopped, and what it had gathered: the opaque `next` / `from` token. */
interface Resume {
  readonly v: 1;
  readonly last: number;
  readonly acc: string;
  readonly tagRows: string;
  readonly counters: [string, number][];
  readonly problems: VerifyProblem[];
  readonly damaged: boolean;
  readonly documents: number;
  readonly versions: number;
  readonly done: number;
  /** The vault state's commit sequence when the first chunk began. */
  readonly seq: number | null;
}

function encodeResume(r: Resume): string {
  return Buffer.from(JSON.stringify(r), 'utf8').toString('base64url');
}

function decodeResume(token: string): Resume {
  try {
    const r = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (r.v === 1 && Number.isSafeInteger(r.last) && /^[0-9a-f]{64}$/.test(r.acc) && /^[0-9a-f]{64}$/.test(r.tagRows) && Array.isArray(r.counters) && Array.isArray(r.problems)) return r;
  } catch {
    // fall through
  }
  throw new DocvaultError('Invalid', 'from: not a verify token from this vault', { field: 'from' });
}

function stateSeq(ctx: ReadContext): number | null {
  return decodeState(ctx.r.vaultState.get())?.seq ?? null;
}

function tagRowTerm(macKey: Uint8Array, tag: string, doc: number): Buffer {
  return setTerm(macKey, `${doc}\0${tag}`, Buffer.alloc(0));
}

/** How verify holds its read transaction: one snapshot, restarted after damage (SQLite fails every later read of a transaction that met a damaged page). */
export interface ReadTransaction {
  begin(): void;
  end(): void;
}

/**
 * Checks the whole vault in one read transaction (one snapshot, unless damage forces a new one), or, with
 * `maxMs`, one chunk of it: then the report carries `next` until the last chunk. The set, counter and
 * tag-row checks compare totals gathered across chunks, so they are skipped (and `skipped` says so) if the
 * vault changed between chunks. SQLite's `integrity_check` runs in the last chunk, in one piece.
 * `onProgress` is called every 1,000 rows and at the end.
 */
export function verifyVault(
  ctx: ReadContext,
  tx: ReadTransaction,
  onProgress?: (p: Progress) => void,
  opts: VerifyOptions = {},
  attachments?: AttachmentStore,
): Omit<VerifyReport, 'durationMs'> {
  const { db, macKey } = ctx;
  const files = attachments === undefined ? undefined : new AttachmentVerifier(ctx, attachments);
  const t0 = performance.now();
  const resume = opts.from !== undefined ? decodeResume(opts.from) : undefined;
  if (opts.maxMs !== undefined && !(typeof opts.maxMs === 'number' && opts.maxMs > 0))
    throw new DocvaultError('Invalid', 'maxMs: must be a number of milliseconds above 0', { field: 'maxMs' });
  const problems: VerifyProblem[] = resume?.problems ?? [];
  /** Set when damage hid rows: totals computed from what was readable would then mismatch for no new reason. */
  let damaged = resume?.damaged ?? false;
  let next: string | undefined;
  let skipped: string | undefined;
  let open = false;
  const corrupt = (err: unknown, where: string, id?: string): void => {
    if (!isCorruption(err)) throw err;
    damaged = true;
    problems.push({ kind: 'Corrupt', ...(id !== undefined ? { id } : {}), message: `${where}: unreadable (${(err as Error).message})` });
    if (open) {
      tx.end();
      tx.begin();
    }
  };
  let total = 0;
  try {
    const totals = readCounters(ctx.r.counters);
    total = totals.versions + totals.documents;
  } catch (err) {
    corrupt(err, 'counters');
  }
  let done = resume?.done ?? 0;
  let versions = resume?.versions ?? 0;
  let documents = resume?.documents ?? 0;
  const tick = (phase: string, n = 1): void => {
    const before = done;
    done += n;
    if (onProgress !== undefined && Math.floor(before / 1000) !== Math.floor(done / 1000)) onProgress({ done, total: Math.max(total, done), phase });
  };
  const expected = new Expected(resume?.counters, resume !== undefined ? Buffer.from(resume.tagRows, 'hex') : undefined);
  const acc = resume !== undefined ? Buffer.from(resume.acc, 'hex') : Buffer.alloc(32);
  // Damage met inside is reported where it is met; what escapes (SQLite can fail the read transaction's
  // own COMMIT after such an error) is reported too, with what was checked kept.
  tx.begin();
  open = true;
  try {
    readAll();
  } finally {
    open = false;
    tx.end();
  }
  function readAll(): void {
    const heads = db.prepare(`SELECT ${HEAD_COLUMNS} FROM documents d WHERE d.doc > ? ORDER BY d.doc LIMIT ${PAGE}`);
    const history = db.prepare(`SELECT ${VERSION_COLUMNS}, v.content FROM documents d JOIN versions v ON v.vid BETWEEN ${VID_RANGE('d.doc')} WHERE d.doc = ? ORDER BY v.vid`);
    let last = resume?.last ?? 0;
    let skip = 1;
    const seq = resume !== undefined ? resume.seq : stateSeq(ctx);
    const overBudget = (): boolean => opts.maxMs !== undefined && performance.now() - t0 >= opts.maxMs;
    for (;;) {
      let page: HeadRow[];
      try {
        page = heads.all(last) as HeadRow[];
        skip = 1;
      } catch (err) {
        // A damaged page of the documents table: report it, and step past it as far as needed.
        corrupt(err, `documents after row ${last}`);
        if (skip > 2 ** 30) break;
        last += skip;
        skip *= 2;
        continue;
      }
      if (page.length === 0) break;
      for (const head of page) {
        last = head.doc;
        documents++;
        checkDocument(ctx, head, history, problems, expected, corrupt, (n) => {
          versions += n;
          tick('versions', n);
        }, files);
        xorInto(acc, setTerm(macKey, head.id, head.head_mac));
        tick('documents');
        if (overBudget()) break;
      }
      if (overBudget()) {
        next = encodeResume({ v: 1, last, acc: acc.toString('hex'), tagRows: expected.tagRows.toString('hex'), counters: [...expected.counters], problems, damaged, documents, versions, done, seq });
        return;
      }
    }
    const changed = stateSeq(ctx) !== seq;
    if (damaged) skipped = 'the set, counter and tag-row checks: damaged pages hid rows';
    else if (changed) skipped = 'the set, counter and tag-row checks: the vault changed between chunks (run verify again)';
    try {
      checkState(ctx, damaged || changed ? undefined : acc, problems);
      if (!damaged && !changed) {
        checkCounters(ctx, expected, problems);
        checkTagRows(ctx, expected, problems);
      }
      for (const row of db.prepare(`SELECT v.vid >> ${VERSION_BITS} AS doc, count(*) AS n FROM versions v LEFT JOIN documents d ON d.doc = v.vid >> ${VERSION_BITS} WHERE d.doc IS NULL GROUP BY 1`).all() as { doc: number; n: number }[])
        problems.push({ kind: 'Sqlite', message: `${row.n} version(s) belong to no document (row ${row.doc})` });
    } catch (err) {
      corrupt(err, 'vault state, counters or tag rows');
    }
    try {
      // In one piece, in the last chunk (one snapshot), like integrity_check.
      files?.finish(problems);
    } catch (err) {
      corrupt(err, 'attachment reference counts');
    }
  }
  if (next !== undefined) return { ok: problems.length === 0, documents, versions, problems: [...problems], next };
  try {
    problems.push(...integrityCheckProblems((db.pragma('integrity_check') as { integrity_check: string }[]).map((l) => l.integrity_check)));
  } catch (err) {
    corrupt(err, 'integrity_check');
  }
  onProgress?.({ done: Math.max(total, done), total: Math.max(total, done), phase: 'done' });
  return { ok: problems.length === 0, documents, versions, problems, ...(skipped !== undefined ? { skipped } : {}) };
}

/** SQLite reports a page it could not read (damaged or failing its page HMAC) in lines like these. */
const UNREADABLE_PAGE = /unable to get the page|failed to get page|error code=11\b/;

/**
 * `integrity_check`'s lines as problems. A page that cannot be read makes SQLite report it and, as a
 * consequence, every page below it as "never used": one `Corrupt` problem then says so (with the first
 * lines), instead of a hundred lines that read like separate faults. Other lines are `Sqlite` problems.
 */
export function integrityCheckProblems(lines: readonly string[]): VerifyProblem[] {
  const bad = lines.filter((l) => l !== 'ok');
  if (!bad.some((l) => UNREADABLE_PAGE.test(l))) return bad.map((message) => ({ kind: 'Sqlite', message }));
  const shown = bad.slice(0, 4).join('; ');
  return [{ kind: 'Corrupt', message: `SQLite's check found unreadable pages (damaged or altered): ${shown}${bad.length > 4 ? `; and ${bad.length - 4} more lines` : ''}` }];
}

/** One document: its head, its chain of versions with their content, and what it adds to the expected totals. */
function checkDocument(
  ctx: ReadContext,
  head: HeadRow,
  history: ReturnType<ReadContext['db']['prepare']>,
  problems: VerifyProblem[],
  expected: Expected,
  corrupt: (err: unknown, where: string, id?: string) => void,
  counted: (n: number) => void,
  files: AttachmentVerifier | undefined,
): void {
  const { id } = head;
  try {
    checkHead(ctx.macKey, head);
  } catch (err) {
    problems.push({ kind: 'Head', id, version: head.version, message: (err as Error).message });
  }
  let rows: VersionRowWithContent[];
  try {
    rows = history.all(head.doc) as VersionRowWithContent[];
  } catch (err) {
    corrupt(err, `versions of "${id}"`, id);
    return;
  }
  counted(rows.length);
  let prev: Buffer | null = null;
  let prevVersion = 0;
  let historyBytes = 0;
  let current: VersionRowWithContent | undefined;
  for (const row of rows) {
    try {
      checkVersion(ctx.macKey, row, prev);
      if (sha256Hex(row.content) !== row.checksum) problems.push({ kind: 'Checksum', id, version: row.version, message: 'content checksum mismatch' });
      else if (Buffer.byteLength(row.content, 'utf8') !== row.size) problems.push({ kind: 'Checksum', id, version: row.version, message: 'size mismatch' });
      // Only a list its tag vouches for is followed to the files.
      try {
        files?.checkVersion(row, problems);
      } catch (err) {
        corrupt(err, `attachments of "${id}" version ${row.version}`, id);
      }
    } catch (err) {
      const broken = prev !== null || row.version > 1 ? 'History' : 'Integrity';
      problems.push({ kind: broken, id, version: row.version, message: (err as Error).message });
    }
    if (row.version !== prevVersion + 1)
      problems.push({ kind: 'History', id, version: row.version, message: `version ${row.version} does not follow the version before it: a version is missing` });
    prev = row.mac;
    prevVersion = row.version;
    historyBytes += row.size;
    if (row.version === head.version) current = row;
  }
  const newest = rows[rows.length - 1]?.version;
  if (newest !== head.version) problems.push({ kind: 'Head', id, version: head.version, message: `head is at version ${head.version} but version ${newest ?? 'none'} is the newest` });
  else if (current === undefined || head.version_mac === null || !macEqual(current.mac, head.version_mac) || current.checksum !== head.checksum)
    problems.push({ kind: 'Head', id, version: head.version, message: 'head does not match its current version' });
  if (head.trashed_at !== null) {
    expected.add('trash_documents', 1);
    return;
  }
  expected.add('documents', 1);
  expected.add('versions', rows.length);
  expected.add('content_bytes', head.size);
  expected.add('history_bytes', historyBytes);
  expected.add(`type:${head.type}`, 1);
  try {
    for (const tag of tagsOf(head.tags, id, head.version)) {
      expected.add(`tag:${tag}`, 1);
      xorInto(expected.tagRows, tagRowTerm(ctx.macKey, tag, head.doc));
    }
  } catch (err) {
    problems.push({ kind: 'Head', id, version: head.version, message: (err as Error).message });
  }
}

/** The vault state: its tag, and its accumulator against the one just computed from the heads. */
function checkState(ctx: ReadContext, acc: Buffer | undefined, problems: VerifyProblem[]): void {
  const state = decodeState(ctx.r.vaultState.get());
  if (state === undefined) {
    problems.push({ kind: 'Vault', message: 'the vault state is missing or malformed' });
    return;
  }
  if (!stateValid(ctx.macKey, state)) problems.push({ kind: 'Vault', message: 'the vault state tag does not verify: it was altered outside docvault' });
  if (acc !== undefined && !macEqual(state.acc, acc))
    problems.push({ kind: 'Vault', message: 'the set of documents does not match the vault state: a document was deleted, added or rolled back to an older version outside docvault' });
}

/** The running totals against what the heads and versions say. */
function checkCounters(ctx: ReadContext, expected: Expected, problems: VerifyProblem[]): void {
  // The 'state' row holds the vault state (checked above), not a total.
  const stored = new Map((ctx.r.counters.all() as { key: string; n: number }[]).filter((r) => r.key !== 'state').map((r) => [r.key, r.n]));
  for (const key of ['documents', 'versions', 'content_bytes', 'history_bytes', 'trash_documents']) if (!expected.counters.has(key)) expected.counters.set(key, 0);
  const keys = new Set([...stored.keys(), ...expected.counters.keys()]);
  for (const key of keys) {
    const want = expected.counters.get(key) ?? 0;
    const have = stored.get(key) ?? 0;
    if (want !== have) problems.push({ kind: 'Vault', message: `counter "${key}" is ${have}, but the documents say ${want}` });
  }
}

/** The tag rows (what tag filters use) against the heads' own tag lists. */
function checkTagRows(ctx: ReadContext, expected: Expected, problems: VerifyProblem[]): void {
  const actual = Buffer.alloc(32);
  for (const t of ctx.db.prepare('SELECT tag, doc FROM document_tags').iterate() as IterableIterator<{ tag: string; doc: number }>) xorInto(actual, tagRowTerm(ctx.macKey, t.tag, t.doc));
  if (!macEqual(actual, expected.tagRows)) {
    const orphans = ctx.db.prepare('SELECT t.tag, t.doc FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE d.doc IS NULL OR d.trashed_at IS NOT NULL').all() as { tag: string; doc: number }[];
    for (const t of orphans) problems.push({ kind: 'Sqlite', message: `tag "${t.tag}" belongs to no live document (row ${t.doc})` });
    if (orphans.length === 0) problems.push({ kind: 'Vault', message: "the tag rows do not match the documents' tags: a tag row was added or removed outside docvault" });
  }
  // The copy of updated_at each tag row carries (schema step 5) orders the tag pages: a stale one would list out of order.
  const stale = ctx.db
    .prepare('SELECT t.tag, d.id FROM document_tags t JOIN documents d ON d.doc = t.doc WHERE t.updated_at IS NOT d.updated_at LIMIT 100')
    .all() as { tag: string; id: string }[];
  for (const t of stale) problems.push({ kind: 'Vault', message: `tag "${t.tag}" of "${t.id}" carries another update time than its document (tag pages would list it out of order)` });
}
