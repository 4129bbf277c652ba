#!/usr/bin/env node
// Lever experiments (a profiling aid): bundles and runs bench/variants.ts with the variants in VARIANTS.
//   node scripts/variants.mjs [--docs 10000] [--set name,name] [--cache-kib N]   (N: the engine's SQLite page cache)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBundleOptions } from './build-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { docs: { type: 'string', default: '10000' }, set: { type: 'string' }, 'cache-kib': { type: 'string' } } });
const VARIANTS = {
  base: '',
  'no-fts': 'DROP TRIGGER search_versions_ai; DROP TRIGGER search_versions_ad; DROP TRIGGER search_trash; DROP TRIGGER search_undelete;',
  'fts-automerge8': "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 8);",
  'fts-automerge16': "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 16); INSERT INTO search_index (search_index, rank) VALUES ('crisismerge', 32);",
  'fts-automerge0': "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0);",
  'fts-automerge2': "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 2);",
  'fts-pgsz8000': "INSERT INTO search_index (search_index, rank) VALUES ('pgsz', 8000);",
  'fts-bare-trigger': 'DROP TRIGGER search_versions_ai; CREATE TRIGGER search_versions_ai AFTER INSERT ON versions BEGIN INSERT INTO search_index (rowid, title, content) VALUES (new.vid, new.title, new.content); END;',
  'fts-lean-trigger':
    'DROP TRIGGER search_versions_ai; CREATE TRIGGER search_versions_ai AFTER INSERT ON versions WHEN (SELECT trashed_at IS NULL FROM documents WHERE doc = new.vid >> 24) BEGIN INSERT INTO search_index (search_index, rowid, title, content) SELECT \'delete\', vid, title, content FROM versions WHERE new.version > 1 AND vid = new.vid - 1; INSERT INTO search_index (rowid, title, content) VALUES (new.vid, new.title, new.content); END;',
  'fts-hashsize4m': "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 4194304);",
  'fts-hashsize16m': "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 16777216);",
  'fts-optimize': "INSERT INTO search_index (search_index) VALUES ('optimize');",
  rebuilt: "INSERT INTO search_index (search_index) VALUES ('rebuild');",
  'rebuilt-optimize': "INSERT INTO search_index (search_index) VALUES ('rebuild'); INSERT INTO search_index (search_index) VALUES ('optimize');",
  'no-tag-idx': 'DROP INDEX document_tags_updated;',
  'no-doc-idx': 'DROP INDEX documents_type; DROP INDEX documents_updated; DROP INDEX documents_title;',
};
const names = args.set?.split(',') ?? Object.keys(VARIANTS);
const outdir = join(root, 'out/write-counts');
await build(nodeBundleOptions({ variants: join(root, 'bench/variants.ts') }, outdir));
const dir = mkdtempSync(join(tmpdir(), 'dv-var-'));
try {
  const job = { dir, docs: Number(args.docs), variants: names.map((n) => [n, VARIANTS[n]]), ...(args['cache-kib'] !== undefined ? { cacheKiB: Number(args['cache-kib']) } : {}) };
  execFileSync(process.execPath, [join(outdir, 'variants.mjs'), JSON.stringify(job)], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
