/**
 * The token a chunked verify returns as `next` and takes back as `from`: where it stopped and what it had
 * gathered so far, as base64url JSON, checked for shape when it comes back (it crosses the worker, IPC and
 * HTTP as an opaque string).
 */
import { DocvaultError } from '../../../shared/errors';
import type { VerifyProblem } from '../../../shared/types';

/** The phases of a verify, in order; a chunk may end inside any but the last. */
export type Phase = 'documents' | 'tags' | 'sqlite' | 'index';

/** Where a chunked verify stopped, and what it had gathered: the opaque `next` / `from` token. */
export interface Resume {
  readonly v: 3;
  readonly phase: Phase;
  /** documents: the last document checked. */
  readonly last: number;
  /** tags: the last (tag, doc) row checked, and the XOR of the rows seen so far. */
  /** Where the tag-row sweep stopped: the last row's key (tag, updated_at, doc). */
  readonly tagAt: [string, number, number] | null;
  readonly tagActual: string;
  /** sqlite: how many tables SQLite's check has covered. */
  readonly tables: number;
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

/** The phases in the order a verify runs them. */
export const PHASES: readonly Phase[] = ['documents', 'tags', 'sqlite', 'index'];
const HEX64 = /^[0-9a-f]{64}$/;

/** The `next` token a chunk returns: the resume state, as base64url JSON. */
export function encodeResume(r: Resume): string {
  return Buffer.from(JSON.stringify(r), 'utf8').toString('base64url');
}

/** A `from` token read back, its shape checked: `Invalid` for anything a chunk of verify did not write. */
export function decodeResume(token: string): Resume {
  try {
    const r = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (
      r.v === 3 &&
      (r.tagAt === null || (Array.isArray(r.tagAt) && r.tagAt.length === 3 && typeof r.tagAt[0] === 'string' && Number.isSafeInteger(r.tagAt[1]) && Number.isSafeInteger(r.tagAt[2]))) &&
      PHASES.includes(r.phase) &&
      Number.isSafeInteger(r.last) &&
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
