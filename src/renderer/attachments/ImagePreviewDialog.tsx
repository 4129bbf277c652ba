/** An attached image, shown from a `blob:` URL of this window (the CSP allows `blob:` for images and nothing else). */
import { Dialog } from '../components/Dialog';
import type { Preview } from '../model/attachments';

/** The image preview dialog. */
export function ImagePreviewDialog({ preview, onClose }: { preview: Extract<Preview, { kind: 'image' }>; onClose: () => void }) {
  return (
    <Dialog title={preview.name} wide onCancel={onClose} testId="image-preview" actions={<button type="button" onClick={onClose} data-autofocus>Close</button>}>
      <img className="image-preview" src={preview.url} alt={preview.name} />
    </Dialog>
  );
}
