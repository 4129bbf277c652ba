/**
 * Downloads in the Electron window: the only ones allowed are attachments the page saves from a `blob:` URL
 * of its own origin (Save in the attachments panel); they go through the system save dialog. Anything
 * else (a link to a site, a file:// URL) is cancelled. Thin on purpose, and unit-tested with fakes.
 */

/** The part of Electron's DownloadItem used here. */
export interface DownloadItemLike {
  getURL(): string;
  getFilename(): string;
  setSaveDialogOptions(options: { readonly title: string; readonly defaultPath: string }): void;
}

/** The part of Electron's Session used here. */
export interface DownloadSessionLike {
  on(event: 'will-download', listener: (event: { preventDefault(): void }, item: DownloadItemLike) => void): void;
}

/**
 * Lets the page save its own `blob:` downloads with the system save dialog (Electron shows it when no save
 * path is set) and cancels every other download. `origins`: the page's origins (`app://docvault`, the dev
 * server's in development).
 */
export function guardDownloads(session: DownloadSessionLike, origins: readonly string[], log: (line: string) => void = () => {}): void {
  const allowed = origins.map((o) => `blob:${o.replace(/\/$/, '')}/`);
  session.on('will-download', (event, item) => {
    const url = item.getURL();
    if (!allowed.some((prefix) => url.startsWith(prefix))) {
      event.preventDefault();
      log('refused a download that is not an attachment saved by the window');
      return;
    }
    item.setSaveDialogOptions({ title: 'Save attachment', defaultPath: item.getFilename() });
  });
}
