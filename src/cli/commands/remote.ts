/** `docvault remote`, `docvault sync` and `docvault clone`: team vaults through PostgreSQL (docs/team.md). */
import { existsSync, rmSync } from 'node:fs';
import type { Progress } from '../../shared/types';
import { DocvaultError } from '../../shared/errors';
import { PgRemote } from '../../app/sync/pg-remote';
import { parseRemoteUrl } from '../../app/sync/remote-url';
import { cloneVault, setRemote, syncVault, type SyncReport } from '../../app/sync/team-sync';
import { stringOpt, usageError } from '../args';
import { arg, type Command, type CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import { plural, toJson } from '../format';
import { PASSPHRASE_ENV } from '../keys';

const CA_OPTION = { ca: { type: 'string', value: 'FILE', help: "the CA certificate (PEM) that signed the server's certificate, when it is not a public CA" } } as const;
const PASSWORD_NOTE = 'The password comes from PGPASSWORD or ~/.pgpass (or the URL, for this run only): it is never stored or printed.';

/** Parses the URL argument and marks its password (and PGPASSWORD) for redaction. */
function urlArg(ctx: CommandContext, index: number): string {
  const url = arg(ctx, index);
  const parsed = parseRemoteUrl(url);
  ctx.addSecrets([parsed.password ?? '', ctx.io.env['PGPASSWORD'] ?? ''].filter((s) => s !== ''));
  return url;
}

function progress(ctx: CommandContext, verb: string): ((p: Progress) => void) | undefined {
  if (ctx.io.stderr.isTTY !== true) return undefined;
  return (p) => void ctx.io.stderr.write(`\r${verb} ${p.phase ?? ''} ${p.done}/${p.total}\x1b[K`);
}

function endProgress(ctx: CommandContext): void {
  if (ctx.io.stderr.isTTY === true) ctx.io.stderr.write('\r\x1b[K');
}

/** Prints a sync report; exit 6 when rows were refused (the rest was applied). */
function reportSync(ctx: CommandContext, r: SyncReport, extra: Record<string, unknown> = {}): number {
  if (ctx.json) ctx.out(toJson({ ...extra, ...r }));
  else
    ctx.out(
      `Pushed ${plural(r.pushed, 'row')}, pulled ${plural(r.pulled, 'row')}${r.conflicts > 0 ? `, ${plural(r.conflicts, 'new conflict')} (both versions kept: see docvault remote status)` : ''}\n`,
    );
  if (r.rejected === 0) return EXIT.ok;
  ctx.note(`Integrity: ${plural(r.rejected, 'remote row')} failed its check and ${r.rejected === 1 ? 'was' : 'were'} not applied; the rest was`);
  return EXIT.integrity;
}

/** `remote init|set|status`. */
export const remoteCommand: Command = {
  name: 'remote',
  summary: 'prepare a PostgreSQL database for team vaults, attach this vault to it, or show sync status',
  usage: 'init URL [--ca FILE] [--grant ROLE] | set URL [--ca FILE] [--remote-vault ID] | status [--json] | clear | add-member --role ROLE [URL]',
  description: [
    'remote init URL: creates the docvault schema in the database at URL (idempotent): the tables, the role',
    'docvault_sync (SELECT and INSERT only, no UPDATE or DELETE), row-level security per vault. Run it as a user',
    'who may create schemas and roles; --grant ROLE makes a login role a member of docvault_sync.',
    'remote set URL: attaches this vault to the server: to its remote vault if it has one, to --remote-vault ID,',
    'or to a new remote vault (this login its only member). The vault key is checked against an existing one.',
    'remote status: where the vault syncs, when it last did, what is pending, conflicts to settle. Offline.',
    'remote clear: detaches the vault: forgets the remote and the sync state (pending rows, conflict flags);',
    'every document and version stays. Offline. The server keeps its rows.',
    'remote add-member --role ROLE: makes the login ROLE a member of this vault\'s remote vault (idempotent),',
    'over the vault\'s remote (or URL, the same server as another login), as a member of it; grants ROLE',
    'docvault_sync too when it lacks it and this login may grant it (ADMIN on the role, or CREATEROLE).',
    'Connections are TLS with full verification (sslmode=verify-full); plaintext and unverifiable servers are',
    `refused (Insecure, exit ${EXIT.insecure}). ${PASSWORD_NOTE}`,
  ].join('\n'),
  options: {
    ...CA_OPTION,
    grant: { type: 'string', value: 'ROLE', help: 'remote init: grant docvault_sync to this login role' },
    'remote-vault': { type: 'string', value: 'ID', help: 'remote set: join this remote vault (32 hex)' },
    role: { type: 'string', value: 'ROLE', help: 'remote add-member: the login role to add' },
  },
  usesVault: true,
  args: ['ACTION', '[URL]'],
  async run(ctx) {
    const action = arg(ctx, 0);
    const caFile = stringOpt(ctx.values, 'ca');
    if (action === 'init') {
      const url = urlArg(ctx, 1);
      const grant = stringOpt(ctx.values, 'grant');
      const remote = await PgRemote.connect({ url, caFile });
      try {
        await remote.init(grant === undefined ? [] : [grant]);
      } finally {
        await remote.close();
      }
      if (ctx.json) ctx.out(toJson({ remote: remote.url.display, ready: true }));
      else ctx.out(`Ready: ${remote.url.display} holds the docvault schema\n`);
      return EXIT.ok;
    }
    if (action === 'set') {
      const url = urlArg(ctx, 1);
      const vault = await ctx.openVault();
      const remoteVault = stringOpt(ctx.values, 'remote-vault');
      const r = await setRemote(vault, url, { ...(caFile === undefined ? {} : { caFile }), ...(remoteVault === undefined ? {} : { remoteVault }) });
      const display = parseRemoteUrl(url).display;
      if (ctx.json) ctx.out(toJson({ remote: display, ...r }));
      else ctx.out(`${r.created ? 'Created remote vault' : 'Attached to remote vault'} ${r.remoteVault} on ${display}; run docvault sync\n`);
      return EXIT.ok;
    }
    if (action === 'status') {
      if (ctx.positionals.length > 1) throw usageError('remote status takes no URL', 'remote');
      const vault = await ctx.openVault();
      const s = vault.syncState();
      const conflicts = vault.syncConflicts();
      if (ctx.json) ctx.out(toJson({ ...s, conflictList: conflicts }));
      else if (s.remoteUrl === undefined) ctx.out('No remote: run docvault remote set URL\n');
      else {
        const lines = [
          `Remote:       ${s.remoteUrl}${s.caFile === undefined ? '' : ` (CA ${s.caFile})`}`,
          `Remote vault: ${s.remoteVault ?? ''}  device ${s.device ?? ''}`,
          `Last sync:    ${s.lastSync === undefined ? 'never' : new Date(s.lastSync).toISOString()} (server row ${s.lastSeq})`,
          `Pending:      ${plural(s.pending, 'row')} to push`,
          `Conflicts:    ${s.conflicts}${conflicts.map((c) => `\n  ${c.id}: v${c.localVersion}${c.remoteVersion === null ? '' : ` vs v${c.remoteVersion}`} (${c.reason})`).join('')}`,
          ...(s.rejected > 0 ? [`Refused:      ${plural(s.rejected, 'remote row')} failed its check`] : []),
        ];
        ctx.out(`${lines.join('\n')}\n`);
      }
      return EXIT.ok;
    }
    if (action === 'clear') {
      if (ctx.positionals.length > 1) throw usageError('remote clear takes no URL', 'remote');
      const vault = await ctx.openVault();
      const was = vault.detachRemote();
      // A CA file the window kept beside the vault is the remote's: it goes with it.
      if (was?.caFile === `${vault.path}.remote-ca.pem`) rmSync(was.caFile, { force: true });
      if (ctx.json) ctx.out(toJson({ detached: was !== undefined, remote: was?.remoteUrl ?? null, remoteVault: was?.remoteVault ?? null }));
      else if (was === undefined) ctx.out('No remote: nothing to detach\n');
      else ctx.out(`Detached from remote vault ${was.remoteVault} on ${was.remoteUrl}: every document and version stays here; the server keeps its rows\n`);
      return EXIT.ok;
    }
    if (action === 'add-member') {
      const role = stringOpt(ctx.values, 'role');
      if (role === undefined) throw usageError('remote add-member needs --role ROLE', 'remote');
      const vault = await ctx.openVault();
      const s = vault.syncState();
      if (s.remoteUrl === undefined || s.remoteVault === undefined) throw new DocvaultError('Invalid', 'This vault has no remote: run `docvault remote set URL` first');
      const remote = await PgRemote.connect({ url: ctx.positionals.length > 1 ? urlArg(ctx, 1) : s.remoteUrl, caFile: caFile ?? s.caFile });
      let r: Awaited<ReturnType<PgRemote['addMember']>>;
      try {
        r = await remote.addMember(s.remoteVault, role);
      } finally {
        await remote.close();
      }
      if (ctx.json) ctx.out(toJson({ role, remoteVault: s.remoteVault, ...r }));
      else
        ctx.out(
          `${role} is a member of remote vault ${s.remoteVault}${r.granted ? ` and was granted docvault_sync` : ''}` +
            `${r.canSync ? '; they can clone it with the vault key' : `; they cannot sync yet: the database admin grants it with docvault remote init URL --grant ${role}`}\n`,
        );
      return EXIT.ok;
    }
    throw usageError(`unknown action '${action}' (init, set, status, clear or add-member)`, 'remote');
  },
};

/** `sync`. */
export const syncCommand: Command = {
  name: 'sync',
  summary: "push this vault's new versions to its remote and pull the others'",
  usage: '[--json]',
  description: [
    'Pushes every version, Trash move and purge not yet pushed (sealed: the server cannot read them), then pulls',
    'what other devices pushed. A document edited here and elsewhere from the same base keeps both versions and is',
    'flagged as a conflict (see remote status) until a new version settles it. A remote row that fails its check',
    `is refused (Integrity, exit ${EXIT.integrity}) and the rest is applied. A sync cut short resumes where it stopped.`,
    `JSON: { pushed, pulled, conflicts, rejected }. ${PASSWORD_NOTE}`,
  ].join('\n'),
  options: {},
  usesVault: true,
  args: [],
  async run(ctx) {
    const vault = await ctx.openVault();
    ctx.addSecrets([ctx.io.env['PGPASSWORD'] ?? ''].filter((s) => s !== ''));
    const onProgress = progress(ctx, 'Syncing');
    const report = await syncVault(vault, onProgress === undefined ? {} : { onProgress });
    endProgress(ctx);
    return reportSync(ctx, report);
  },
};

/** `clone`. */
export const cloneCommand: Command = {
  name: 'clone',
  summary: 'make a new local vault from a remote one (a second device, or a colleague with the key)',
  usage: 'URL --vault NEW [--key-file FILE | --passphrase-file FILE] [--ca FILE] [--remote-vault ID]',
  description: [
    'Creates the vault NEW from the remote vault at URL and pulls everything, with progress on stderr.',
    `The key is the remote vault's (--key-file, --passphrase-file or $${PASSPHRASE_ENV}); it is checked before anything is`,
    'created (WrongKey, exit 5, and no file). With a passphrase, the new vault takes the remote vault\'s KDF salt so',
    `both have the same key. A clone cut short is finished by docvault sync. ${PASSWORD_NOTE}`,
  ].join('\n'),
  options: { ...CA_OPTION, 'remote-vault': { type: 'string', value: 'ID', help: 'which remote vault, when the login is a member of several' } },
  usesVault: true,
  args: ['URL'],
  async run(ctx) {
    const url = urlArg(ctx, 0);
    const path = ctx.vaultPath();
    if (existsSync(path)) throw new DocvaultError('AlreadyExists', `A file already exists at ${path}; docvault will not overwrite it`, { path });
    const key = ctx.key();
    if (key.source === 'none') throw usageError(`clone needs the remote vault's key: --key-file FILE, --passphrase-file FILE or $${PASSPHRASE_ENV}`, 'clone');
    const caFile = stringOpt(ctx.values, 'ca');
    const remoteVault = stringOpt(ctx.values, 'remote-vault');
    const onProgress = progress(ctx, 'Cloning');
    let result: Awaited<ReturnType<typeof cloneVault>>;
    try {
      result = await cloneVault(url, {
        path,
        key: key.spec,
        ...(caFile === undefined ? {} : { caFile }),
        ...(remoteVault === undefined ? {} : { remoteVault }),
        ...(onProgress === undefined ? {} : { onProgress }),
      });
    } finally {
      endProgress(ctx);
    }
    ctx.track(result.vault);
    return reportSync(ctx, result.report, { vault: path, remoteVault: result.remoteVault });
  },
};
