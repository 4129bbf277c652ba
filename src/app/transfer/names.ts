/**
 * File names for exported documents: a title such as `../../x` or `CON` becomes a plain name inside the
 * target folder, never a path. Every name is checked again against the folder after joining.
 */
import { resolve, sep } from 'node:path';
import { DocvaultError } from '../../shared/errors';

/** Names Windows reserves whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_NAME_CHARS = 100;

/** A safe base name (no extension) for `text`: letters, digits, space, `()._-`; never empty, never dot-led. */
export function safeBaseName(text: string): string {
  let name = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ()._-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[\s.-]+|[\s.-]+$/g, '');
  if (name.length > MAX_NAME_CHARS) name = name.slice(0, MAX_NAME_CHARS).replace(/[\s.-]+$/, '');
  if (name === '' || RESERVED.test(name)) name = `document${name === '' ? '' : `-${name}`}`;
  return name;
}

/** Hands out distinct file names in one folder (case-insensitively, for case-insensitive file systems). */
export class NameAllocator {
  readonly #used = new Set<string>();

  /** `base.ext`, or `base-2.ext`, `base-3.ext`… if taken. */
  take(base: string, ext: string): string {
    for (let n = 1; ; n++) {
      const name = `${base}${n === 1 ? '' : `-${n}`}${ext}`;
      if (!this.#used.has(name.toLowerCase())) {
        this.#used.add(name.toLowerCase());
        return name;
      }
    }
  }
}

/** `dir/name`, refusing anything that would resolve outside `dir`. */
export function inside(dir: string, name: string): string {
  const root = resolve(dir);
  const path = resolve(root, name);
  if (!path.startsWith(root + sep)) throw new DocvaultError('Invalid', `refusing to write outside ${dir}: ${name}`);
  return path;
}
