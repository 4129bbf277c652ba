/** The committed schema-1 vault (test/fixtures/schema1), copied to a temp dir for each test that opens it. */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp';

const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'schema1');

/** The raw test key of the schema-1 fixture, 64 hex characters. */
export const SCHEMA1_KEY = readFileSync(join(FIXTURE_DIR, 'key.hex'), 'utf8').trim();

/** A private copy of the schema-1 fixture vault; never write to the committed file. */
export function copySchema1(): { path: string; key: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('docvault-fixture-');
  const path = join(dir, 'vault.dvault');
  copyFileSync(join(FIXTURE_DIR, 'vault.dvault'), path);
  return { path, key: SCHEMA1_KEY, dir, cleanup };
}

/** Ids of the live documents in the fixture (see its README). */
export const SCHEMA1_IDS = ['alpha', 'unicode-ü', 'beta', 'gamma', ...Array.from({ length: 8 }, (_, i) => `bulk-${i}`)] as const;
