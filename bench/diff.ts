/**
 * The diff step of the history+diff trial. src/shared/diff.ts (the app's unified diff) is being written
 * alongside; until it lands, this calls the same `diff` package directly with the same kind of output
 * (a unified patch with 3 lines of context). Switch the import when it exists: one line.
 */
import { createTwoFilesPatch } from 'diff';

/** Unified diff of two versions of a document, as text. */
export function unifiedDiffText(a: string, b: string, labelA: string, labelB: string): string {
  return createTwoFilesPatch(labelA, labelB, a, b, undefined, undefined, { context: 3 });
}
