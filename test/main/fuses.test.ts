/** scripts/fuses.mjs: the exact fuse settings a production build gets, handed to flipFuses. */
import { describe, expect, it } from 'vitest';
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';
import { applyFuses } from '../../scripts/fuses.mjs';

async function flipped(platform: NodeJS.Platform): Promise<{ path: string; config: FuseV1Config }[]> {
  const calls: { path: string; config: FuseV1Config }[] = [];
  const flip = async (path: string, config: FuseV1Config): Promise<number> => {
    calls.push({ path, config });
    return 0;
  };
  await applyFuses('/dist/docvault/docvault', { flip, platform });
  return calls;
}

describe('scripts/fuses.mjs', () => {
  it('passes exactly the production fuse config to flipFuses', async () => {
    expect(await flipped('linux')).toEqual([
      {
        path: '/dist/docvault/docvault',
        config: {
          version: FuseVersion.V1,
          resetAdHocDarwinSignature: false,
          [FuseV1Options.RunAsNode]: false,
          [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
          [FuseV1Options.EnableNodeCliInspectArguments]: false,
          [FuseV1Options.EnableCookieEncryption]: true,
          [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
          [FuseV1Options.OnlyLoadAppFromAsar]: true,
        },
      },
    ]);
  });

  it('re-signs ad hoc on macOS only', async () => {
    expect((await flipped('darwin'))[0]?.config.resetAdHocDarwinSignature).toBe(true);
  });

  it('refuses to run without the path of the Electron executable', async () => {
    await expect(applyFuses('', { flip: async () => 0 })).rejects.toThrow(/usage: node scripts\/fuses\.mjs/);
  });
});
