/**
 * The shared shortcut table (src/shared/shortcuts.ts) as this window uses it: in Electron the menu owns the
 * keys (its accelerators come from the same table), in a browser tab the key handler below does.
 */
import { useEffect, useRef } from 'react';
import type { UiCommand } from '../shared/contract';
import { SHORTCUTS, chordLabel, commandForKey, type Chord, type Shortcut } from '../shared/shortcuts';

/** True in the Electron app (the preload set `window.docvault`). */
function inApp(): boolean {
  return window.docvault !== undefined;
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

/** The chord that works in this window. */
export function activeChord(s: Shortcut): Chord {
  return inApp() ? s.app : s.browser;
}

/** "Ctrl+S" (or "⌘S" on a Mac) for this window. */
export function chordHint(s: Shortcut): string {
  return chordLabel(activeChord(s), isMac());
}

/** One line of help: "New document Alt+N · Save Ctrl+S · …". */
export function shortcutHelp(): { command: UiCommand; label: string; keys: string }[] {
  return SHORTCUTS.map((s) => ({ command: s.command, label: s.label, keys: chordHint(s) }));
}

/** Runs `run(command)` for the browser chords of the table. In Electron the menu sends them as `ui.command` instead. */
export function useShortcutKeys(run: (c: UiCommand) => void): void {
  const latest = useRef(run);
  useEffect(() => {
    latest.current = run;
  });
  useEffect(() => {
    if (inApp()) return undefined;
    const onKey = (e: KeyboardEvent): void => {
      const c = commandForKey(e, 'browser');
      if (c === undefined) return;
      e.preventDefault();
      latest.current(c);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
