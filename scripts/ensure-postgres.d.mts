/** The folder holding initdb, pg_ctl, postgres and pg_dump, or undefined. */
export function findPgBinDir(env?: NodeJS.ProcessEnv): string | undefined;
/** `{ binDir }` when the binaries are there (installing them if root), else `{ reason }`. */
export function ensurePostgres(): { binDir: string; reason?: undefined } | { binDir?: undefined; reason: string };
