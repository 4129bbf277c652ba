/**
 * The service's whole-vault verify, spread over the reader threads in short chunks.
 *
 * The engine's verify checks one document after another on one connection, and its sums combine (XOR,
 * addition: engine/verify-parts.ts). So here, after a first chunk fixes the run's snapshot sequence:
 *
 * - SQLite's own check (one long native call: its tables one after the other; deep, the whole file) starts
 *   on a long-read thread of its own (the scheduler sends a call without a time budget there, never to a
 *   reader: see WorkerPool.longThread);
 * - the document phase is cut into parts over ranges of document rows, each checked in chunks of at most
 *   {@link CHUNK_MS} on the readers (all but one while SQLite's check takes a core, so that a caller's read
 *   finds a reader free; on every reader once it is done), the range of a part sized from how fast the last
 *   ones went;
 * - the finished parts are merged, and the rest (the tag rows, the totals) runs in chunks on a reader, but
 *   for the search index's facet step on a large vault, which goes to a long-read thread as one call (one
 *   facet token's list is read in one piece: ~80 ms for a type at 1M documents, which a caller would wait
 *   behind on a reader, with one reader every caller).
 *
 * A caller's reads go on between the chunks, and never wait behind SQLite's check, with any number of
 * readers. Progress is reported after each chunk, and never goes back.
 */
import type { Progress, VaultStats, VerifyOptions, VerifyProblem, VerifyReport } from '../../../shared/types';
import { verifyParts } from '../engine/verify-parts';

/** Budget of one chunk on a reader (it may overrun by one document or one page of tag rows). */
export const CHUNK_MS = 20;

/** Document rows in the first part; later parts are sized to take about {@link CHUNK_MS}. */
const FIRST_SPAN = 512;
const MAX_SPAN = 1 << 20;

/**
 * Rows (documents + versions + trashed) from which the facet step runs on a long-read thread: below, every
 * facet token's list reads well within a chunk, and a thread's start (~0.1 s of CPU) would cost more.
 */
export const LONG_FACETS_FROM = 100_000;

/** Runs one verify call on a reader. */
export type VerifyCall = (opts: VerifyOptions) => Promise<VerifyReport>;

interface Part {
  readonly after: number;
  readonly until: number;
  /** Its latest token (its sums so far); final once `done`. */
  token: string;
  done: boolean;
}

/**
 * Parts folded into the run's token at once. At 1M documents a run has thousands of parts, and folding them
 * in one go held the calling thread for ~55 ms (measured: bench/verify-callers-probe.ts), so every caller of
 * the service waited that long; a slice of this size takes a few ms, and other work runs between slices.
 */
const MERGE_SLICE = 128;

/** `verifyParts.merge(base, tokens, end, 'skip')`, `slice` tokens at a time, yielding to the event loop between slices. */
export async function mergeInSlices(base: string, tokens: readonly string[], end: number, slice = MERGE_SLICE): Promise<string> {
  let merged = verifyParts.merge(base, tokens.slice(0, slice), end, 'skip');
  for (let i = slice; i < tokens.length; i += slice) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    merged = verifyParts.merge(merged, tokens.slice(i, i + slice), end, 'skip');
  }
  return merged;
}

/**
 * `StorageService.verify` of the whole vault: {@link verifyAcrossReaders}, with the rows to count for progress
 * from the writer's stats (`writerStats`; undefined when the service is no longer open). Without them (the
 * writer restarting, the service closing) the total is unknown (0): the verify runs all the same.
 */
export async function verifyWhole(
  call: VerifyCall,
  readers: number,
  writerStats: (() => Promise<VaultStats>) | undefined,
  onProgress?: (p: Progress) => void,
  deep?: boolean,
): Promise<VerifyReport> {
  let total = 0;
  if (writerStats !== undefined) {
    const st = await writerStats().catch(() => undefined);
    if (st !== undefined) total = st.documents + st.versions + st.trashed;
  }
  return verifyAcrossReaders(call, readers, total, onProgress, deep);
}

/**
 * Verifies the whole vault through `call` with up to `readers` calls at once. `total` is the number of
 * rows verify will count (for progress), or 0 if unknown. `deep`: the engine's option (carried by every
 * token after the first chunk).
 */
