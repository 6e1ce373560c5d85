// Everyone linked to one business (company), in a dialog; each row opens that contact.
import type { ContactSummary } from "../bindings";
import { useBusinessContacts } from "../hooks/queries";
import { formatNumber, formatPhone, nameOf } from "../lib/format";
import { Avatar, EmptyState, ErrorMessage, Skeleton } from "./common";
import { Modal } from "./Modal";

type Props = {
  businessId: string;
  name: string;
  /** The contact whose card it was opened from. */
  currentId: string;
  onOpen: (contact: ContactSummary) => void;
  onClose: () => void;
};

export function BusinessDialog({ businessId, name, currentId, onOpen, onClose }: Props) {
  const query = useBusinessContacts(businessId);
  const contacts = query.data?.contacts ?? [];
  // Null: more than those shown, how many more isn't known.
  const total = query.data?.total ?? null;
  return (
    <Modal title={name} onClose={onClose} testId="business-view" className="modal-medium">
      {query.isPending ? (
        <Skeleton lines={3} label="Loading the business’s contacts" />
      ) : query.isError ? (
        <ErrorMessage
          error={query.error}
          what="this business’s contacts"
          onRetry={() => void query.refetch()}
          retrying={query.isFetching}
        />
      ) : contacts.length === 0 ? (
        <EmptyState>No contacts are linked to this business.</EmptyState>
      ) : (
        <>
          <p className="business-count" data-testid="business-count">
            {total === null
              ? `${formatNumber(contacts.length)}+ contacts · showing the first ${formatNumber(contacts.length)}`
              : total === 1
                ? "1 contact"
                : `${formatNumber(total)} contacts`}
            {total !== null && total > contacts.length ? ` · showing the first ${formatNumber(contacts.length)}` : ""}
          </p>
          <ul className="business-list" aria-label={`Contacts at ${name}`}>
            {contacts.map((contact) => {
              const current = contact.id === currentId;
              const phone = formatPhone(contact.phone);
              return (
                <li key={contact.id}>
                  <button
                    type="button"
                    className={current ? "business-row is-current" : "business-row"}
                    data-testid="business-contact"
                    data-contact-id={contact.id}
                    aria-current={current ? "true" : undefined}
                    onClick={() => onOpen(contact)}
                  >
                    <Avatar contact={contact} />
                    <span className="business-row-text">
                      <span className="business-row-name">
                        {nameOf(contact)}
                        {current ? <span className="muted"> · this contact</span> : null}
                      </span>
                      <span className="business-row-reach">
                        {[contact.email?.trim(), phone].filter(Boolean).join(" · ") || "No email or phone"}
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Modal>
  );
}
