/** The system dialog for import and export paths (src/main/path-picker.ts), over a fake Electron dialog. */
import { describe, expect, it, vi } from 'vitest';
import { PICK_DIALOGS, electronPathPicker, type OpenDialogLike, type OpenDialogOptions } from '../../src/main/path-picker';

function fakeDialog(answer: { canceled: boolean; filePaths: string[] }) {
  const calls: { window: unknown; options: OpenDialogOptions }[] = [];
  const dialog = {
    showOpenDialog: vi.fn(async (a: unknown, b?: OpenDialogOptions) => {
      calls.push(b === undefined ? { window: undefined, options: a as OpenDialogOptions } : { window: a, options: b });
      return answer;
    }),
  } as unknown as OpenDialogLike<string>;
  return { dialog, calls };
}

describe('electronPathPicker', () => {
  it('asks for a folder or a file as the purpose says, modal to the window', async () => {
    const { dialog, calls } = fakeDialog({ canceled: false, filePaths: ['/home/me/notes'] });
    const pick = electronPathPicker(dialog, () => 'the-window');
    expect(await pick('importFolder')).toBe('/home/me/notes');
    expect(await pick('importFile')).toBe('/home/me/notes');
    expect(await pick('exportFolder')).toBe('/home/me/notes');
    expect(calls.map((c) => c.window)).toEqual(['the-window', 'the-window', 'the-window']);
    expect(calls.map((c) => c.options.properties)).toEqual([['openDirectory'], ['openFile'], ['openDirectory', 'createDirectory']]);
    expect(calls[1]?.options.filters).toEqual(PICK_DIALOGS.importFile.filters);
  });

  it('gives nothing when the user cancels, and works without a window', async () => {
    const { dialog, calls } = fakeDialog({ canceled: true, filePaths: [] });
    expect(await electronPathPicker(dialog, () => undefined)('exportFolder')).toBeUndefined();
    expect(calls[0]?.window).toBeUndefined();
  });
});
