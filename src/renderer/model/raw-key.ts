/** Raw vault keys as users hold them: a key file of `docvault init --key-file`, or the same 64 hex characters pasted. */

/** The raw key in `text` (64 hex characters, surrounding whitespace ignored), or undefined when it is not one. */
export function parseRawKeyText(text: string): string | undefined {
  const t = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(t) ? t.toLowerCase() : undefined;
}

/** What the window says about a file that is not a key file. */
export const NOT_A_KEY_FILE = 'That file is not a docvault key file: a key file holds 64 hex characters (made by `docvault init --key-file`).';
