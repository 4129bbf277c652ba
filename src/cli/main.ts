/**
 * The `docvault` command: parses the command line, runs one command over the storage engine, and
 * turns every outcome into an exit status (see exit-codes.ts). Failures print one line,
 * `Kind: message`, never a stack trace (unless DOCVAULT_DEBUG is set, for unexpected errors) and
 * never a secret.
 */
import pkg from '../../package.json' with { type: 'json' };
import type { Vault } from '../main/storage';
import { DocvaultError, serializeError } from '../shared/errors';
import { COMMON_OPTIONS, VAULT_OPTIONS, findCommandIndex, parseCommandArgs, renderOptions, usageError, type OptionSpecs } from './args';
import { VAULT_ENV, makeContext, type Command } from './command';
import { COMMANDS, findCommand } from './commands';
import { EXIT, EXIT_CODE_HELP, exitCodeFor } from './exit-codes';
import { printable } from './format';
import { processIo, type CliIo } from './io';
import { PASSPHRASE_ENV } from './keys';

/** Environment variable that adds stack traces to `Internal` errors. */
export const DEBUG_ENV = 'DOCVAULT_DEBUG';

function optionsOf(command: Command): OptionSpecs {
  return { ...command.options, ...(command.usesVault ? VAULT_OPTIONS : {}), ...COMMON_OPTIONS };
}

/** `docvault --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `docvault ${pkg.version}: an encrypted local document store that keeps every version.`,
    '',
    'Usage: docvault <command> [options] [arguments]',
    '       docvault <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Vault and key (every command but help):',
    ...renderOptions(VAULT_OPTIONS),
    '',
    'Every command also takes:',
    ...renderOptions(COMMON_OPTIONS),
    '',
    'Environment:',
    `  ${VAULT_ENV}       vault file when --vault is not given`,
    `  ${PASSPHRASE_ENV}  passphrase when neither --passphrase-file nor --key-file is given`,
    `  ${DEBUG_ENV}       print stack traces of internal errors`,
    '  NO_COLOR             no colours in diff output',
    '',
    'Exit status:',
    ...EXIT_CODE_HELP.map(([code, text]) => `  ${String(code).padStart(2)}  ${text}`),
    '',
    'On failure, stderr gets one line starting with the error kind, e.g.',
    '  WrongKey: Wrong passphrase or key for this vault (or the file is not a vault)',
    '',
    'Example:',
    '  export DOCVAULT_VAULT=~/notes.dvault',
    '  docvault init --key-file ~/.docvault.key',
    '  echo "hello" | docvault put --id hello --title Greeting --key-file ~/.docvault.key',
    '  docvault get hello --key-file ~/.docvault.key',
    '',
  ].join('\n');
}

/** `docvault <command> --help`. */
export function commandHelp(command: Command): string {
  const usage = `Usage: docvault ${command.name}${command.usage === '' ? '' : ` ${command.usage}`}${command.usesVault ? ' [--vault FILE] [key option]' : ''}`;
  return [
    usage,
    '',
    command.description,
    '',
    'Options:',
    ...renderOptions(optionsOf(command)),
    '',
    "Environment variables and exit statuses: see 'docvault --help'.",
    '',
  ].join('\n');
}

/** One line, secrets replaced, control characters flattened. */
function errorLine(kind: string, message: string, secrets: readonly string[]): string {
  let text = message;
  // Redact any secret that somehow reached a message; very short ones would mangle the text, so the
  // engine's messages never contain key material in the first place. This is a second line of defence.
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join('[redacted]');
  return `${kind}: ${printable(text.replace(/[\r\n]+/g, ' '))}\n`;
}

