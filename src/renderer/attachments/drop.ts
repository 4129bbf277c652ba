/** Files dropped on the document: the drag handlers of the editor, and whether a drag of files is over it. */
import type { DragEvent } from 'react';

/** True when the drag carries files (not text or a link dragged from the page). */
function hasFiles(e: DragEvent): boolean {
  return [...e.dataTransfer.types].includes('Files');
}

/** Handlers for an element that takes dropped files; `setOver` drives its "drop here" look. */
export function fileDropHandlers(onFiles: (files: File[]) => void, setOver: (over: boolean) => void) {
  return {
    onDragOver(e: DragEvent) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    },
    onDragLeave(e: DragEvent) {
      // Leaving for a child element is not leaving.
      if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
      setOver(false);
    },
    onDrop(e: DragEvent) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(false);
      const files = [...e.dataTransfer.files];
      if (files.length > 0) onFiles(files);
    },
  };
}
