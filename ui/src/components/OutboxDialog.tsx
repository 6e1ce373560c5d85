// The edits GoHighLevel doesn't have yet: waiting to be sent, failed and retried later,
// refused (Retry or Discard), or in conflict with a newer change made there (the person
// picks, field by field, whose value to keep).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import type { FieldConflict, KeepSide, OutboxCounts, OutboxItem, OutboxItemState } from "../bindings";
import { useNow } from "../hooks/now";
import { useOpenContact } from "../hooks/openContact";
import { outboxKey, useDiscardOutboxItem, useOutboxItems, useResolveConflict, useRetryOutboxItem } from "../hooks/outbox";
import { formatFullDateTime, formatRelative } from "../lib/dates";
import { describeWriteError } from "../lib/errors";
import { formatPhone } from "../lib/format";
import { ErrorMessage, Skeleton, Spinner } from "./common";
import { ConfirmDialog } from "./ConfirmDialog";
import { FormAlert } from "./forms";
import { Modal } from "./Modal";

const STATE_TEXT: Record<OutboxItemState, string> = {
  waiting: "Waiting to send",
  failed: "Couldn’t send yet — will try again",
  conflict: "Changed in GoHighLevel meanwhile — choose what to keep",
  rejected: "Refused by GoHighLevel",
};

type Props = {
  /** The status' counts: when they change, the list is read again. */
  counts: OutboxCounts;
  onClose: () => void;
};

/** Where focus goes when the discarded edit's buttons are gone. */
function outboxCloseButton(): HTMLElement | null {
  return document.querySelector<HTMLElement>("[data-testid=outbox-dialog] .modal-header button");
}

function refreshButton(): HTMLElement | null {
  return document.querySelector<HTMLElement>("[data-testid=refresh-button]");
}

