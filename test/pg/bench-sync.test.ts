/** The `sync` bench trial runs end to end against a real server (a smoke test: no time is asserted). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { runSyncTrial } from '../../src/app/sync/sync-trial';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

describe.skipIf(why !== undefined)('bench trial: sync', () => {
  let srv: TestPg;
  let dir: string;
  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-bench-sync-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.close();
  }, 60_000);
  afterAll(() => {
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('bulk-saves, pushes and clones every document, reporting a rate for each', async () => {
    const r = await runSyncTrial({ url: srv.aliceUrl, caFile: srv.caFile, password: srv.alicePassword, docs: 300, docBytes: 1024, dir, batch: 100 });
    expect(r).toMatchObject({ docs: 300, pushed: 300, pulled: 300 });
    for (const k of ['bulkSaveDocsPerSec', 'pushDocsPerSec', 'pullDocsPerSec', 'cloneMs', 'idleSyncMs'] as const) expect(r[k]).toBeGreaterThan(0);
  });
});
