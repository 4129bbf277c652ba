/**
 * The `import` and `index-build` bench trials run and their self-checks hold (no timing is asserted:
 * benchmarks are not tests). The import trial gets the CLI's own import, as scripts/bench.mjs passes it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runImportTrial, runIndexBuildTrial, type FolderImporter } from '../../bench';
import { importPath } from '../../src/app/transfer/import';
import { vaultImportTarget } from '../../src/app/transfer/import-target';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('docvault-bench-import-');
afterAll(() => tmp.cleanup());

const cliImport: FolderImporter = (vault, path) => importPath(vaultImportTarget(vault), path);

describe('import trial', () => {
  it('imports every file of the generated folder through the CLI path and checks a sample', async () => {
    const r = await runImportTrial({ dir: `${tmp.dir}/i`, files: 1200, importFolder: cliImport });
    expect(r).toMatchObject({ trial: 'import', files: 1200, fileBytes: 512, ok: true });
    for (const x of [r.docsPerSec, r.seconds, r.folderBytes, r.peakRssMb]) expect(x).toBeGreaterThan(0);
  });

  it('reports not ok when the import loses a document', async () => {
    // An importer that loses one document after importing: the trial's check must catch it.
    const lossy: FolderImporter = async (vault, path) => {
      const r = await cliImport(vault, path);
      const first = vault.list({ limit: 1 }).items[0];
      if (first !== undefined) vault.purge(first.id);
      return r;
    };
    const r = await runImportTrial({ dir: `${tmp.dir}/j`, files: 50, importFolder: lossy });
    expect(r.ok).toBe(false);
  });
});

describe('index-build trial', () => {
  it('rebuilds the index, bulk-saves with and without the search triggers, and counts the index entries', () => {
    const r = runIndexBuildTrial({ dir: `${tmp.dir}/b`, docs: 1500, docBytes: 256 });
    expect(r).toMatchObject({ trial: 'index-build', docs: 1500, docBytes: 256, ok: true });
    for (const x of [r.rebuildDocsPerSec, r.bulkSaveDocsPerSec, r.bulkSaveNoFtsDocsPerSec, r.peakRssMb]) expect(x).toBeGreaterThan(0);
    expect(r.ftsShare).toBeLessThan(1);
  });
});
