/**
 * verify(): every document's head and its whole chain of versions, the vault state (the set of
 * documents), the counters and tag rows against what the heads say, the search index's rows against the
 * heads, SQLite's own structure (deep: of the whole file, and FTS5's checks), and rows that belong to no
 * document. Pages that cannot be read are reported as `Corrupt` and skipped: verify goes
 * on through what is readable.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError } from '../../../shared/errors';
import type { Progress, VerifyOptions, VerifyProblem, VerifyReport } from '../../../shared/types';
import { macEqual, setTerm, xorInto } from '../integrity';
import { AttachmentVerifier } from './attachments-verify';
import { Expected, TagRowKeys, TagRowSum, checkCounters, checkDocument, checkState, diagnoseTagRows } from './verify-checks';
import { VERSION_BITS } from '../migrations';
import { decodeState } from '../vault-state';
import { VID_RANGE, isCorruption } from './db';
import { decodeResume, encodeResume, type Phase } from './verify-resume';
import { EntryKeys } from './verify-digest';
import { tagRowMisfit } from './verify-types';
import { deepIndexPhase, indexPhase, sqlitePhase, type DerivedAt, type DerivedRun, type VerifyExtras } from './verify-derived';
import { HEAD_COLUMNS_RAW, VERSION_COLUMNS, headOf, macOf, readCounters, type HeadRow, type VersionRowWithContent } from './rows';
import type { ReadContext } from './statements';
import { PENDING_COUNT_SQL } from '../search-mark-schema';

const PAGE = 256;

function stateSeq(ctx: ReadContext): number | null {
  return decodeState(ctx.r.vaultState.get())?.seq ?? null;
}

export type { VerifyExtras } from './verify-derived';

/** How verify holds its read transaction: one snapshot, restarted after damage (SQLite fails every later read of a transaction that met a damaged page). */
export interface ReadTransaction {
  begin(): void;
  end(): void;
}

/**
 * A version row as verify streams it (a `.raw()` array: no row object to build and drop per version): the
 * version's own columns, without its document's (the head already has them), in this order.
 */
type StreamedVersion = [
  vid: number,
  version: number,
  created_at: number,
  /** Hex text (see HEAD_COLUMNS_RAW: cheaper than a BLOB's Buffer of its own). */
  mac: string,
  size: number,
  checksum: string,
  comment: string | null,
  title: string,
  type: string,
  tags: string,
  metadata: string,
  content: string,
  attachments: string | null,
];

const DOC_SPAN = 2 ** VERSION_BITS;
/** Tag rows read per statement in the tag-row sweep. */
const TAG_PAGE = 1000;

/**
 * Checks the whole vault in one read transaction (one snapshot, unless damage forces a new one), or, with
 * `maxMs`, one chunk of it: then the report carries `next` until the last chunk. Phases: every document
 * with its versions (streamed in rowid order, one statement per page of heads), the tag rows (in key
 * order), SQLite's own check (one table per step; at the default depth a table's indexes are compared
 * with its rows by scans that can stop between pages; deep and without `maxMs`, the whole file in one call
 * — see docs/api.md for what runs in one piece), and the search index's rows against the heads (deep:
 * FTS5's comparison with its text, when the connection can run it): ./verify-derived.ts. The set, counter
 * and tag-row checks compare totals gathered across chunks, so they are skipped (and `skipped` says so) if
 * the vault changed between chunks. `onProgress` is called every
 * 1,000 rows and at the end.
 */