export async function verifyAcrossReaders(
  call: VerifyCall,
  readers: number,
  total: number,
  onProgress?: (p: Progress) => void,
  deep?: boolean,
  longFacetsFrom = LONG_FACETS_FROM,
): Promise<VerifyReport> {
  const t0 = performance.now();
  /** The highest `done` reported: the phases after the documents count their rows on top of theirs. */
  let shown = 0;
  const report = (phase: string, rows: number): void => {
    if (onProgress === undefined) return;
    const done = (shown = Math.max(shown, rows));
    try {
      onProgress({ done, total: Math.max(total, done), phase });
    } catch {
      // A throwing callback must not stop the check.
    }
  };
  const first = await call({ maxMs: CHUNK_MS, ...(deep === undefined ? {} : { deep }) });
  if (first.next === undefined) return finish(first, undefined);
  const base = first.next;
  const at = verifyParts.where(base);
  if (at.phase !== 'documents') return finish(await sequential(base), undefined);

  const sqlite = call({ from: verifyParts.sqliteOnly(base) });
  // While SQLite's check takes a core, the parts leave one reader to callers (but use the only one); once
  // it is done, every reader.
  let sqliteDone = false;
  let wake: (() => void) | undefined;
  const settled = (): void => {
    sqliteDone = true;
    wake?.();
  };
  // Awaited below; until then a failure must not count as unhandled (it is reported when awaited).
  sqlite.then(settled, settled);
  const lanes = (): number => Math.max(1, readers - (sqliteDone ? 0 : 1));
  const parts: Part[] = [];
  let next = at.last;
  let span = FIRST_SPAN;
  let endAt: number | undefined;
  let doneRows = at.done;
  report('documents', doneRows);

  await new Promise<void>((resolve, reject) => {
    let running = 0;
    const launch = (part: Part): void => {
      running++;
      const c0 = performance.now();
      call({ from: part.token, maxMs: CHUNK_MS }).then((r) => {
        running--;
        const token = r.next as string;
        const st = verifyParts.state(token);
        doneRows += st.done - verifyParts.state(part.token).done;
        part.token = token;
        const ms = performance.now() - c0;
        if (st.last < st.until) {
          // Out of budget: the range was too wide; go on with the rest of it.
          span = Math.max(64, Math.floor(span / 2));
          if (endAt === undefined || part.after < endAt) launch(part);
        } else {
          part.done = true;
          if (st.end) endAt = Math.min(endAt ?? st.until, st.until);
          else if (ms < CHUNK_MS / 2) span = Math.min(MAX_SPAN, span * 2);
        }
        report('documents', doneRows);
        fill();
      }, reject);
    };
    const fill = (): void => {
      while (endAt === undefined && running < lanes()) {
        const part: Part = { after: next, until: next + span, token: verifyParts.part(base, next, next + span), done: false };
        next = part.until;
        parts.push(part);
        launch(part);
      }
      if (endAt !== undefined && parts.every((p) => p.done || p.after >= (endAt as number))) {
        if (running === 0) resolve();
      }
    };
    wake = fill;
    fill();
  });
  wake = undefined;

  const end = endAt as number;
  const finished = parts.filter((p) => p.after < end).map((p) => p.token);
  const rest = await sequential(await mergeInSlices(base, finished, end));
  return finish(rest, await sqlite);

  /** Chunks from `from` until the run is complete; on a large vault the facet step in one call without a budget (a long-read thread). */
  async function sequential(from: string): Promise<VerifyReport> {
    const chunk = (token: string, atFacets: boolean): Promise<VerifyReport> =>
      call(atFacets && total >= longFacetsFrom ? { from: token } : { from: token, maxMs: CHUNK_MS });
    let r = await chunk(from, verifyParts.where(from).facets);
    while (r.next !== undefined) {
      const w = verifyParts.where(r.next);
      report(w.phase, w.done);
      r = await chunk(r.next, w.facets);
    }
    return r;
  }

  /** The run's report: the main line's, with the problems and skips of SQLite's check run beside it. */
  function finish(main: VerifyReport, apart: VerifyReport | undefined): VerifyReport {
    const problems: VerifyProblem[] = [...main.problems, ...(apart?.problems ?? [])];
    const skips = [...(main.skipped?.split('; ') ?? []), ...(apart?.skipped?.split('; ') ?? [])].filter((s, i, all) => s !== '' && all.indexOf(s) === i);
    const done = Math.max(total, main.documents + main.versions);
    report('done', done);
    const { next: _next, skipped: _skipped, ...rest } = main;
    return { ...rest, ok: problems.length === 0, problems, durationMs: performance.now() - t0, ...(skips.length > 0 ? { skipped: skips.join('; ') } : {}) };
  }
}
