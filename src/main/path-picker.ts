/**
 * The system dialog that picks import and export paths (Electron). Thin on purpose: the window asks for a
 * dialog (`transfer.pick`), this shows it, and the app turns the answer into a one-use grant (see
 * src/app/transfer/paths.ts); the window never names a path itself.
 */
import type { PathPicker } from '../app/transfer/paths';
import type { PathPurpose } from '../shared/transfer';

/** The options of Electron's `dialog.showOpenDialog` this file uses. */
export interface OpenDialogOptions {
  readonly title: string;
  readonly buttonLabel: string;
  readonly properties: ('openFile' | 'openDirectory' | 'createDirectory')[];
  readonly filters?: { readonly name: string; readonly extensions: string[] }[];
}

/** The part of Electron's `dialog` used here (a fake in tests). */
export interface OpenDialogLike<W> {
  showOpenDialog(window: W, options: OpenDialogOptions): Promise<{ readonly canceled: boolean; readonly filePaths: readonly string[] }>;
  showOpenDialog(options: OpenDialogOptions): Promise<{ readonly canceled: boolean; readonly filePaths: readonly string[] }>;
}

/** What each purpose asks of the user. */
export const PICK_DIALOGS: Readonly<Record<PathPurpose, OpenDialogOptions>> = {
  importFolder: { title: 'Import a folder of Markdown or text files', buttonLabel: 'Import', properties: ['openDirectory'] },
  importFile: { title: 'Import a docvault export', buttonLabel: 'Import', properties: ['openFile'], filters: [{ name: 'docvault export', extensions: ['jsonl'] }] },
  exportFolder: { title: 'Export into this folder', buttonLabel: 'Export here', properties: ['openDirectory', 'createDirectory'] },
};

/** A {@link PathPicker} over Electron's dialog, modal to the window `parent()` returns when there is one. */
export function electronPathPicker<W>(dialog: OpenDialogLike<W>, parent: () => W | undefined): PathPicker {
  return async (purpose) => {
    const opts = PICK_DIALOGS[purpose];
    const w = parent();
    const r = w === undefined ? await dialog.showOpenDialog(opts) : await dialog.showOpenDialog(w, opts);
    return r.canceled ? undefined : r.filePaths[0];
  };
}
