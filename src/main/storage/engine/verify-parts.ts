/**
 * Cutting the document phase of one verify into parts over ranges of document rows, each checked on its own
 * connection (the service's reader threads) and merged before the phases that follow: the resume token's
 * sums combine (./verify-resume.ts), so the merged run reports what one call would.
 */
import { DocvaultError } from '../../../shared/errors';
import { xorInto } from '../integrity';
import { decodeResume, encodeResume, type Phase, type Resume } from './verify-resume';

const ZERO = '0'.repeat(64);

/** A token at the start of the document phase with nothing gathered, for the run whose first chunk saw `seq`. */
function empty(seq: number | null): Resume {
  return {
    v: 6,
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
    return encodeResume({ ...empty(b.seq), ...(b.deep === true ? { deep: true } : {}), last: after, until });
  },

  /**
   * SQLite's check alone (not the search-index phase), from the start of the run `base` began: a long
   * step that can run on one connection while the other phases go on elsewhere. The token merged for the
   * other phases must then leave it out ({@link merge} with `sqlite: 'skip'`).
   */
  sqliteOnly(base: string): string {
    const b = decodeResume(base);
    return encodeResume({ ...empty(b.seq), ...(b.deep === true ? { deep: true } : {}), phase: 'sqlite', sqlite: 'only' });
  },

  /** Phase, position and rows checked of any verify token (for progress); `facets`: at the search index's facet step. */
  where(token: string): { readonly phase: Phase; readonly last: number; readonly done: number; readonly facets: boolean } {
    const r = decodeResume(token);
    return { phase: r.phase, last: r.last, done: r.done, facets: r.phase === 'index' && r.facets !== undefined };
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
