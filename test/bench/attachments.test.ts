/** The `attachments` bench trial runs and its dedup check holds (no timing is asserted: benchmarks are not tests). */
import { afterAll, describe, expect, it } from 'vitest';
import { runAttachmentsTrial } from '../../bench';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('docvault-bench-attach-');
afterAll(() => tmp.cleanup());

describe('attachments trial', () => {
  it('writes, reads back every byte and stores repeated files once', async () => {
    const r = await runAttachmentsTrial({ dir: `${tmp.dir}/a`, files: 4, fileBytes: 300 * 1024 });
    expect(r).toMatchObject({ trial: 'attachments', files: 4, fileBytes: 300 * 1024 });
    expect(r.dedup).toEqual({ blobs: 4, chunks: 8, blobsAfter: 4, chunksAfter: 8, ok: true });
    for (const x of [r.writeMBps, r.readMBps, r.dedupWriteMBps, r.peakRssMb]) expect(x).toBeGreaterThan(0);
  });
});
