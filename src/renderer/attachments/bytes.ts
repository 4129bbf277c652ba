/**
 * Bytes across the contract: attachments travel as base64 pieces (JSON carries no bytes), and a file the
 * user saves or previews is put together in a Blob behind a `blob:` URL of this window, never a `data:` URL.
 */

/** Base64 of `bytes` (in slices: `String.fromCharCode` takes a bounded number of arguments). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The bytes of a base64 text. */
export function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const text = atob(data);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Hands `blob` to the browser as a download named `name`: in a browser tab the browser saves it; in the
 * Electron app the main process shows a save dialog (src/main/downloads.ts).
 */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the blob after click() returns: revoking at once can fail the download. A minute is ample.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
