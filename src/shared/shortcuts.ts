/**
 * The one shortcut table. Electron's menu takes its accelerators from here, the renderer's key handler
 * matches browser key presses against it, and the help text is written from it, so the three cannot disagree.
 */
import type { UiCommand } from './contract';

/** One key combination. `mod` is Ctrl (⌘ on macOS). */
export interface Chord {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
  readonly alt?: boolean;
}

/** A command with its keys in the Electron app (menu accelerator) and in a browser tab (web twin). */
export interface Shortcut {
  readonly command: UiCommand;
  /** Menu label and help text. */
  readonly label: string;
  /** In Electron: the menu owns it (as an accelerator) and sends `ui.command` to the window. */
  readonly app: Chord;
  /**
   * In a browser tab. Differs where the browser keeps the key for itself: Ctrl+N opens a window and Ctrl+L
   * goes to the address bar, and a page cannot stop either.
   */
  readonly browser: Chord;
}

/** Every shortcut, in menu order. */
export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'new', label: 'New document', app: { key: 'n', mod: true }, browser: { key: 'n', alt: true } },
  { command: 'save', label: 'Save', app: { key: 's', mod: true }, browser: { key: 's', mod: true } },
  { command: 'search', label: 'Search text', app: { key: 'f', mod: true, shift: true }, browser: { key: 'f', mod: true, shift: true } },
  { command: 'find', label: 'Find by id', app: { key: 'f', mod: true }, browser: { key: 'f', mod: true } },
  { command: 'lock', label: 'Lock', app: { key: 'l', mod: true }, browser: { key: 'l', mod: true, shift: true } },
  // Ctrl+Shift+I is the developer tools' key in browsers (and in a development build of the app): O for "open into".
  { command: 'import', label: 'Import…', app: { key: 'o', mod: true, shift: true }, browser: { key: 'o', mod: true, shift: true } },
  { command: 'export', label: 'Export…', app: { key: 'e', mod: true, shift: true }, browser: { key: 'e', mod: true, shift: true } },
];

/** The shortcut of `command`. */
export function shortcutOf(command: UiCommand): Shortcut {
  const s = SHORTCUTS.find((x) => x.command === command);
  if (s === undefined) throw new Error(`No shortcut for ${command}`);
  return s;
}

/** Electron's accelerator string: `CmdOrCtrl+Shift+L`. */
export function accelerator(c: Chord): string {
  return [c.mod === true ? 'CmdOrCtrl' : '', c.alt === true ? 'Alt' : '', c.shift === true ? 'Shift' : '', c.key.toUpperCase()].filter((p) => p !== '').join('+');
}

/** How people read it: `Ctrl+Shift+L`, or `⌘⇧L` on a Mac. */
export function chordLabel(c: Chord, mac = false): string {
  if (mac) return `${c.mod === true ? '⌘' : ''}${c.alt === true ? '⌥' : ''}${c.shift === true ? '⇧' : ''}${c.key.toUpperCase()}`;
  return [c.mod === true ? 'Ctrl' : '', c.alt === true ? 'Alt' : '', c.shift === true ? 'Shift' : '', c.key.toUpperCase()].filter((p) => p !== '').join('+');
}

/** The part of a KeyboardEvent a chord is matched against. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** True when `e` is exactly `c` (extra modifiers do not match). */
export function matchesChord(c: Chord, e: KeyPress): boolean {
  return (
    e.key.toLowerCase() === c.key &&
    (e.ctrlKey || e.metaKey) === (c.mod === true) &&
    e.shiftKey === (c.shift === true) &&
    e.altKey === (c.alt === true)
  );
}

/** The command a browser key press stands for, if any. */
export function commandForKey(e: KeyPress, where: 'app' | 'browser'): UiCommand | undefined {
  return SHORTCUTS.find((s) => matchesChord(s[where], e))?.command;
}
