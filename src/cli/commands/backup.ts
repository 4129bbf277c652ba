/** `docvault backup OUT` and `docvault restore-backup FILE`. */
import { Vault } from '../../main/storage';
import { DocvaultError } from '../../shared/errors';
import { recordQuietly } from './audit';
import type { Progress } from '../../shared/types';
import { arg, type Command, type CommandContext } from '../command';
import { formatBytes, plural, printable, toJson } from '../format';

/** A progress line on stderr when it is a terminal; nothing otherwise. Returns the callback and a cleaner. */
function progressLine(ctx: CommandContext, verb: string): { onProgress: ((p: Progress) => void) | undefined; done: () => void } {
  if (ctx.io.stderr.isTTY !== true) return { onProgress: undefined, done: () => undefined };
  return {
    onProgress: (p) => void ctx.io.stderr.write(`\r${verb}: ${p.phase ?? ''} ${p.done}/${p.total}\x1b[K`),
    done: () => void ctx.io.stderr.write('\r\x1b[K'),
  };
}

/** `backup`: an online, consistent, encrypted, verified copy of the vault. */
export const backupCommand: Command = {
  name: 'backup',
  summary: 'write a verified, encrypted copy of the vault (others may keep writing)',
  usage: 'OUT [--force]',
  description: [
    'Writes a consistent copy of the vault to OUT while other programs keep using it. The copy is encrypted',
    'with the vault\'s own key (it opens with the same passphrase or key file), written under a temporary',
    'name beside OUT, fsynced, opened and verified in full, and only then renamed to OUT: OUT is never half',
    'a backup. A process killed meanwhile leaves at most a hidden .OUT.partial-* file, never a file at OUT.',
    'Refuses (AlreadyExists, exit 4) when OUT exists, unless --force; Integrity (exit 6) if the copy does not',
    'verify (nothing is left at OUT). Shows progress on stderr when stderr is a terminal.',
  ].join('\n'),
  options: {
    force: { type: 'boolean', help: 'replace a file at OUT (after the new backup verified)' },
  },
  usesVault: true,
  args: ['OUT'],
  async run(ctx) {
    const out = arg(ctx, 0);
    const vault = await ctx.openVault();
    const progress = progressLine(ctx, 'Backing up');
    let report;
    try {
      report = vault.backup(out, { overwrite: ctx.values['force'] === true, ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }) });
    } catch (err) {
      recordQuietly(vault, { event: 'backup', outcome: 'failed', detail: err instanceof DocvaultError ? err.kind : 'Internal' });
      throw err;
    } finally {
      progress.done();
    }
    recordQuietly(vault, { event: 'backup', outcome: 'ok', count: report.documents });
    if (ctx.json) ctx.out(toJson(report));
    else
      ctx.out(
        `Backed up ${plural(report.documents, 'document')} (${plural(report.versions, 'version')}) to ${printable(report.path)}: ` +
          `${formatBytes(report.bytes)}, verified, in ${Math.round(report.durationMs)} ms\n`,
      );
    return 0;
  },
};

/** `restore-backup`: replaces the vault with a verified backup, keeping the replaced vault. */
export const restoreBackupCommand: Command = {
  name: 'restore-backup',
  summary: 'replace the vault with a backup (verified first; the replaced vault is kept)',
  usage: 'FILE',
  description: [
    'Replaces the vault with the backup FILE. The key options are the backup\'s key (the vault\'s when the',
    'backup was taken). FILE is copied beside the vault and the copy opened and verified first: a wrong key',
    '(WrongKey, exit 5) or a backup that fails verification (Integrity, exit 6) changes nothing. The vault it',
    'replaces is kept as VAULT.before-restore-<time>; the swap is one rename, so the vault path always holds',
    'the old vault or the whole restored one. The vault must not be open anywhere (Overloaded, exit 8).',
  ].join('\n'),
  options: {},
  usesVault: true,
  args: ['FILE'],
  async run(ctx) {
    const file = arg(ctx, 0);
    const path = ctx.vaultPath();
    const key = ctx.key();
    const progress = progressLine(ctx, 'Verifying the backup');
    let report;
    try {
      report = await Vault.restoreBackup(path, file, { key: key.spec, ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }) });
    } finally {
      progress.done();
    }
    if (ctx.json) ctx.out(toJson(report));
    else
      ctx.out(
        `Restored ${printable(file)} into ${printable(report.path)} (${plural(report.documents, 'document')}, ${plural(report.versions, 'version')}, verified)\n` +
          (report.keptAs === undefined ? '' : `The replaced vault is kept as ${printable(report.keptAs)}\n`),
      );
    return 0;
  },
};
