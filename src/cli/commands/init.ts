/** `docvault init`: creates a vault. */
import { existsSync, rmSync } from 'node:fs';
import { DEFAULT_KDF_PROFILE, KDF_PROFILES, Vault } from '../../main/storage';
import { DocvaultError } from '../../shared/errors';
import { flag, stringOpt, usageError, wholeOpt } from '../args';
import type { Command } from '../command';
import { toJson } from '../format';
import { PASSPHRASE_ENV, writeNewKeyFile, type ResolvedKey } from '../keys';

/** `init`: creates a new vault, encrypted unless `--no-encryption`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'create a new vault',
  usage: '[--key-file FILE | --passphrase-file FILE | --no-encryption] [--kdf-profile N]',
  description: [
    'Creates a new, empty vault file. Refuses to overwrite anything at that path.',
    `The key comes from --key-file, --passphrase-file or $${PASSPHRASE_ENV}. If the --key-file does not exist, a random`,
    'raw key is generated and written to it (mode 600): keep that file safe, the vault cannot be opened without it.',
    'A passphrase is stretched with Argon2id (KDF profile 1 by default, about 0.2 s on each open).',
    'A plain, unencrypted vault needs --no-encryption: docvault never creates one silently.',
  ].join('\n'),
  options: {
    'no-encryption': { type: 'boolean', help: 'create a plain (unencrypted) vault' },
    'kdf-profile': { type: 'string', value: 'N', help: `passphrase KDF profile: 1 = default, 2 = light (for tests and scripts only)` },
  },
  usesVault: true,
  args: [],
  async run(ctx) {
    const path = ctx.vaultPath();
    if (existsSync(path)) throw new DocvaultError('AlreadyExists', `A file already exists at ${path}; docvault will not overwrite it`, { path });
    const kdfProfile = wholeOpt(ctx.values, 'kdf-profile', 'init', 1);
    if (kdfProfile !== undefined && KDF_PROFILES[kdfProfile] === undefined)
      throw usageError(`--kdf-profile: unknown profile ${kdfProfile} (known: ${Object.keys(KDF_PROFILES).join(', ')})`, 'init');
    const keyFile = stringOpt(ctx.values, 'key-file');
    let key: ResolvedKey;
    let generated = false;
    if (flag(ctx.values, 'no-encryption')) {
      if (keyFile !== undefined || stringOpt(ctx.values, 'passphrase-file') !== undefined || kdfProfile !== undefined)
        throw usageError('--no-encryption cannot be combined with a key option', 'init');
      key = { spec: { encryption: false }, source: 'none', secrets: [] };
    } else if (keyFile !== undefined && !existsSync(keyFile)) {
      if (stringOpt(ctx.values, 'passphrase-file') !== undefined) throw usageError('give --key-file or --passphrase-file, not both', 'init');
      if (kdfProfile !== undefined) throw usageError('--kdf-profile applies to a passphrase, not to --key-file', 'init');
      key = writeNewKeyFile(keyFile);
      ctx.addSecrets(key.secrets);
      generated = true;
    } else {
      key = ctx.key(kdfProfile);
      if (key.source === 'none')
        throw usageError(`init needs a key: --key-file FILE, --passphrase-file FILE or $${PASSPHRASE_ENV} (or --no-encryption for a plain vault)`, 'init');
    }
    try {
      ctx.track(await Vault.create(path, { key: key.spec }));
    } catch (err) {
      // A key for a vault that was never made is only confusing: take back the file we just wrote.
      if (generated && keyFile !== undefined) rmSync(keyFile, { force: true });
      throw err;
    }
    const encrypted = key.source !== 'none';
    const profile = 'passphrase' in key.spec ? (kdfProfile ?? DEFAULT_KDF_PROFILE) : null;
    if (generated) ctx.note(`Wrote a new random key to ${keyFile} (mode 600). Keep it safe: without it the vault cannot be opened.`);
    if (ctx.json) {
      ctx.out(toJson({ path, encrypted, keySource: key.source, keyFile: keyFile ?? null, keyGenerated: generated, kdfProfile: profile }));
    } else {
      const how = !encrypted
        ? 'UNENCRYPTED'
        : key.source === 'key-file'
          ? `encrypted, raw key from ${keyFile}`
          : `encrypted, passphrase, Argon2id profile ${profile}`;
      ctx.out(`Created vault ${path} (${how})\n`);
    }
    return 0;
  },
};