export function verifyVault(
  ctx: ReadContext,
  tx: ReadTransaction,
  onProgress?: (p: Progress) => void,
  opts: VerifyOptions = {},
  extras: VerifyExtras = {},
): Omit<VerifyReport, 'durationMs'> {
  const { macKey } = ctx;
  const files = extras.attachments === undefined ? undefined : new AttachmentVerifier(ctx, extras.attachments);
  const t0 = performance.now();
  const resume = opts.from !== undefined ? decodeResume(opts.from) : undefined;
  if (opts.maxMs !== undefined && !(typeof opts.maxMs === 'number' && opts.maxMs > 0))
    throw new DocvaultError('Invalid', 'maxMs: must be a number of milliseconds above 0', { field: 'maxMs' });
  if (opts.deep !== undefined && typeof opts.deep !== 'boolean') throw new DocvaultError('Invalid', 'deep: must be true or false', { field: 'deep' });
  if (resume !== undefined && opts.deep !== undefined && opts.deep !== (resume.deep === true))
    throw new DocvaultError('Invalid', `deep: the run being resumed is ${resume.deep === true ? '' : 'not '}deep`, { field: 'deep' });
  /** The whole-file checks too (SQLite's of every table, the file's pages, FTS5's of the search index). */
  const deep = resume !== undefined ? resume.deep === true : opts.deep === true;
  const chunked = opts.maxMs !== undefined;
  const overBudget = (): boolean => opts.maxMs !== undefined && performance.now() - t0 >= opts.maxMs;
  const problems: VerifyProblem[] = resume?.problems ?? [];
  /** Set when damage hid rows: totals computed from what was readable would then mismatch for no new reason. */
  let damaged = resume?.damaged ?? false;
  let changed = resume?.changed ?? false;
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
  let phase: Phase = resume?.phase ?? 'documents';
  let done = resume?.done ?? 0;
  let versions = resume?.versions ?? 0;
  let documents = resume?.documents ?? 0;
  let last = resume?.last ?? 0;
  let tagAt = resume?.tagAt ?? null;
  /** Where the SQLite and search-index phases stand (./verify-derived.ts). */
  const at: DerivedAt = { tables: resume?.tables ?? 0, ix: resume?.ix, indexAt: resume?.indexAt ?? 0, indexDiff: resume?.indexDiff ?? [0, 0], facets: resume?.facets };
  const seq = resume !== undefined ? resume.seq : null;
  /** A part of the document phase (verify-parts.ts): the last document row it covers. */
  const until = resume?.until;
  let end = resume?.end ?? false;
  /** SQLite's check run alone by this call, or left to such a run (verify-parts.ts). */
  const sqliteApart = resume?.sqlite;
  const tick = (n = 1): void => {
    const before = done;
    done += n;
    if (onProgress !== undefined && Math.floor(before / 1000) !== Math.floor(done / 1000)) onProgress({ done, total: Math.max(total, done), phase });
  };
  const tagKeys = new TagRowKeys(macKey);
  const expected = new Expected(tagKeys, resume?.counters, resume !== undefined ? Buffer.from(resume.tagRows, 'hex') : undefined);
  const acc = resume !== undefined ? Buffer.from(resume.acc, 'hex') : Buffer.alloc(32);
  const tagActual = new TagRowSum(tagKeys, resume !== undefined ? Buffer.from(resume.tagActual, 'hex') : Buffer.alloc(32));
  let startSeq = seq;
  const skippedBecause = (): string | undefined =>
    damaged ? 'damaged pages hid rows' : changed ? 'the vault changed between chunks (run verify again)' : undefined;
  const skips: string[] = resume?.skips ?? [];
  const run: DerivedRun = {
    ctx,
    deep,
    chunked,
    problems,
    skips,
    files,
    extras,
    entryKeys: new EntryKeys(macKey),
    overBudget,
    tick: () => tick(),
    corrupt: (err, where) => corrupt(err, where),
    damaged: () => damaged,
    documentCounts: () => (skippedBecause() === undefined ? expected.counters : undefined),
  };
  let stopped = false;
  // Damage met inside is reported where it is met; what escapes (SQLite can fail the read transaction's
  // own COMMIT after such an error) is reported too, with what was checked kept.
  tx.begin();
  open = true;
  try {
    if (resume === undefined) startSeq = stateSeq(ctx);
    else if (stateSeq(ctx) !== seq) changed = true;
    // Each phase moves `phase` on when it is complete; true means the budget ran out (inside it or at its end).
    if (phase === 'documents') stopped = documentsPhase();
    if (!stopped && phase === 'tags') stopped = tagsPhase();
    if (!stopped && phase === 'sqlite') {
      const end = sqlitePhase(run, at, sqliteApart);
      if (end.done) phase = 'index';
      stopped = end.stop;
    }
    // Run apart (`only`), SQLite's check leaves the search index to the main line, which runs everything else.
    if (!stopped && phase === 'index' && sqliteApart !== 'only') {
      if (deep) deepIndexPhase(run);
      else stopped = indexPhase(run, at);
    }
  } finally {
    open = false;
    tx.end();
  }
  expected.tagRows.flush();
  tagActual.flush();
  if (stopped) {
    const next = encodeResume({
      v: 6,
      phase,
      ...(at.ix === undefined ? {} : { ix: at.ix }),
      last,
      ...(deep ? { deep: true as const } : {}),
      ...(phase === 'index' && !deep ? { indexAt: at.indexAt, indexDiff: at.indexDiff, ...(at.facets === undefined ? {} : { facets: at.facets }) } : {}),
      ...(until === undefined ? {} : { until, end }),
      ...(sqliteApart === undefined ? {} : { sqlite: sqliteApart }),
      tagAt,
      tagActual: tagActual.sum.toString('hex'),
      tables: at.tables,
      acc: acc.toString('hex'),
      tagRows: expected.tagRows.sum.toString('hex'),
      counters: [...expected.counters],
      problems,
      damaged,
      changed,
      skips,
      documents,
      versions,
      done,
      seq: startSeq,
    });
    return { ok: problems.length === 0, documents, versions, problems: [...problems], next };
  }
  onProgress?.({ done: Math.max(total, done), total: Math.max(total, done), phase: 'done' });
  const skipped = skips.length > 0 ? skips.join('; ') : undefined;
  return { ok: problems.length === 0, documents, versions, problems, ...(skipped !== undefined ? { skipped } : {}) };

  /** Every head and its versions, streamed in rowid order. True if the budget ran out first. */
  function documentsPhase(): boolean {
    const heads = (
      until === undefined
        ? ctx.sql.get(`SELECT ${HEAD_COLUMNS_RAW} FROM documents d WHERE d.doc > ? ORDER BY d.doc LIMIT ${PAGE}`)
        : ctx.sql.get(`SELECT ${HEAD_COLUMNS_RAW} FROM documents d WHERE d.doc > ? AND d.doc <= ${until} ORDER BY d.doc LIMIT ${PAGE}`)
    ).raw(true);
    const stream = ctx.sql
      .get(
        'SELECT vid, version, created_at, hex(mac), size, checksum, comment, title, type, tags, metadata, content, ' +
          '(SELECT a.list FROM version_attachments a WHERE a.vid = versions.vid) AS attachments FROM versions WHERE vid >= ? AND vid < ? ORDER BY vid',
      )
      .raw(true);
    const history = ctx.sql.get(`SELECT ${VERSION_COLUMNS}, v.content FROM documents d JOIN versions v ON v.vid BETWEEN ${VID_RANGE('d.doc')} WHERE d.doc = ? ORDER BY v.vid`);
    let skip = 1;
    for (;;) {
      let page: HeadRow[];
      try {
        page = (heads.all(last) as unknown[][]).map(headOf);
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
      if (streamPage(page, stream, history)) return true;
    }
    if (until !== undefined) return partDone(stream);
    // Versions past the last document belong to none.
    try {
      orphans(stream.iterate(last === 0 ? 0 : (last + 1) * DOC_SPAN, Number.MAX_SAFE_INTEGER) as IterableIterator<StreamedVersion>);
    } catch (err) {
      corrupt(err, `versions after document row ${last}`);
    }
    if (startSeq !== stateSeq(ctx)) changed = true;
    const why = skippedBecause();
    if (why !== undefined) skips.push(`the set, counter and tag-row checks: ${why}`);
    try {
      checkState(ctx, why === undefined ? acc : undefined, problems);
      if (why === undefined) checkCounters(ctx, expected, problems);
    } catch (err) {
      corrupt(err, 'vault state or counters');
    }
    phase = 'tags';
    return overBudget();
  }

  /**
   * The end of a part (verify-parts.ts): versions between its last document and its bound belong to none;
   * then it stops at its bound, and says whether any document row lies after it.
   */
  function partDone(stream: Statement): true {
    const bound = until as number;
    try {
      if (last < bound) orphans(stream.iterate(last === 0 ? 0 : (last + 1) * DOC_SPAN, (bound + 1) * DOC_SPAN) as IterableIterator<StreamedVersion>);
      end = ctx.sql.get('SELECT 1 FROM documents WHERE doc > ? LIMIT 1', true).get(bound) === undefined;
    } catch (err) {
      corrupt(err, `versions of documents up to row ${bound}`);
    }
    last = Math.max(last, bound);
    return true;
  }

  /**
   * One page of heads with their versions, read by one statement over the page's range of version keys
   * (a key is doc * 2^24 + version, so rowid order is document order, then version order). Versions whose
   * document has no head are orphans. On damage, falls back to one statement per document, so the damage
   * is reported against the documents it hides. True if the budget ran out (`last` is the last document done).
   */
  function streamPage(page: HeadRow[], stream: Statement, history: Statement): boolean {
    const lastHead = page[page.length - 1] as HeadRow;
    let i = 0;
    let rows: VersionRowWithContent[] = [];
    const finish = (head: HeadRow): boolean => {
      document(head, rows);
      rows = [];
      last = head.doc;
      i++;
      return overBudget();
    };
    try {
      const it = stream.iterate(last === 0 ? 0 : (last + 1) * DOC_SPAN, (lastHead.doc + 1) * DOC_SPAN) as IterableIterator<StreamedVersion>;
      let pendingOrphan: { doc: number; n: number } | undefined;
      try {
        for (const v of it) {
          const doc = Math.floor(v[0] / DOC_SPAN);
          // Reported before any head after it is finished, so a chunk that stops there has counted it.
          if (pendingOrphan !== undefined && pendingOrphan.doc !== doc) {
            orphanFound(pendingOrphan);
            pendingOrphan = undefined;
          }
          while (i < page.length && (page[i] as HeadRow).doc < doc) if (finish(page[i] as HeadRow)) return true;
          const head = page[i];
          if (head === undefined || head.doc !== doc) {
            pendingOrphan = { doc, n: (pendingOrphan?.n ?? 0) + 1 };
            continue;
          }
          rows.push(withHead(head, v));
        }
      } finally {
        it.return?.();
      }
      if (pendingOrphan !== undefined) orphanFound(pendingOrphan);
      while (i < page.length) if (finish(page[i] as HeadRow)) return true;
      return false;
    } catch (err) {
      if (!isCorruption(err)) throw err;
      // The stream met a damaged page: go on document by document, each read on its own.
      corrupt(err, `versions of documents after row ${last}`);
      rows = [];
      for (; i < page.length; i++) {
        const head = page[i] as HeadRow;
        let own: VersionRowWithContent[] | undefined;
        try {
          own = history.all(head.doc) as VersionRowWithContent[];
        } catch (e) {
          corrupt(e, `versions of "${head.id}"`, head.id);
        }
        document(head, own);
        last = head.doc;
        if (overBudget()) return true;
      }
      return false;
    }
  }

  /** Checks one document (`rows` undefined: its versions could not be read) and adds it to the totals. */
  function document(head: HeadRow, rows: VersionRowWithContent[] | undefined): void {
    documents++;
    checkDocument(ctx, head, rows, problems, expected, (n) => {
      versions += n;
      tick(n);
    }, files);
    xorInto(acc, setTerm(macKey, head.id, head.head_mac));
    tick();
  }

  function orphanFound(o: { doc: number; n: number }): void {
    problems.push({ kind: 'Sqlite', message: `${o.n} version(s) belong to no document (row ${o.doc})` });
  }

  function orphans(it: IterableIterator<StreamedVersion>): void {
    let pending: { doc: number; n: number } | undefined;
    for (const v of it) {
      const doc = Math.floor(v[0] / DOC_SPAN);
      if (pending !== undefined && pending.doc !== doc) orphanFound(pending);
      pending = pending?.doc === doc ? { doc, n: pending.n + 1 } : { doc, n: 1 };
    }
    if (pending !== undefined) orphanFound(pending);
  }

  /**
   * The tag rows in key order, a page at a time, without a join: their keyed sum (over tag, document and
   * the update time each carries) is compared with the same sum over the heads' tag lists. Only when the
   * sums differ are the rows searched for the culprits (a row of no live document, a stale update time),
   * in one piece: a damaged vault's diagnosis, not a healthy vault's cost. True if the budget ran out.
   */
  function tagsPhase(): boolean {
    if (tagAt === null) queuedTags();
    // In the table's key order (tag, updated_at, doc): each page is one range of the b-tree, no sort.
    const first = ctx.sql.get(`SELECT tag, doc, updated_at FROM document_tags ORDER BY tag, updated_at, doc LIMIT ${TAG_PAGE}`);
    const after = ctx.sql.get(`SELECT tag, doc, updated_at FROM document_tags WHERE (tag, updated_at, doc) > (?, ?, ?) ORDER BY tag, updated_at, doc LIMIT ${TAG_PAGE}`);
    try {
      for (;;) {
        const page = (tagAt === null ? first.all() : after.all(tagAt[0], tagAt[1], tagAt[2])) as { tag: string; doc: number; updated_at: number }[];
        if (page.length === 0) break;
        for (const t of page) {
          const misfit = tagRowMisfit(t);
          if (misfit !== undefined) problems.push({ kind: 'Sqlite', message: `${misfit} (a row of document row ${String(t.doc)})` });
          tagActual.add(t.tag, t.doc, t.updated_at);
        }
        const end = page[page.length - 1] as { tag: string; doc: number; updated_at: number };
        tagAt = [end.tag, end.updated_at, end.doc];
        tick(page.length);
        if (overBudget()) return true;
      }
      if (startSeq !== stateSeq(ctx)) changed = true;
      expected.tagRows.flush();
      tagActual.flush();
      queuedTags();
      const queued = skips.some((s) => s.startsWith(TAG_QUEUE_SKIP));
      if (skippedBecause() === undefined && !queued && !macEqual(tagActual.sum, expected.tagRows.sum)) diagnoseTagRows(ctx, problems);
    } catch (err) {
      corrupt(err, `tag rows after ${tagAt === null ? 'the first' : `"${tagAt[0]}"`}`);
    }
    phase = 'sqlite';
    return overBudget();
  }

  /**
   * Documents queued for the search index (engine/search-queue.ts) keep the tag rows of the version the
   * index holds until the flush: then the rows are not the heads', and not comparable. Looked at when the
   * phase starts and ends (a flush between its chunks moves rows it has read); a writer flushes first.
   */
  function queuedTags(): void {
    const n = ctx.sql.get(PENDING_COUNT_SQL, true).get() as number;
    if (n > 0 && !skips.some((s) => s.startsWith(TAG_QUEUE_SKIP)))
      skips.push(`${TAG_QUEUE_SKIP}${n} document(s) were waiting for the search queue's flush (verify again once the vault is idle)`);
  }
}

type Statement = Database.Statement;

/** How a skipped comparison of the tag rows starts (verify's `skipped`). */
const TAG_QUEUE_SKIP = 'the tag rows against the documents: ';

/** A streamed version with its document's fields, as the row codec's checks take it. */
function withHead(head: HeadRow, v: StreamedVersion): VersionRowWithContent {
  return {
    id: head.id,
    trashed_at: head.trashed_at,
    doc_created_at: head.created_at,
    version: v[1],
    created_at: v[2],
    mac: macOf(v[3]) ?? Buffer.alloc(0),
    size: v[4],
    checksum: v[5],
    comment: v[6],
    title: v[7],
    type: v[8],
    tags: v[9],
    metadata: v[10],
    content: v[11],
    attachments: v[12],
    prev_mac: null,
  };
}

