/**
 * The diff step of the history+diff trial: the app's own unified diff (src/shared/diff.ts), so the
 * trial measures what the history view and the CLI actually compute.
 */
import { unifiedDiff } from '../src/shared/diff';

/** Unified diff of two versions of a document, as text. */
export function unifiedDiffText(a: string, b: string, labelA: string, labelB: string): string {
  return unifiedDiff(a, b, { oldLabel: labelA, newLabel: labelB });
}
