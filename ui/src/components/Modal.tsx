// A real modal dialog: native <dialog> opened with showModal(), so the rest of the page
// is inert and Tab stays inside. Focus moves in on open and back to whatever opened it
// on close; Esc closes. Render it only while it is open.
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from "react";
import { XIcon } from "./icons";

type Props = {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  className?: string;
  /** What gets focus on open; otherwise the first [autofocus] or focusable element. */
  initialFocusRef?: RefObject<HTMLElement>;
  /** Where focus goes on close when the element that opened the dialog is gone. */
  fallbackFocus?: () => HTMLElement | null;
  role?: "dialog" | "alertdialog";
  describedBy?: string;
};

const FOCUSABLE = 'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

export function Modal({
  title,
  onClose,
  children,
  testId,
  className,
  initialFocusRef,
  fallbackFocus,
  role,
  describedBy,
}: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  const fallbackRef = useRef(fallbackFocus);
  useEffect(() => {
    onCloseRef.current = onClose;
    fallbackRef.current = fallbackFocus;
  });

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const focused = document.activeElement;
    // By the time this runs, the button that opened it may be gone or disabled (focus on <body>).
    const opener = focused instanceof HTMLElement && focused !== document.body ? focused : null;
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    const target =
      initialFocusRef?.current ??
      dialog.querySelector<HTMLElement>("[autofocus], [data-autofocus]") ??
      dialog.querySelector(".modal-body")?.querySelector<HTMLElement>(FOCUSABLE) ??
      dialog.querySelector<HTMLElement>(FOCUSABLE);
    target?.focus();
    return () => {
      if (dialog.open) {
        if (typeof dialog.close === "function") dialog.close();
        else dialog.removeAttribute("open");
      }
      const restore = () => {
        const usable = opener !== null && opener.isConnected && !(opener as HTMLButtonElement).disabled;
        (usable ? opener : (fallbackRef.current?.() ?? null))?.focus();
      };
      restore();
      // When whatever opened the dialog goes away with it (a deleted contact), focus
      // lands on <body> once React has removed it: move it somewhere useful.
      window.setTimeout(() => {
        if (dialog.isConnected) return;
        const active = document.activeElement;
        if (active === null || active === document.body || !active.isConnected) restore();
      }, 0);
    };
    // Runs once per opening; the dialog is unmounted to close it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <dialog
      ref={ref}
      className={className ? `modal ${className}` : "modal"}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      aria-modal="true"
      role={role === "alertdialog" ? "alertdialog" : undefined}
      data-testid={testId}
      onCancel={(event) => {
        // Esc in the browser: close through React so the state stays the source of truth.
        event.preventDefault();
        onCloseRef.current();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          onCloseRef.current();
        }
      }}
    >
      {/* Not <header>: inside a dialog it would be a second page banner landmark. */}
      <div className="modal-header">
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        <button type="button" className="icon-button" aria-label="Close" title="Close (Esc)" onClick={() => onCloseRef.current()}>
          <XIcon size={18} />
        </button>
      </div>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}
