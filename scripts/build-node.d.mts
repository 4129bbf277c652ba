import type { BuildOptions } from 'esbuild';
/** Repository root. */
export const ROOT: string;
/** Product bundles: name -> source. */
export const NODE_ENTRIES: Readonly<Record<string, string>>;
/** Test fixtures run as child processes: name -> source, built into out/test. */
export const TEST_ENTRIES: Readonly<Record<string, string>>;
/** The one esbuild configuration for Node bundles. */
export function nodeBundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions;
/** Builds the product bundles into out/node. */
export function buildNodeBundles(): Promise<void>;
/** Builds the test fixtures into out/test. */
export function buildTestFixtures(): Promise<void>;
/** Newest modification time of any file under the given repository folders (ms). */
export function newestSource(dirs?: readonly string[]): number;
