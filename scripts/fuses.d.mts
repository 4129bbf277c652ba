import type { FuseV1Config } from '@electron/fuses';
/** The fuse settings of a production build (see scripts/fuses.mjs for why each). */
export function fuseConfig(platform?: NodeJS.Platform): FuseV1Config;
/** Applies {@link fuseConfig} to a packaged Electron executable with `flip` (default: @electron/fuses' flipFuses). */
export function applyFuses(
  electronPath: string,
  opts?: { flip?: (path: string, config: FuseV1Config) => Promise<number>; platform?: NodeJS.Platform },
): Promise<number>;
