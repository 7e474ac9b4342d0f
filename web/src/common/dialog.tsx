// A confirmation before anything that changes devices or data: a modal <dialog> (focus stays in
// it, Escape cancels), the question in words, and Cancel focused first for destructive actions.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Red confirm button; Cancel gets the focus. */
  danger?: boolean;
  busy?: boolean;
  /** Disables the confirm button (e.g. a required field is empty). */
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** Tab from the last control goes back to the first (and Shift+Tab the other way): focus stays in. */
function wrapTab(e: KeyboardEvent<HTMLDialogElement>) {
  if (e.key !== 'Tab') return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const active = e.currentTarget.ownerDocument.activeElement;
  if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      d.showModal();
      (props.danger ? cancelRef.current : confirmRef.current)?.focus();
    } else if (!props.open && d.open) {
      d.close();
    }
  }, [props.open, props.danger]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onKeyDown={wrapTab} onCancel={(e) => { e.preventDefault(); if (!props.busy) props.onCancel(); }}>
      {props.open && (
        <form method="dialog" onSubmit={(e) => { e.preventDefault(); props.onConfirm(); }}>
          <h2 id="dialog-title">{props.title}</h2>
          <div className="dialog-body">{props.children}</div>
          <div className="actions">
            <button type="button" ref={cancelRef} onClick={props.onCancel} disabled={props.busy}>Cancel</button>
            <button type="submit" ref={confirmRef} className={props.danger ? 'danger' : 'primary'} disabled={props.busy || props.confirmDisabled}>{props.confirmLabel}</button>
          </div>
        </form>
      )}
    </dialog>
  );
}
