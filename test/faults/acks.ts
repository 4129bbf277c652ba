/** What the fault-writer child acknowledges, and the content each acknowledged write must have. */

/** One acknowledged write: document `id` reached `version` with the content of step `seq`. */
export interface Ack {
  readonly type: 'ack';
  readonly id: string;
  readonly version: number;
  readonly seq: number;
}

/** The content written at step `seq` of document `id`: deterministic, so the parent can check it. */
export function contentFor(id: string, seq: number): string {
  return `${id}#${seq} `.repeat(20 + (seq % 60));
}