export function OutboxDialog({ counts, onClose }: Props) {
  const items = useOutboxItems();
  const client = useQueryClient();
  const openContact = useOpenContact();
  const countsKey = `${counts.waiting}/${counts.conflicts}/${counts.rejected}`;
  const [firstCounts] = useState(countsKey);
  useEffect(() => {
    // The list was just read on open; later changes of the counts mean it changed.
    if (countsKey !== firstCounts) void client.invalidateQueries({ queryKey: outboxKey });
  }, [countsKey, firstCounts, client]);

  const open = openContact
    ? (contactId: string) => {
        onClose();
        openContact(contactId);
      }
    : null;

  return (
    <Modal title="Edits not in GoHighLevel yet" onClose={onClose} testId="outbox-dialog" className="modal-medium" fallbackFocus={refreshButton}>
      {items.isError && items.data === undefined ? (
        <ErrorMessage error={items.error} what="the waiting edits" onRetry={() => void items.refetch()} retrying={items.isFetching} />
      ) : items.data === undefined ? (
        <Skeleton lines={3} label="Loading the waiting edits" />
      ) : items.data.length === 0 ? (
        <p className="outbox-empty" data-testid="outbox-empty">
          Everything has been sent to GoHighLevel.
        </p>
      ) : (
        <ul className="outbox-list" aria-label="Waiting edits">
          {items.data.map((item) => (
            <OutboxEntry key={item.id} item={item} onOpenContact={open} />
          ))}
        </ul>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

function OutboxEntry({ item, onOpenContact }: { item: OutboxItem; onOpenContact: ((contactId: string) => void) | null }) {
  const now = useNow();
  const when = formatRelative(item.createdAt, now);
  const titleId = useId();
  const contactName = item.contactName?.trim() || "this contact";
  return (
    <li className={`outbox-item is-${item.state}`} data-testid="outbox-item" data-outbox-id={item.id} aria-labelledby={titleId}>
      <div className="outbox-item-head">
        <p className="outbox-description" id={titleId}>
          {item.description}
          {item.contactId !== null ? (
            <>
              {" · "}
              {onOpenContact ? (
                <button
                  type="button"
                  className="link-button"
                  data-testid="outbox-contact-link"
                  title={`Open ${contactName}`}
                  onClick={() => onOpenContact(item.contactId!)}
                >
                  {contactName}
                </button>
              ) : (
                <span>{contactName}</span>
              )}
            </>
          ) : null}
        </p>
        {when ? (
          <time className="outbox-when muted" dateTime={item.createdAt} title={formatFullDateTime(item.createdAt) ?? undefined}>
            {when}
          </time>
        ) : null}
      </div>
      <p className="outbox-state" data-testid="outbox-state">
        {STATE_TEXT[item.state]}
      </p>
      {item.message?.trim() ? <p className="outbox-message">{item.message.trim()}</p> : null}
      {item.state === "conflict" ? <ConflictForm item={item} /> : null}
      {item.state === "rejected" || item.state === "failed" ? <RetryOrDiscard item={item} /> : null}
    </li>
  );
}

function shown(field: string, value: string | null): string {
  if (value === null || value.trim() === "") return "(empty)";
  return field === "phone" ? (formatPhone(value) ?? value) : value;
}

function ConflictForm({ item }: { item: OutboxItem }) {
  const resolve = useResolveConflict();
  // Keeping GoHighLevel's values changes nothing there: the safe default.
  const [keep, setKeep] = useState<Record<string, KeepSide>>(() =>
    Object.fromEntries(item.conflicts.map((conflict) => [conflict.field, "theirs" as KeepSide])),
  );
  const problem = resolve.error ? describeWriteError(resolve.error, "apply your choices") : null;
  return (
    <form
      className="conflict-form"
      data-testid="conflict-form"
      aria-label={`Resolve: ${item.description}`}
      onSubmit={(event) => {
        event.preventDefault();
        resolve.mutate({
          id: item.id,
          choices: item.conflicts.map((conflict) => ({ field: conflict.field, keep: keep[conflict.field] ?? "theirs" })),
        });
      }}
    >
      {item.conflicts.map((conflict) => (
        <ConflictField
          key={conflict.field}
          conflict={conflict}
          value={keep[conflict.field] ?? "theirs"}
          onChange={(side) => setKeep((current) => ({ ...current, [conflict.field]: side }))}
        />
      ))}
      {problem ? <FormAlert title={problem.title} message={problem.message} /> : null}
      <div className="inline-form-actions">
        <button type="submit" className="button button-primary button-small" data-testid="apply-choices-button" disabled={resolve.isPending} aria-busy={resolve.isPending || undefined}>
          {resolve.isPending ? <Spinner size={12} label="Applying" /> : null}
          Apply choices
        </button>
      </div>
    </form>
  );
}

function ConflictField({ conflict, value, onChange }: { conflict: FieldConflict; value: KeepSide; onChange: (side: KeepSide) => void }) {
  const name = useId();
  return (
    <fieldset className="conflict-field" data-testid="conflict-field" data-field={conflict.field}>
      <legend className="conflict-label">{conflict.label}</legend>
      <div className="conflict-sides">
        <p className="conflict-side">
          <span className="conflict-side-name">Yours: </span>
          <span className="conflict-value">{shown(conflict.field, conflict.mine)}</span>
        </p>
        <p className="conflict-side">
          <span className="conflict-side-name">In GoHighLevel: </span>
          <span className="conflict-value">{shown(conflict.field, conflict.theirs)}</span>
        </p>
      </div>
      <div className="conflict-choice" role="radiogroup" aria-label={`Which ${conflict.label} to keep`}>
        <label>
          <input type="radio" name={name} value="mine" checked={value === "mine"} onChange={() => onChange("mine")} />
          Keep mine
        </label>
        <label>
          <input type="radio" name={name} value="theirs" checked={value === "theirs"} onChange={() => onChange("theirs")} />
          Keep theirs
        </label>
      </div>
    </fieldset>
  );
}

function RetryOrDiscard({ item }: { item: OutboxItem }) {
  const retry = useRetryOutboxItem();
  const discard = useDiscardOutboxItem();
  const [confirming, setConfirming] = useState(false);
  const retryProblem = retry.error ? describeWriteError(retry.error, "send the edit again") : null;
  return (
    <>
      {retryProblem ? <FormAlert title={retryProblem.title} message={retryProblem.message} /> : null}
      <div className="inline-form-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="outbox-retry-button"
          aria-label={`Retry: ${item.description}`}
          disabled={retry.isPending}
          aria-busy={retry.isPending || undefined}
          onClick={() => retry.mutate(item.id)}
        >
          {retry.isPending ? <Spinner size={12} /> : null}
          Retry
        </button>
        <button
          type="button"
          className="button button-small button-danger-quiet"
          data-testid="outbox-discard-button"
          aria-label={`Discard: ${item.description}`}
          aria-haspopup="dialog"
          onClick={() => {
            discard.reset();
            setConfirming(true);
          }}
        >
          Discard
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Discard this edit?"
          confirmLabel="Discard edit"
          pendingLabel="Discarding"
          action="discard the edit"
          testId="confirm-discard-dialog"
          confirmTestId="confirm-discard-button"
          pending={discard.isPending}
          error={discard.error}
          onClose={() => setConfirming(false)}
          fallbackFocus={outboxCloseButton}
          onConfirm={() => discard.mutate(item.id, { onSuccess: () => setConfirming(false) })}
        >
          <p>
            “{item.description}” is dropped and never sent. What GoHighLevel has stays as it is.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
