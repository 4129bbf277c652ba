/** Finds the bundled storage worker (scripts/build-node.mjs writes it to out/node/storage-worker.mjs). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocvaultError } from '../../../shared/errors';

/** File name of the bundled worker. */
export const WORKER_FILE = 'storage-worker.mjs';

/**
 * The worker bundle to start: `explicit` if given, else `$DOCVAULT_STORAGE_WORKER`, else the first of
 * `<dir>/storage-worker.mjs`, `<dir>/node/storage-worker.mjs`, `<dir>/out/node/storage-worker.mjs` walking up
 * from this module (covers the bundle itself in out/node, Electron's out/main, and the source tree).
 */
export function resolveWorkerPath(explicit?: string): string {
  const fromEnv = process.env['DOCVAULT_STORAGE_WORKER'];
  const tried: string[] = [];
  const check = (p: string): string | undefined => {
    tried.push(p);
    return existsSync(p) ? p : undefined;
  };
  if (explicit !== undefined) {
    if (check(explicit) !== undefined) return explicit;
  } else if (fromEnv !== undefined && fromEnv !== '') {
    if (check(fromEnv) !== undefined) return fromEnv;
  } else {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const found = check(join(dir, WORKER_FILE)) ?? check(join(dir, 'node', WORKER_FILE)) ?? check(join(dir, 'out', 'node', WORKER_FILE));
      if (found !== undefined) return found;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new DocvaultError('Internal', `The storage worker bundle (${WORKER_FILE}) was not found; build it with \`npm run build:node\`. Looked at: ${tried.join(', ')}`);
}
