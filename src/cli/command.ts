/**
 * What a CLI command is, and the context it runs in. The runner (main.ts) parses arguments, builds
 * the context, and closes every vault the command opened, on success and on error alike.
 */
import { Vault } from '../main/storage';
import { DocvaultError } from '../shared/errors';
import type { Progress } from '../shared/types';
import { usageError, type OptionSpecs, type ParsedValues } from './args';
import type { CliIo } from './io';
import { PASSPHRASE_ENV, resolveKey, type ResolvedKey } from './keys';

/** Environment variable naming the vault file. */
export const VAULT_ENV = 'DOCVAULT_VAULT';

/** One `docvault` command. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Arguments after the command name, e.g. `ID [--version N]`. */
  readonly usage: string;
  /** Paragraphs shown by `docvault <command> --help`. */
  readonly description: string;
  /** Options of this command besides the common and vault ones. */
  readonly options: OptionSpecs;
  /** Whether the command works on a vault (takes --vault and the key options). */
  readonly usesVault: boolean;
  /** Names of the positional arguments; those in brackets are optional. */
  readonly args: readonly string[];
  /** Runs the command; returns the exit status. Throws {@link DocvaultError} on failure. */
  run(ctx: CommandContext): Promise<number>;
}

/** What a command sees while it runs. */
export interface CommandContext {
  readonly command: Command;
  readonly io: CliIo;
  readonly values: ParsedValues;
  readonly positionals: readonly string[];
  readonly json: boolean;
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes a line to stderr (notes, warnings, progress). */
  note(text: string): void;
  /** The vault file from `--vault` or `$DOCVAULT_VAULT`. */
  vaultPath(): string;
  /** Resolves the key from the options and environment (and remembers its secrets for redaction). */
  key(kdfProfile?: number): ResolvedKey;
  /** Remembers secrets the error printer must redact. */
  addSecrets(secrets: readonly string[]): void;
  /** Hands a vault to the runner, which closes it when the command ends. */
  track(vault: Vault): Vault;
  /** Opens the vault with the resolved key; the runner closes it when the command ends. */
  openVault(): Promise<Vault>;
}

/** Builds the context of one command run. `secrets` and `vaults` are filled as the command runs. */
export function makeContext(
  command: Command,
  io: CliIo,
  values: ParsedValues,
  positionals: readonly string[],
  secrets: string[],
  vaults: Vault[],
): CommandContext {
  const ctx: CommandContext = {
    command,
    io,
    values,
    positionals,
    json: values['json'] === true,
    out: (text) => void io.stdout.write(text),
    note: (text) => void io.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    vaultPath: () => {
      const v = values['vault'];
      const path = typeof v === 'string' ? v : io.env[VAULT_ENV];
      if (path === undefined || path === '') throw usageError(`no vault given: pass --vault FILE or set ${VAULT_ENV}`, command.name);
      return path;
    },
    key: (kdfProfile) => {
      const k = resolveKey(io, values, command.name, kdfProfile);
      secrets.push(...k.secrets);
      return k;
    },
    addSecrets: (s) => void secrets.push(...s),
    track: (vault) => {
      vaults.push(vault);
      return vault;
    },
    openVault: async () => {
      const path = ctx.vaultPath();
      const key = ctx.key();
      try {
        return ctx.track(await Vault.open(path, { key: key.spec, onMigration: upgradeNotes(io, ctx.note) }));
      } catch (err) {
        if (err instanceof DocvaultError && err.kind === 'WrongKey' && key.source === 'none')
          throw new DocvaultError('WrongKey', `${err.message} (set ${PASSPHRASE_ENV}, or pass --passphrase-file or --key-file)`);
        throw err;
      }
    },
  };
  return ctx;
}

/**
 * What the CLI says while a vault made by an older docvault is upgraded as it opens (once; minutes for a
 * large vault): a line when the upgrade starts and one when it ends, on stderr, so a slow command explains
 * itself in a script's log too; a percentage between them when stderr is a terminal.
 */
function upgradeNotes(io: CliIo, note: (text: string) => void): (p: Progress) => void {
  const tty = io.stderr.isTTY === true;
  let started = false;
  return (p) => {
    if (!started) {
      started = true;
      note('Upgrading the vault for this version of docvault (once; a large vault takes minutes)…');
    }
    if (p.done >= p.total) {
      if (tty) io.stderr.write('\r\x1b[K');
      note('The vault is upgraded.');
    } else if (tty) io.stderr.write(`\rUpgrading: ${Math.floor((100 * p.done) / p.total)}%\x1b[K`);
  };
}

/** The positional argument `index`, which the runner has already checked is present. */
export function arg(ctx: CommandContext, index: number): string {
  const v = ctx.positionals[index];
  if (v === undefined) throw usageError(`missing argument ${ctx.command.args[index] ?? ''}`, ctx.command.name);
  return v;
}
