#!/usr/bin/env node
// Flips Electron's fuses in a packaged docvault build: `node scripts/fuses.mjs <path to the packaged
// Electron executable>`. Packaging calls this after copying Electron and before signing. Fuses are bits
// in the binary itself, so they hold whatever the environment or command line says at run time.
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { fileURLToPath } from 'node:url';

/**
 * The fuse settings of a production build.
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the signed app into a general Node interpreter.
 * - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS cannot inject --require'd code.
 * - EnableNodeCliInspectArguments off: --inspect / --inspect-brk cannot attach a debugger to main.
 * - EnableCookieEncryption on: cookies and similar storage are encrypted with the OS keychain key.
 * - EnableEmbeddedAsarIntegrityValidation on: app.asar is checked against the hash built into the binary.
 * - OnlyLoadAppFromAsar on: the app code is loaded from app.asar only, never from a loose app/ folder.
 * `resetAdHocDarwinSignature` re-signs ad hoc on macOS, where flipping bits invalidates the signature.
 */
export function fuseConfig(platform = process.platform) {
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  };
}

/** Applies {@link fuseConfig} to the Electron executable at `electronPath` with `flip` (@electron/fuses' flipFuses). */
export async function applyFuses(electronPath, { flip = flipFuses, platform = process.platform } = {}) {
  if (typeof electronPath !== 'string' || electronPath === '') throw new Error('usage: node scripts/fuses.mjs <path to the packaged Electron executable>');
  return flip(electronPath, fuseConfig(platform));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  applyFuses(process.argv[2]).then(
    () => process.stdout.write(`fuses set on ${process.argv[2]}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
