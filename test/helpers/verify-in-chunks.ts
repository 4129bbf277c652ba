/** Verify run to the end in chunks, as the service and the CLI's `--max-ms` drive it. */
import type { Vault } from '../../src/main/storage';
import type { VerifyOptions, VerifyReport } from '../../src/shared/types';

/** Runs verify in chunks of `opts.maxMs` until done; returns the last report and how many chunks it took. */
export function verifyInChunks(v: Vault, opts: VerifyOptions): { report: VerifyReport; chunks: number } {
  let r = v.verify(undefined, opts);
  let chunks = 1;
  while (r.next !== undefined) {
    r = v.verify(undefined, { maxMs: opts.maxMs, from: r.next });
    chunks++;
  }
  return { report: r, chunks };
}
