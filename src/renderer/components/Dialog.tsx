/** A modal dialog: focus moves into it and stays there (Tab cycles), Escape cancels. */
import { useEffect, useRef, type ReactNode } from 'react';

/** Props of {@link Dialog}. */
export interface DialogProps {
  readonly title: string;
  readonly children: ReactNode;
  readonly actions: ReactNode;
  readonly onCancel: () => void;
  readonly wide?: boolean;
  readonly testId?: string;
}

/** A modal dialog. */
export function Dialog({ title, children, actions, onCancel, wide, testId }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  // The latest onCancel, so the effect below runs once: re-running it on every parent render (stats ticks
  // arrive every second) would pull the focus back to the default button.
  const cancel = useRef(onCancel);
  useEffect(() => {
    cancel.current = onCancel;
  });
  useEffect(() => {
    const el = ref.current;
    // Focus goes back where it was when the dialog closes (the button that opened it, the editor).
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    el?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.preventDefault();
        cancel.current();
      } else if (e.key === 'Tab' && el !== null) {
        // Keep Tab inside the dialog: the page behind it is not usable while it is open.
        const focusable = [...el.querySelectorAll<HTMLElement>('button, input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((f) => !f.hasAttribute('disabled'));
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (first === undefined || last === undefined) return;
        const inside = el.contains(document.activeElement);
        if (e.shiftKey && (document.activeElement === first || !inside)) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (before?.isConnected === true && (document.activeElement === document.body || el?.contains(document.activeElement) === true)) before.focus();
    };
  }, []);
  return (
    <div className="backdrop">
      <div ref={ref} className={wide === true ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h2>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>
  );
}

/** Props of {@link ConfirmDialog}. */
export interface ConfirmProps {
  readonly title: string;
  readonly message: string;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/** Yes/no confirmation; the safe choice has the focus. */
export function ConfirmDialog({ title, message, confirmLabel, danger, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onCancel={onCancel}
      testId="confirm-dialog"
      actions={
        <>
          <button type="button" onClick={onCancel} data-autofocus>
            Cancel
          </button>
          <button type="button" className={danger === true ? 'danger' : 'primary'} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
