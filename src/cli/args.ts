/**
 * Argument parsing over `node:util` parseArgs: option specs that also render help, strict parsing
 * (unknown options and missing values are `Invalid`, exit 2), and typed accessors for the values.
 */
import { parseArgs } from 'node:util';
import { DocvaultError } from '../shared/errors';

/** One option of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly value?: string;
  readonly help: string;
}

/** Option specs by long name (without the dashes). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Values parsed by {@link parseCommandArgs}. */
export type ParsedValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** The result of parsing one command line. */
export interface ParsedArgs {
  readonly values: ParsedValues;
  readonly positionals: readonly string[];
}

/** Options every vault command takes. */
export const VAULT_OPTIONS: OptionSpecs = {
  vault: { type: 'string', value: 'FILE', help: 'vault file (default: $DOCVAULT_VAULT)' },
  'passphrase-file': { type: 'string', value: 'FILE', help: 'read the passphrase from the first line of FILE' },
  'key-file': { type: 'string', value: 'FILE', help: 'read the raw key (64 hex characters) from FILE' },
};

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', help: 'machine-readable JSON output' },
  help: { type: 'boolean', short: 'h', help: 'show help for this command' },
};

/** A usage error: `Invalid`, with a pointer to the command's help. */
export function usageError(message: string, command?: string): DocvaultError {
  const hint = command === undefined ? 'docvault --help' : `docvault ${command} --help`;
  return new DocvaultError('Invalid', `${message} (see '${hint}')`);
}

/** Parses `args` strictly against `specs`. */
export function parseCommandArgs(args: readonly string[], specs: OptionSpecs, command: string): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type, ...(s.short !== undefined ? { short: s.short } : {}), ...(s.multiple === true ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { values: values as ParsedValues, positionals };
  } catch (err) {
    // parseArgs' messages run on with advice about `--`; keep the first sentence.
    const text = err instanceof Error ? err.message : String(err);
    const first = text.split(/\.(?:\s|$)/)[0] ?? 'bad arguments';
    throw usageError(first, command);
  }
}

/** A string option, or undefined. */
export function stringOpt(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable string option. */
export function stringsOpt(values: ParsedValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** A boolean flag. */
export function flag(values: ParsedValues, name: string): boolean {
  return values[name] === true;
}

/** Parses a whole number ≥ `min` given on the command line. */
export function parseWhole(text: string, what: string, command: string, min = 0): number {
  if (!/^\d{1,15}$/.test(text)) throw usageError(`${what}: expected a whole number, got '${text}'`, command);
  const n = Number(text);
  if (n < min) throw usageError(`${what}: must be at least ${min}, got ${n}`, command);
  return n;
}

/** An optional whole-number option. */
export function wholeOpt(values: ParsedValues, name: string, command: string, min = 0): number | undefined {
  const v = stringOpt(values, name);
  return v === undefined ? undefined : parseWhole(v, `--${name}`, command, min);
}

/** Help lines for a set of options, aligned. */
export function renderOptions(specs: OptionSpecs): string[] {
  const rows = Object.entries(specs).map(([name, s]) => {
    const short = s.short !== undefined ? `-${s.short}, ` : '    ';
    const left = `${short}--${name}${s.value !== undefined ? ` ${s.value}` : ''}${s.multiple === true ? ' ...' : ''}`;
    return [left, s.help] as const;
  });
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  return rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`);
}

/**
 * Finds the command in `argv`: the first argument that is neither an option nor the value of a
 * global option taking one. Returns its index, or -1.
 */
export function findCommandIndex(argv: readonly string[]): number {
  const takesValue = new Set(Object.entries(VAULT_OPTIONS).filter(([, s]) => s.type === 'string').map(([n]) => `--${n}`));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith('-') || a === '-') return i;
    if (takesValue.has(a)) i++;
  }
  return -1;
}
