/** The attachments panel's state machine and helpers (src/renderer/model/attachments.ts, attachments/bytes.ts). */
import { describe, expect, it } from 'vitest';
import { attachmentNameOf, attachmentsReducer, formatBytes, initialAttachments, isPreviewable, previewKind } from '../../src/renderer/model/attachments';
import { fromBase64, toBase64 } from '../../src/renderer/attachments/bytes';

describe('attachments reducer', () => {
  it('tracks uploads by key: progress never passes the size, and an ended upload leaves the list', () => {
    let s = attachmentsReducer(initialAttachments, { type: 'uploadStarted', key: 1, name: 'a.pdf', size: 100 });
    s = attachmentsReducer(s, { type: 'uploadStarted', key: 2, name: 'b.png', size: 10 });
    s = attachmentsReducer(s, { type: 'uploadProgress', key: 1, sent: 60 });
    s = attachmentsReducer(s, { type: 'uploadProgress', key: 2, sent: 99 });
    expect(s.uploads.map((u) => [u.name, u.sent])).toEqual([['a.pdf', 60], ['b.png', 10]]);
    s = attachmentsReducer(s, { type: 'uploadEnded', key: 1 });
    expect(s.uploads.map((u) => u.key)).toEqual([2]);
  });

  it('busy names, the detach question and errors come and go', () => {
    let s = attachmentsReducer(initialAttachments, { type: 'busy', name: 'a', on: true });
    s = attachmentsReducer(s, { type: 'busy', name: 'b', on: true });
    s = attachmentsReducer(s, { type: 'busy', name: 'a', on: false });
    expect(s.busy).toEqual(['b']);
    s = attachmentsReducer(s, { type: 'askDetach', name: 'b' });
    expect(s.confirmDetach).toBe('b');
    s = attachmentsReducer(s, { type: 'error', error: { kind: 'TooLarge', message: 'big' } });
    // A new upload clears the last error.
    s = attachmentsReducer(s, { type: 'uploadStarted', key: 3, name: 'c', size: 1 });
    expect(s.error).toBeUndefined();
  });
});

describe('attachment helpers', () => {
  it('previews png, jpeg, gif, webp and PDF up to the preview limit; never SVG', () => {
    for (const t of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) expect(isPreviewable({ mediaType: t, size: 10 }), t).toBe(true);
    for (const t of ['image/svg+xml', 'text/html', 'application/octet-stream']) expect(isPreviewable({ mediaType: t, size: 10 }), t).toBe(false);
    expect(isPreviewable({ mediaType: 'image/png', size: 64 * 1024 * 1024 })).toBe(false);
    // PDFs are drawn by PDF.js (images from a blob: URL); both only up to the preview size.
    expect(previewKind({ mediaType: 'application/pdf', size: 10 })).toBe('pdf');
    expect(previewKind({ mediaType: 'image/webp', size: 10 })).toBe('image');
    expect(previewKind({ mediaType: 'application/pdf', size: 64 * 1024 * 1024 })).toBeUndefined();
  });
  it('sizes and names read as people expect', () => {
    expect([formatBytes(12), formatBytes(3 * 1024 + 400), formatBytes(12 * 1024 * 1024), formatBytes(300 * 1024 * 1024)]).toEqual(['12 B', '3.4 KB', '12 MB', '300 MB']);
    expect(attachmentNameOf('C:\\scans\\passport.jpg ')).toBe('passport.jpg');
  });
  it('base64 both ways, byte for byte, across the slice boundary', () => {
    const bytes = new Uint8Array(0x8000 * 2 + 7).map((_, i) => (i * 31) & 0xff);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(toBase64(new Uint8Array([104, 101, 108, 108, 111, 0xff]))).toBe('aGVsbG//');
  });
});
