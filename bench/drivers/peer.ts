/**
 * Loading a peer's library lazily: a peer (lmdb, @signalapp/sqlcipher, crypto-pouch) is a devDependency
 * with a native part that may be missing on some machine. Importing it at the top of a driver file would
 * take the whole benchmark down with it; loading it on first use lets the runner and the in-app panel list
 * the driver as unavailable, with the reason, and run the others.
 */

/** A lazily imported module: `load()` rejects with the import error, `available()` resolves to its message. */
export interface PeerModule<T> {
  readonly specifier: string;
  load(): Promise<T>;
  /** Undefined when the module loads; otherwise why not (one line). */
  available(): Promise<string | undefined>;
}

/**
 * A {@link PeerModule} for `specifier`. The specifier goes through a variable so bundlers (esbuild for
 * the runner, Vite for the app) leave the import to run time instead of pulling the library in.
 */
export function peerModule<T>(specifier: string, pick: (ns: Record<string, unknown>) => T): PeerModule<T> {
  let loading: Promise<T> | undefined;
  const load = (): Promise<T> => {
    const name = specifier;
    loading ??= (import(/* @vite-ignore */ name) as Promise<Record<string, unknown>>).then(pick);
    return loading;
  };
  return {
    specifier,
    load,
    available: () =>
      load().then(
        () => undefined,
        (err: unknown) => `${specifier} did not load: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`,
      ),
  };
}