async function runCommand(command: Command, args: readonly string[], io: CliIo, secrets: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, optionsOf(command), command.name);
  if (values['help'] === true) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  const required = command.args.filter((a) => !a.startsWith('[')).length;
  if (positionals.length < required) throw usageError(`${command.name} needs ${command.args.slice(positionals.length, required).join(' ')}`, command.name);
  if (positionals.length > command.args.length)
    throw usageError(`unexpected argument '${positionals[command.args.length] ?? ''}'`, command.name);
  const vaults: Vault[] = [];
  const ctx = makeContext(command, io, values, positionals, secrets, vaults);
  let code: number;
  try {
    code = await command.run(ctx);
  } catch (err) {
    // Close quietly: a failed close after a failed command must not hide the first error.
    for (const v of vaults) closeQuietly(v);
    throw err;
  }
  for (const v of vaults) closeAfterSuccess(v, io, secrets);
  return code;
}

/**
 * Closes a vault after the command's work succeeded. Close only checkpoints the WAL and runs
 * `PRAGMA optimize`; every write was already committed and synced, so a failure here (typically another
 * process holding the write lock past the busy timeout) is a warning, never the command's outcome.
 */
function closeAfterSuccess(vault: Vault, io: CliIo, secrets: readonly string[]): void {
  try {
    vault.close();
  } catch (err) {
    const e = closeError(err);
    io.stderr.write(`warning: ${errorLine(e.kind, `${e.message}; the command's work is committed`, secrets)}`);
  }
}

/** Maps an error thrown by close: a locked database is `Overloaded`, anything else keeps its kind or is `Internal`. */
export function closeError(err: unknown): DocvaultError {
  if (err instanceof DocvaultError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const busy = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
  if (busy) return new DocvaultError('Overloaded', 'closing the vault: another process holds its write lock, so the WAL was not checkpointed', undefined, { cause: err });
  return new DocvaultError('Internal', `closing the vault: ${serializeError(err).message}`, undefined, { cause: err });
}

function closeQuietly(vault: Vault): void {
  try {
    vault.close();
  } catch {
    // the command's own error is the one to report
  }
}

/**
 * Runs `docvault` with `argv` (the arguments after the program name) and returns the exit status.
 * Never throws and never calls process.exit, so it can be embedded and tested.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const secrets: string[] = [];
  try {
    const at = findCommandIndex(argv);
    if (at < 0) {
      if (argv.includes('--version') || argv.includes('-V')) {
        io.stdout.write(`docvault ${pkg.version}\n`);
        return EXIT.ok;
      }
      if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
        (argv.length === 0 ? io.stderr : io.stdout).write(mainHelp());
        return argv.length === 0 ? EXIT.invalid : EXIT.ok;
      }
      throw usageError('no command given');
    }
    const name = argv[at] as string;
    if (name === 'help') {
      const topic = argv[at + 1];
      const command = topic === undefined ? undefined : findCommand(topic);
      if (topic !== undefined && command === undefined) throw usageError(`unknown command '${topic}'`);
      io.stdout.write(command === undefined ? mainHelp() : commandHelp(command));
      return EXIT.ok;
    }
    const command = findCommand(name);
    if (command === undefined) throw usageError(`unknown command '${name}'`);
    return await runCommand(command, [...argv.slice(0, at), ...argv.slice(at + 1)], io, secrets);
  } catch (err) {
    const kind = err instanceof DocvaultError ? err.kind : 'Internal';
    const message = err instanceof DocvaultError ? err.message : serializeError(err).message;
    io.stderr.write(errorLine(kind, message, secrets));
    // Typed Internal errors (an I/O error mapped by the engine) are as unexpected as untyped ones.
    if (kind === 'Internal' && (io.env[DEBUG_ENV] ?? '') !== '') io.stderr.write(debugTrace(err, secrets));
    return exitCodeFor(kind);
  }
}

/** The stack of `err` and of each `cause` below it, secrets redacted, for DOCVAULT_DEBUG. */
function debugTrace(err: unknown, secrets: readonly string[]): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    parts.push(`${depth === 0 ? '' : 'Caused by: '}${e.stack ?? `${e.name}: ${e.message}`}`);
  let text = parts.join('\n');
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join('[redacted]');
  return `${text}\n`;
}
