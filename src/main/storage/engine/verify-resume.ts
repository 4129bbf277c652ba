/**
 * The token a chunked verify returns as `next` and takes back as `from`: where it stopped and what it had
 * gathered so far, as base64url JSON, checked for shape when it comes back (it crosses the worker, IPC and
 * HTTP as an opaque string). Its sums combine — the set accumulator and the tag-row sum by XOR, the counters
 * and counts by addition — so the document phase can also be cut into parts (./verify-parts.ts).
 */
import { DocvaultError } from '../../../shared/errors';
import type { VerifyProblem } from '../../../shared/types';
import { isIndexCheckState, type IndexCheckState } from './verify-indexes';

/** The phases of a verify, in order; a chunk may end inside any but the last. */
export type Phase = 'documents' | 'tags' | 'sqlite' | 'index';

/** The phases, in order. */
export const PHASES: readonly Phase[] = ['documents', 'tags', 'sqlite', 'index'];

/** Where a chunked verify stopped, and what it had gathered: the opaque `next` / `from` token. */
export interface Resume {
  /**
   * 6: the index phase's `indexAt` is a document's number (the search index keyed by document); 5: SQLite's
   * check at the default depth compares indexes with their rows by digests (./verify-indexes.ts), and a
   * table's check can stop between pages (`ix`). A token of an older build is refused, not misread.
   */
  readonly v: 6;
  readonly phase: Phase;
  /** documents: the last document checked. */
  readonly last: number;
  /** A part of the document phase (./verify-parts.ts): the last document row it covers; it stops there. */
  readonly until?: number;
  /** A part that reached its `until` found no document row after it: the document phase is complete up to here. */
  readonly end?: boolean;
  /**
   * SQLite's check (the `sqlite` phase) run on its own (`only`: this token is that phase alone) or left to
   * such a run (`skip`), so that it can go on beside the other phases (./verify-parts.ts).
   */
  readonly sqlite?: 'only' | 'skip';
  /** A deep run (`verify({ deep: true })`): every chunk of it makes the deep checks. */
  readonly deep?: true;
  /**
   * index (default depth): the last version key compared between the search index's rows and the live
   * heads, and how many current versions were found not indexed and indexed versions not current.
   */
  readonly indexAt?: number;
  readonly indexDiff?: [number, number];
  /**
   * index (default depth), once the rows matched and their difference was reported: the facet tokens
   * compared so far, one per step — the last token, how many counts differed, how many tokens were expected.
   */
  readonly facets?: [string, number, number];
  /** Where the tag-row sweep stopped: the last row's key (tag, updated_at, doc). */
  readonly tagAt: [string, number, number] | null;
  /** tags: the XOR of the rows seen so far. */
  readonly tagActual: string;
  /** sqlite: how many tables SQLite's check has covered. */
  readonly tables: number;
  /** sqlite (default depth): where the check of table number `tables` stands, when a chunk stopped inside it. */
  readonly ix?: IndexCheckState;
  readonly acc: string;
  readonly tagRows: string;
  readonly counters: [string, number][];
  readonly problems: VerifyProblem[];
  readonly damaged: boolean;
  readonly changed: boolean;
  /** Checks left out so far, and why (the report's `skipped`). */
  readonly skips: string[];
  readonly documents: number;
  readonly versions: number;
  readonly done: number;
  /** The vault state's commit sequence when the first chunk began. */
  readonly seq: number | null;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The token of `r`. */
export function encodeResume(r: Resume): string {
  return Buffer.from(JSON.stringify(r), 'utf8').toString('base64url');
}

/** The state in `token`; `Invalid` if it is not a verify token. */
export function decodeResume(token: string): Resume {
  try {
    const r = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (
      r.v === 6 &&
      (r.ix === undefined || (r.phase === 'sqlite' && r.deep !== true && isIndexCheckState(r.ix))) &&
      (r.tagAt === null || (Array.isArray(r.tagAt) && r.tagAt.length === 3 && typeof r.tagAt[0] === 'string' && Number.isSafeInteger(r.tagAt[1]) && Number.isSafeInteger(r.tagAt[2]))) &&
      PHASES.includes(r.phase) &&
      Number.isSafeInteger(r.last) &&
      (r.until === undefined || (Number.isSafeInteger(r.until) && r.phase === 'documents')) &&
      (r.end === undefined || typeof r.end === 'boolean') &&
      (r.deep === undefined || r.deep === true) &&
      (r.indexAt === undefined || Number.isSafeInteger(r.indexAt)) &&
      (r.indexDiff === undefined || (Array.isArray(r.indexDiff) && r.indexDiff.length === 2 && r.indexDiff.every((n) => Number.isSafeInteger(n) && n >= 0))) &&
      (r.facets === undefined ||
        (r.phase === 'index' &&
          r.deep !== true &&
          Array.isArray(r.facets) &&
          r.facets.length === 3 &&
          typeof r.facets[0] === 'string' &&
          [r.facets[1], r.facets[2]].every((n) => Number.isSafeInteger(n) && n >= 0))) &&
      (r.sqlite === undefined || r.sqlite === 'skip' || (r.sqlite === 'only' && r.phase !== 'documents' && r.phase !== 'tags')) &&
      Number.isSafeInteger(r.tables) &&
      HEX64.test(r.acc) &&
      HEX64.test(r.tagRows) &&
      HEX64.test(r.tagActual) &&
      Array.isArray(r.counters) &&
      Array.isArray(r.skips) &&
      Array.isArray(r.problems)
    )
      return r;
  } catch {
    // fall through
  }
  throw new DocvaultError('Invalid', 'from: not a verify token from this vault', { field: 'from' });
}

