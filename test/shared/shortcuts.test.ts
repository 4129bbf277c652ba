/** The one shortcut table: the menu's accelerators, the browser key handler and the help text all come from it. */
import { describe, expect, it } from 'vitest';
import { SHORTCUTS, accelerator, chordLabel, commandForKey, matchesChord, shortcutOf } from '../../src/shared/shortcuts';

const press = (key: string, m: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({
  key,
  ctrlKey: m.ctrl === true,
  metaKey: m.meta === true,
  shiftKey: m.shift === true,
  altKey: m.alt === true,
});

describe('shortcut table', () => {
  it('has one entry per menu command', () => {
    expect(SHORTCUTS.map((s) => s.command).sort()).toEqual(['export', 'find', 'import', 'lock', 'new', 'save', 'search']);
  });
  it('tells Search text (Ctrl+Shift+F) from Find by id (Ctrl+F)', () => {
    expect(commandForKey(press('F', { ctrl: true, shift: true }), 'browser')).toBe('search');
    expect(commandForKey(press('f', { ctrl: true }), 'browser')).toBe('find');
    expect(accelerator(shortcutOf('search').app)).toBe('CmdOrCtrl+Shift+F');
  });
  it('writes Electron accelerators and readable labels', () => {
    expect(accelerator(shortcutOf('lock').app)).toBe('CmdOrCtrl+L');
    expect(accelerator(shortcutOf('lock').browser)).toBe('CmdOrCtrl+Shift+L');
    expect(chordLabel(shortcutOf('lock').browser)).toBe('Ctrl+Shift+L');
    expect(chordLabel(shortcutOf('new').browser)).toBe('Alt+N');
    expect(chordLabel(shortcutOf('save').app, true)).toBe('⌘S');
  });
  it('matches exactly: extra modifiers do not count', () => {
    const save = shortcutOf('save').browser;
    expect(matchesChord(save, press('s', { ctrl: true }))).toBe(true);
    expect(matchesChord(save, press('S', { meta: true }))).toBe(true);
    expect(matchesChord(save, press('s', { ctrl: true, shift: true }))).toBe(false);
    expect(matchesChord(save, press('s'))).toBe(false);
  });
  it('maps browser key presses to commands, leaving the browser its own Ctrl+N and Ctrl+L', () => {
    expect(commandForKey(press('n', { alt: true }), 'browser')).toBe('new');
    expect(commandForKey(press('n', { ctrl: true }), 'browser')).toBeUndefined();
    expect(commandForKey(press('l', { ctrl: true }), 'browser')).toBeUndefined();
    expect(commandForKey(press('L', { ctrl: true, shift: true }), 'browser')).toBe('lock');
    expect(commandForKey(press('l', { ctrl: true }), 'app')).toBe('lock');
  });
});
