/**
 * verify's resume token: where a chunked verify stopped and what it had gathered, as an opaque string
 * (`next` / `from`). Its sums combine: the set accumulator and the tag-row sum by XOR, the counters and
 * counts by addition. So the document phase can be cut into parts over ranges of document rows, checked
 * on different connections (the service's reader threads) and merged before the phases that follow
 * ({@link verifyParts}).
 */
import { DocvaultError } from '../../../shared/errors';
import type { VerifyProblem } from '../../../shared/types';
import { xorInto } from '../integrity';

/** The phases of a verify, in order; a chunk may end inside any but the last. */
export type Phase = 'documents' | 'tags' | 'sqlite' | 'index';

/** The phases, in order. */
export const PHASES: readonly Phase[] = ['documents', 'tags', 'sqlite', 'index'];

/** Where a chunked verify stopped, and what it had gathered: the opaque `next` / `from` token. */
export interface Resume {
  readonly v: 3;
  readonly phase: Phase;
  /** documents: the last document checked. */
  readonly last: number;
  /** A part of the document phase (see {@link verifyParts}): the last document row it covers; it stops there. */
  readonly until?: number;
  /** A part that reached its `until` found no document row after it: the document phase is complete up to here. */
  readonly end?: boolean;
  /**
   * SQLite's check (the `sqlite` phase) run on its own (`only`: this token is that phase alone) or left to
   * such a run (`skip`), so that it can go on beside the other phases (see {@link verifyParts}).
   */
  readonly sqlite?: 'only' | 'skip';
  /** Where the tag-row sweep stopped: the last row's key (tag, updated_at, doc). */
  readonly tagAt: [string, number, number] | null;
  /** tags: the XOR of the rows seen so far. */
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

const HEX64 = /^[0-9a-f]{64}$/;
const ZERO = '0'.repeat(64);

/** The token of `r`. */
export function encodeResume(r: Resume): string {
  return Buffer.from(JSON.stringify(r), 'utf8').toString('base64url');
}

/** The state in `token`; `Invalid` if it is not a verify token. */
export function decodeResume(token: string): Resume {
  try {
    const r = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (
      r.v === 3 &&
      (r.tagAt === null || (Array.isArray(r.tagAt) && r.tagAt.length === 3 && typeof r.tagAt[0] === 'string' && Number.isSafeInteger(r.tagAt[1]) && Number.isSafeInteger(r.tagAt[2]))) &&
      PHASES.includes(r.phase) &&
      Number.isSafeInteger(r.last) &&
      (r.until === undefined || (Number.isSafeInteger(r.until) && r.phase === 'documents')) &&
      (r.end === undefined || typeof r.end === 'boolean') &&
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

/** A token at the start of the document phase with nothing gathered, for the run whose first chunk saw `seq`. */
function empty(seq: number | null): Resume {
  return {
    v: 3,
    phase: 'documents',
    last: 0,
    tagAt: null,
    tagActual: ZERO,
    tables: 0,
    acc: ZERO,
    tagRows: ZERO,
    counters: [],
    problems: [],
    damaged: false,
    changed: false,
    skips: [],
    documents: 0,
    versions: 0,
    done: 0,
    seq,
  };
}

/** Where a part of the document phase stands (see {@link verifyParts}). */
export interface PartState {
  /** The last document row it checked (or stepped past). */
  readonly last: number;
  /** Its bound: it is complete once `last` reaches it. */
  readonly until: number;
  /** Complete, and no document row lies after it. */
  readonly end: boolean;
  /** Rows it checked (the progress unit of `verify`). */
  readonly done: number;
}

/**
 * Cutting the document phase of one verify into parts. `base` is the token of a first chunk (its commit
 * sequence is the whole run's); each part is a token for `verify({ from })` that checks the document rows
 * in (after, until] with sums of its own, and stops there. A part's `next` resumes it (also after a
 * budget ran out); {@link merge} folds the finished parts into `base` for the phases that follow.
 */
export const verifyParts = {
  /** A part over document rows (after, until]. */
  part(base: string, after: number, until: number): string {
    const b = decodeResume(base);
    return encodeResume({ ...empty(b.seq), last: after, until });
  },

  /**
   * SQLite's check alone (not the search-index phase), from the start of the run `base` began: a long
   * step that can run on one connection while the other phases go on elsewhere. The token merged for the
   * other phases must then leave it out ({@link merge} with `sqlite: 'skip'`).
   */
  sqliteOnly(base: string): string {
    const b = decodeResume(base);
    return encodeResume({ ...empty(b.seq), phase: 'sqlite', sqlite: 'only' });
  },

  /** Phase, position and rows checked of any verify token (for progress). */
  where(token: string): { readonly phase: Phase; readonly last: number; readonly done: number } {
    const r = decodeResume(token);
    return { phase: r.phase, last: r.last, done: r.done };
  },

  /** Where the part whose latest token is `token` stands. */
  state(token: string): PartState {
    const r = decodeResume(token);
    if (r.until === undefined || r.phase !== 'documents') throw new DocvaultError('Invalid', 'from: not a part of a verify', { field: 'from' });
    return { last: r.last, until: r.until, end: r.end === true, done: r.done };
  },

  /**
   * `base` with every finished part folded in, to resume after document row `last` (the end of the last
   * part). The parts' sums are combined (XOR, addition), their problems and skips appended in order.
   */
  merge(base: string, parts: readonly string[], last: number, sqlite?: 'skip'): string {
    const b = decodeResume(base);
    const acc = Buffer.from(b.acc, 'hex');
    const tagRows = Buffer.from(b.tagRows, 'hex');
    const counters = new Map(b.counters);
    const problems = [...b.problems];
    const skips = [...b.skips];
    let { damaged, changed, documents, versions, done } = b;
    for (const token of parts) {
      const p = decodeResume(token);
      xorInto(acc, Buffer.from(p.acc, 'hex'));
      xorInto(tagRows, Buffer.from(p.tagRows, 'hex'));
      for (const [k, n] of p.counters) counters.set(k, (counters.get(k) ?? 0) + n);
      problems.push(...p.problems);
      for (const s of p.skips) if (!skips.includes(s)) skips.push(s);
      damaged ||= p.damaged;
      changed ||= p.changed || p.seq !== b.seq;
      documents += p.documents;
      versions += p.versions;
      done += p.done;
    }
    return encodeResume({
      ...b,
      ...(sqlite === undefined ? {} : { sqlite }),
      last,
      acc: acc.toString('hex'),
      tagRows: tagRows.toString('hex'),
      counters: [...counters],
      problems,
      skips,
      damaged,
      changed,
      documents,
      versions,
      done,
    });
  },
};
