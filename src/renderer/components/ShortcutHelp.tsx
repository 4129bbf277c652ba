/** What the empty editor pane says: how to start, and the shortcuts (from the one shortcut table). */
import { shortcutHelp } from '../shortcut-keys';

/** The empty editor pane. */
export function ShortcutHelp() {
  return (
    <section className="editor empty muted">
      <p>Select a document, or create one with New.</p>
      <p className="small" data-testid="shortcut-help">
        Shortcuts:{' '}
        {shortcutHelp()
          .map((s) => `${s.keys} ${s.label.toLowerCase()}`)
          .join(' · ')}
      </p>
    </section>
  );
}
