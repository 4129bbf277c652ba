/**
 * The running totals (table `counters`) and the vault state (its `state` row), kept by the write path
 * from schema step "totals kept by the write path" on, instead of by nine SQL triggers. Each write
 * function adds the effect of every statement it ran, right after the statement succeeds, to a
 * {@link PendingTotals}; the façade writes them once, just before the outermost transaction commits
 * (engine/vault-core.ts), so they commit or roll back with the rows they count. A write inside a
 * caller's transaction (or the service writer's group) runs under a savepoint: what was pending when it
 * began is marked, and a rollback of that savepoint puts the pending totals back to the mark, so the
 * rolled-back write's part goes with its rows. A read of the totals inside a transaction flushes first
 * (`VaultCore.settled`): a flush inside a savepoint is undone by that savepoint's rollback, and the mark
 * taken before it still holds what the flush wrote, so the two stay in step.
 *
 * Why: the triggers ran up to seven small statements per document written, and the state was re-tagged
 * and rewritten per document. A bulk of 1,000 documents now writes each total and the state once
 * (measured: bulk CPU per document −10 % to −12 %, 10k realistic documents, bench/variants.ts).
 *
 * Rules the triggers had, kept here: totals count live documents and their versions only (the Trash has
 * `trash_documents`); a `type:` or `tag:` total that reaches 0 is deleted. verify() recomputes every
 * total from the heads and reports one that differs.
 */
import { encodeState, decodeState, initialState, nextState } from '../vault-state';
import { xorInto } from '../integrity';
import type { ReadStatements, WriteStatements } from './statements';

/** Total keys every vault has. */
export type BaseTotal = 'documents' | 'versions' | 'content_bytes' | 'history_bytes' | 'trash_documents';

/** What {@link PendingTotals} held when a savepoint began: put back if the savepoint rolls back. */
export interface TotalsMark {
  readonly deltas: ReadonlyMap<string, number>;
  readonly terms: Buffer;
  readonly termCount: number;
}

/** The mark of nothing pending (shared: it is never written to). */
const EMPTY_MARK: TotalsMark = { deltas: new Map(), terms: Buffer.alloc(32), termCount: 0 };

/** What the writes of the current transaction changed in the totals and the set of heads, not yet written. */
export class PendingTotals {
  readonly #deltas = new Map<string, number>();
  /** XOR of the set terms added or removed (vault-state.ts): one state update for the whole operation. */
  readonly #terms = Buffer.alloc(32);
  #termCount = 0;

  /** Adds `n` (may be negative) to total `key`. */
  add(key: BaseTotal | `type:${string}` | `tag:${string}`, n: number): void {
    if (n !== 0) this.#deltas.set(key, (this.#deltas.get(key) ?? 0) + n);
  }

  /** A head's set term in or out (the same operation: XOR). */
  term(t: Uint8Array): void {
    xorInto(this.#terms, t);
    this.#termCount++;
  }

  /** True when nothing is pending. */
  get empty(): boolean {
    return this.#termCount === 0 && this.#deltas.size === 0;
  }

  /** What is pending now, to put back with {@link PendingTotals.restore} if a savepoint beginning now rolls back. */
  mark(): TotalsMark {
    if (this.empty) return EMPTY_MARK;
    return { deltas: new Map(this.#deltas), terms: Buffer.from(this.#terms), termCount: this.#termCount };
  }

  /** Puts back what was pending at `m` (the savepoint begun then rolled back, and its writes' parts with it). */
  restore(m: TotalsMark): void {
    this.#deltas.clear();
    for (const [k, n] of m.deltas) this.#deltas.set(k, n);
    m.terms.copy(this.#terms);
    this.#termCount = m.termCount;
  }

  /** Forgets everything pending (the outermost transaction rolled back). */
  clear(): void {
    this.#deltas.clear();
    this.#terms.fill(0);
    this.#termCount = 0;
  }

  /** Writes what is pending: one statement for the totals (two when a type or tag total went down), one for the state. */
  flush(ctx: { readonly r: ReadStatements; readonly w: WriteStatements; readonly macKey: Uint8Array }): void {
    if (this.#deltas.size > 0) {
      const deltas: Record<string, number> = {};
      let fell = false;
      for (const [key, n] of this.#deltas) {
        if (n === 0) continue;
        deltas[key] = n;
        if (n < 0 && !isBase(key)) fell = true;
      }
      const json = JSON.stringify(deltas);
      ctx.w.addTotals.run(json);
      if (fell) ctx.w.dropEmptyTotals.run(json);
    }
    if (this.#termCount > 0) {
      const state = decodeState(ctx.r.vaultState.get()) ?? { ...initialState(ctx.macKey), tag: Buffer.alloc(32) };
      ctx.w.setState.run(encodeState(nextState(ctx.macKey, state, [this.#terms])));
    }
    this.clear();
  }
}

const BASE = new Set<string>(['documents', 'versions', 'content_bytes', 'history_bytes', 'trash_documents']);
const isBase = (key: string): boolean => BASE.has(key);

/** SQL of the two total statements (prepared with the writer's statements). */
export const TOTALS_SQL = {
  /** Adds a JSON object of deltas to the totals, creating `type:`/`tag:` totals on first use. */
  add: `INSERT INTO counters (key, n) SELECT key, value FROM json_each(?) WHERE true
        ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`,
  /** Deletes `type:`/`tag:` totals among the keys of a JSON object that reached 0. */
  dropEmpty: `DELETE FROM counters WHERE key IN (SELECT key FROM json_each(?)) AND n = 0 AND (key GLOB 'type:*' OR key GLOB 'tag:*')`,
} as const;
