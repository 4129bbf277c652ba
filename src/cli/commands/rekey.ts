/** `docvault rekey`: changes the vault's key or passphrase. */
import { existsSync } from 'node:fs';
import { KDF_PROFILES, Vault } from '../../main/storage';
import type { Progress } from '../../shared/types';
import { stringOpt, usageError, wholeOpt } from '../args';
import type { Command } from '../command';
import { plural, toJson } from '../format';
import { readKeyFile, readPassphraseFile, writeNewKeyFile, type ResolvedKey } from '../keys';

/** `rekey`: a new raw key or passphrase for the vault, by copy and swap (old or new key, never neither). */
export const rekeyCommand: Command = {
  name: 'rekey',
  summary: 'change the key or passphrase of the vault',
  usage: '--new-key-file FILE | --new-passphrase-file FILE [--kdf-profile N]',
  description: [
    'Changes the vault\'s key. The usual key options give the current key; --new-key-file FILE a new raw key (a',
    'new random key is written to FILE, mode 600, if it does not exist) or --new-passphrase-file FILE a new',
    'passphrase (first line; stretched with Argon2id and a new salt). Every integrity tag is re-derived under',
    'the new key. It works on a verified copy that is re-encrypted, verified with the new key and renamed over',
    'the vault: killed at any moment, the vault opens with the old key or the new one. The vault must not be',
    'open anywhere (Overloaded, exit 8). Shows progress on stderr when stderr is a terminal.',
    'A vault attached to a team vault is detached by the rekey (its sync keys derive from the vault key, so the',
    'new key cannot read or seal the remote vault\'s rows): run docvault remote set URL to create a new remote',
    'vault and docvault sync to push everything; other devices clone the new one.',
  ].join('\n'),
  options: {
    'new-key-file': { type: 'string', value: 'FILE', help: 'the new raw key (64 hex); created with a random key if missing' },
    'new-passphrase-file': { type: 'string', value: 'FILE', help: 'the new passphrase (first line of FILE)' },
    'kdf-profile': { type: 'string', value: 'N', help: 'KDF profile of the new passphrase: 1 = default, 2 = light (tests only)' },
  },
  usesVault: true,
  args: [],
  async run(ctx) {
    const newKeyFile = stringOpt(ctx.values, 'new-key-file');
    const newPassFile = stringOpt(ctx.values, 'new-passphrase-file');
    if ((newKeyFile === undefined) === (newPassFile === undefined)) throw usageError('give one of --new-key-file or --new-passphrase-file', 'rekey');
    const kdfProfile = wholeOpt(ctx.values, 'kdf-profile', 'rekey', 1);
    if (kdfProfile !== undefined && KDF_PROFILES[kdfProfile] === undefined) throw usageError(`--kdf-profile: unknown profile ${kdfProfile}`, 'rekey');
    if (kdfProfile !== undefined && newKeyFile !== undefined) throw usageError('--kdf-profile applies to a new passphrase, not to --new-key-file', 'rekey');
    const path = ctx.vaultPath();
    const current = ctx.key();
    let created = false;
    let next: ResolvedKey;
    if (newKeyFile !== undefined) {
      created = !existsSync(newKeyFile);
      next = created ? writeNewKeyFile(newKeyFile) : readKeyFile(ctx.io, newKeyFile);
    } else next = readPassphraseFile(ctx.io, newPassFile as string, kdfProfile);
    ctx.addSecrets(next.secrets);
    const tty = ctx.io.stderr.isTTY === true;
    const onProgress = tty ? (p: Progress): void => void ctx.io.stderr.write(`\rChanging the key: ${p.phase ?? ''} ${p.done}/${p.total}\x1b[K`) : undefined;
    let report;
    try {
      report = await Vault.rekey(path, { key: current.spec, newKey: next.spec, ...(onProgress === undefined ? {} : { onProgress }) });
    } finally {
      if (tty) ctx.io.stderr.write('\r\x1b[K');
    }
    const { detachedFrom, ...rest } = report;
    if (ctx.json) ctx.out(toJson({ ...rest, detachedFrom: detachedFrom ?? null, newKeySource: next.source, newKeyFileCreated: created }));
    else
      ctx.out(
        `Changed the key of ${plural(report.documents, 'document')} (${plural(report.versions, 'version')}), verified, in ${Math.round(report.durationMs)} ms` +
          `${created ? `; the new key is in ${newKeyFile as string}` : ''}\n` +
          (detachedFrom === undefined
            ? ''
            : `Detached from remote vault ${detachedFrom.remoteVault} on ${detachedFrom.remoteUrl}: the new key cannot sync with it. ` +
              `Run docvault remote set ${detachedFrom.remoteUrl}${detachedFrom.caFile === undefined ? '' : ` --ca ${detachedFrom.caFile}`} to create a new remote vault, then docvault sync; other devices clone the new one\n`),
      );
    return 0;
  },
};
