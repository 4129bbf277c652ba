/**
 * The paths a window may hand to an import or export job. In Electron the window never names a path: it
 * asks for the system dialog (`transfer.pick`) and gets a grant, an opaque one-use token for the path the
 * user chose, so a compromised page cannot make the app read or write anywhere it likes. The web twin has no
 * system dialog; there the user types a path, which is checked here (absolute, no symbolic link, the right
 * kind of thing). Whoever holds the twin's per-launch token already has every right of the user running it:
 * a typed path gives them nothing the CLI would not (see docs/app.md).
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { DocvaultError } from '../../shared/errors';
import type { PathGrant, PathPurpose, PathRef } from '../../shared/transfer';

/** Shows the system dialog for `purpose`; undefined when the user cancels. Electron's lives in src/main. */
export type PathPicker = (purpose: PathPurpose) => Promise<string | undefined>;

/** How long a grant stays good: long enough to fill in the rest of the dialog. */
const GRANT_TTL_MS = 30 * 60 * 1000;
/** Grants kept at once (each pick makes one; unused ones expire). */
const MAX_GRANTS = 16;

/** Paths chosen in the system dialog, by grant, each good for one job. */
export class PathGrants {
  readonly #grants = new Map<string, { readonly path: string; readonly purpose: PathPurpose; readonly expires: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A grant for `path`, chosen by the user for `purpose`. */
  add(path: string, purpose: PathPurpose): PathGrant {
    const now = this.#now();
    for (const [g, v] of this.#grants) if (v.expires <= now) this.#grants.delete(g);
    // The oldest goes first when a window picks and picks again without starting anything.
    if (this.#grants.size >= MAX_GRANTS) this.#grants.delete(this.#grants.keys().next().value as string);
    const grant = randomBytes(16).toString('hex');
    this.#grants.set(grant, { path, purpose, expires: now + GRANT_TTL_MS });
    return { grant, label: path };
  }

  /** The path of `grant` for one of `purposes`, used up. `Invalid` for an unknown, expired or misused grant. */
  take(grant: string, purposes: readonly PathPurpose[]): string {
    const g = this.#grants.get(grant);
    this.#grants.delete(grant);
    if (g === undefined || g.expires <= this.#now()) throw new DocvaultError('Invalid', 'That choice of folder or file has expired: choose it again');
    if (!purposes.includes(g.purpose)) throw new DocvaultError('Invalid', `That path was chosen for another purpose (${g.purpose})`);
    return g.path;
  }
}

/** Resolves what the window sent: a grant, or a typed path where typed paths are allowed. */
export function resolvePathRef(ref: PathRef, grants: PathGrants, typedPaths: boolean, purposes: readonly PathPurpose[]): string {
  if ('grant' in ref) return grants.take(ref.grant, purposes);
  if (!typedPaths) throw new DocvaultError('Invalid', 'This window chooses folders with the system dialog, not typed paths');
  if (!isAbsolute(ref.path)) throw new DocvaultError('Invalid', `Type a full path (starting with / or a drive letter), not "${ref.path.slice(0, 200)}"`);
  return normalize(ref.path);
}

function lstatOrNotFound(path: string): Stats {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DocvaultError('NotFound', `Nothing at ${path}`);
    throw new DocvaultError('Invalid', `Cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Checks an import source: a folder or a file, itself (a symbolic link is refused, as inside the folder). */
export function checkImportSource(path: string): void {
  const st = lstatOrNotFound(path);
  if (st.isSymbolicLink()) throw new DocvaultError('Invalid', `${path} is a symbolic link: choose the folder or file it points to`);
  if (!st.isDirectory() && !st.isFile()) throw new DocvaultError('Invalid', `${path} is not a folder or a file`);
}

/**
 * Makes the folder an export goes into: a new `docvault-export-<time>` inside `parent` (a folder, not a
 * symbolic link), so an export never writes over a file that was there before. Returns its path.
 */
export function makeExportFolder(parent: string, now: Date = new Date()): string {
  const st = lstatOrNotFound(parent);
  if (st.isSymbolicLink()) throw new DocvaultError('Invalid', `${parent} is a symbolic link: choose the folder it points to`);
  if (!st.isDirectory()) throw new DocvaultError('Invalid', `${parent} is not a folder`);
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  for (let n = 1; n < 100; n++) {
    const dir = join(parent, `docvault-export-${stamp}${n === 1 ? '' : `-${n}`}`);
    try {
      // Not recursive: fails if something is already there, so the folder is ours alone.
      mkdirSync(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DocvaultError('Invalid', `Cannot create a folder in ${parent}: ${(err as Error).message}`);
    }
  }
  throw new DocvaultError('AlreadyExists', `Too many exports named docvault-export-${stamp} in ${parent}`);
}
