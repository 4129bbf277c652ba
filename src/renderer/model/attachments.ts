/**
 * The attachments panel of a document as a state machine: its list, uploads under way (bytes sent of the
 * size), the image shown in preview, the file waiting for "Remove?", and errors. Pure (no React, no calls):
 * unit-tested in test/renderer. The calls are in ../hooks/useAttachments.ts.
 */
import type { AttachmentInfo } from '../../shared/attachments';
import type { SerializedError } from '../../shared/errors';

/** An upload under way. */
export interface Upload {
  readonly key: number;
  readonly name: string;
  readonly size: number;
  readonly sent: number;
}

/**
 * A file shown in a preview dialog: an image from a `blob:` URL this window made, or a PDF's bytes (drawn by
 * PDF.js into a canvas: ../attachments/pdf.ts).
 */
export type Preview = { readonly kind: 'image'; readonly name: string; readonly url: string } | { readonly kind: 'pdf'; readonly name: string; readonly data: Blob };

/** Everything the panel shows. */
export interface AttachmentsState {
  /** Undefined while loading. */
  readonly list: readonly AttachmentInfo[] | undefined;
  readonly uploads: readonly Upload[];
  readonly preview: Preview | undefined;
  /** The name waiting for the Remove confirmation. */
  readonly confirmDetach: string | undefined;
  /** Names being read (Save, Preview) or removed. */
  readonly busy: readonly string[];
  readonly error: SerializedError | undefined;
}

/** Everything that changes it. */
export type AttachmentsAction =
  | { readonly type: 'loaded'; readonly list: readonly AttachmentInfo[] }
  | { readonly type: 'uploadStarted'; readonly key: number; readonly name: string; readonly size: number }
  | { readonly type: 'uploadProgress'; readonly key: number; readonly sent: number }
  | { readonly type: 'uploadEnded'; readonly key: number }
  | { readonly type: 'busy'; readonly name: string; readonly on: boolean }
  | { readonly type: 'preview'; readonly preview: Preview | undefined }
  | { readonly type: 'askDetach'; readonly name: string | undefined }
  | { readonly type: 'error'; readonly error: SerializedError | undefined };

/** The panel before its list has loaded. */
export const initialAttachments: AttachmentsState = { list: undefined, uploads: [], preview: undefined, confirmDetach: undefined, busy: [], error: undefined };

/** The next state. */
export function attachmentsReducer(s: AttachmentsState, a: AttachmentsAction): AttachmentsState {
  switch (a.type) {
    case 'loaded':
      return { ...s, list: a.list };
    case 'uploadStarted':
      return { ...s, uploads: [...s.uploads, { key: a.key, name: a.name, size: a.size, sent: 0 }], error: undefined };
    case 'uploadProgress':
      return { ...s, uploads: s.uploads.map((u) => (u.key === a.key ? { ...u, sent: Math.min(a.sent, u.size) } : u)) };
    case 'uploadEnded':
      return { ...s, uploads: s.uploads.filter((u) => u.key !== a.key) };
    case 'busy':
      return { ...s, busy: a.on ? [...s.busy, a.name] : s.busy.filter((n) => n !== a.name) };
    case 'preview':
      return { ...s, preview: a.preview };
    case 'askDetach':
      return { ...s, confirmDetach: a.name };
    case 'error':
      return { ...s, error: a.error };
    default:
      return s;
  }
}

/** Image types the window previews, from a `blob:` URL in an `<img>` (the CSP allows `blob:` for images only). */
const IMAGES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** The PDF media type, previewed with PDF.js. */
const PDF = 'application/pdf';
/** Files larger than this are saved, not previewed (the whole file is read into the window). */
export const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;

/**
 * How an attachment is shown in the window, or undefined when it is only saved. SVG is not shown (it can carry
 * script and links; as an image it is inert, but it is not worth the doubt). PDFs are drawn by PDF.js into a
 * canvas inside the CSP as it is (no frame, no plugin, no eval, no WebAssembly: ../attachments/pdf.ts).
 */
export function previewKind(a: Pick<AttachmentInfo, 'mediaType' | 'size'>): Preview['kind'] | undefined {
  if (a.size > PREVIEW_MAX_BYTES) return undefined;
  if (IMAGES.has(a.mediaType)) return 'image';
  return a.mediaType === PDF ? 'pdf' : undefined;
}

/** Whether an attachment can be shown in the window (see {@link previewKind}). */
export function isPreviewable(a: Pick<AttachmentInfo, 'mediaType' | 'size'>): boolean {
  return previewKind(a) !== undefined;
}

/** "12 B", "3.4 KB", "1.2 MB" (powers of 1024, one decimal below 10). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v).toString()} ${units[i] as string}`;
}

/** The file's own name part, as an attachment name: what a browser `File` or a drop gives, trimmed. */
export function attachmentNameOf(fileName: string): string {
  return (fileName.split(/[\\/]/).pop() ?? fileName).trim();
}
