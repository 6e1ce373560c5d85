import { useId, useRef, type ReactNode } from "react";
import { describeWriteError } from "../lib/errors";
import { useSlow } from "../hooks/useSlow";
import { Spinner } from "./common";
import { FormAlert } from "./forms";
import { Modal } from "./Modal";

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  /** A refusal from the last attempt, shown in the dialog. */
  error?: unknown;
  /** Completes "Couldn’t …" for the error. */
  action?: string;
  fallbackFocus?: () => HTMLElement | null;
  /** Read out while the confirmed action runs. */
  pendingLabel?: string;
  testId?: string;
  confirmTestId?: string;
};

/** "Are you sure?" for something that can't be undone. Cancel has the focus. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending = false,
  error,
  action = "do this",
  fallbackFocus,
  pendingLabel = "Deleting",
  testId = "confirm-dialog",
  confirmTestId = "confirm-delete-button",
}: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const messageId = useId();
  const slow = useSlow(pending);
  const problem = error ? describeWriteError(error, action) : null;
  return (
    <Modal
      title={title}
      onClose={onClose}
      role="alertdialog"
      describedBy={messageId}
      initialFocusRef={cancelRef}
      testId={testId}
      className="modal-narrow"
      fallbackFocus={fallbackFocus}
    >
      <div id={messageId} className="confirm-message">
        {children}
      </div>
      {problem ? <FormAlert title={problem.title} message={problem.message} /> : null}
      <div className="form-actions">
        <button ref={cancelRef} type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending || undefined}
          data-testid={confirmTestId}
        >
          {slow ? <Spinner size={13} label={pendingLabel} /> : null}
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
