import { useState, type ReactNode } from "react";
import type { ContactDetail, ContactSummary } from "../bindings";
import { useDeleteContact } from "../hooks/mutations";
import { useContact, useWriteAccess } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { formatBirthday, formatFullDateTime, formatLongDate, formatRelative } from "../lib/dates";
import { addressLines, capitalise, formatPhone, nameOf } from "../lib/format";
import { BusinessDialog } from "./BusinessDialog";
import { Avatar, ErrorMessage, TagList, WaitingBadge } from "./common";
import { ConfirmDialog } from "./ConfirmDialog";
import { ContactFormDialog } from "./ContactFormDialog";
import { BellOffIcon, BuildingIcon, PencilIcon, SyncIcon, TrashIcon } from "./icons";
import { TagEditor } from "./TagEditor";
import { useToast } from "./Toasts";

type Props = {
  contactId: string;
  summary: ContactSummary | null;
  /** Open another contact (from the business view). */
  onOpenContact: (contact: ContactSummary) => void;
  /** The contact is gone: clear the selection. */
  onDeleted: (contactId: string) => void;
  /** Opens the sync with Housecall Pro; absent when Housecall Pro has nothing to do with it. */
  onSync?: () => void;
};

type Open = "edit" | "delete" | "business" | null;

function searchBox(): HTMLElement | null {
  return document.querySelector<HTMLElement>("[data-testid=contact-search]");
}

export function ContactCard({ contactId, summary, onOpenContact, onDeleted, onSync }: Props) {
  const contact = useContact(contactId);
  const detail = contact.data;
  // Until the full record arrives, show what the list already knows.
  const head = detail ?? summary;
  const access = useWriteAccess();
  const [open, setOpen] = useState<Open>(null);
  const deletion = useDeleteContact(contactId);
  const toast = useToast();
  const name = head ? nameOf(head) : "this contact";
  const company = head?.companyName?.trim();
  const businessId = detail?.businessId ?? null;

  const confirmDelete = () => {
    deletion.mutate(undefined, {
      onSuccess: () => {
        setOpen(null);
        toast.show({ tone: "success", title: `Deleted ${name}` });
        onDeleted(contactId);
      },
    });
  };

  return (
    <article className="card contact-card" aria-busy={contact.isPending} data-testid="contact-card">
      <div className="contact-head">
        {head ? <Avatar contact={head} size="large" /> : <span className="avatar avatar-large avatar-placeholder" />}
        <div className="contact-head-text">
          {head ? (
            <h2 className="contact-name" data-testid="contact-name">
              {name}
            </h2>
          ) : (
            <h2 className="contact-name">
              <span className="skeleton-bar title-skeleton" />
              <span className="visually-hidden">Loading contact</span>
            </h2>
          )}
          {company || detail?.contactType ? (
            <p className="contact-sub">
              {company && businessId ? (
                <button
                  type="button"
                  className="link-button contact-company"
                  data-testid="business-link"
                  aria-haspopup="dialog"
                  title={`Show everyone at ${company}`}
                  onClick={() => setOpen("business")}
                >
                  <BuildingIcon size={14} />
                  {company}
                </button>
              ) : company ? (
                <span className="contact-company">{company}</span>
              ) : null}
              {detail?.contactType ? (
                <span className="chip chip-type" title="Contact type">
                  {capitalise(detail.contactType)}
                </span>
              ) : null}
            </p>
          ) : null}
          {detail ? (
            <TagEditor contactId={contactId} tags={detail.tags} canWrite={access.canWrite} readOnlyReason={access.reason} />
          ) : head ? (
            <TagList tags={head.tags} />
          ) : null}
        </div>
        <div className="contact-head-side">
          <div className="card-actions">
            {onSync ? (
              <button
                type="button"
                className="button"
                data-testid="sync-button"
                disabled={!detail || !access.canWrite || detail.pending}
                title={
                  access.reason ??
                  (detail?.pending ? "Waiting to be sent to GoHighLevel: sync it once it is there" : "Compare with Housecall Pro and sync")
                }
                aria-haspopup="dialog"
                onClick={onSync}
              >
                <SyncIcon size={14} />
                Sync with Housecall Pro
              </button>
            ) : null}
            <button
              type="button"
              className="button"
              data-testid="edit-contact-button"
              disabled={!detail || !access.canWrite}
              title={access.reason}
              aria-haspopup="dialog"
              onClick={() => setOpen("edit")}
            >
              <PencilIcon size={14} />
              Edit
            </button>
            <button
              type="button"
              className="button button-danger-quiet"
              data-testid="delete-contact-button"
              disabled={!detail || !access.canWrite}
              title={access.reason}
              aria-haspopup="dialog"
              onClick={() => {
                deletion.reset();
                setOpen("delete");
              }}
            >
              <TrashIcon size={14} />
              Delete
            </button>
          </div>
          {head?.pending ? <WaitingBadge /> : null}
          {detail?.dnd ? (
            <span className="badge badge-dnd" data-testid="dnd-badge">
              <BellOffIcon size={14} />
              Do not disturb
            </span>
          ) : null}
        </div>
      </div>

      {contact.isPending ? (
        <div className="details-loading" role="status" aria-busy="true">
          <span className="visually-hidden">Loading contact details</span>
          {Array.from({ length: 6 }, (_, i) => (
            <span key={i} className="skeleton-field" aria-hidden="true">
              <span className="skeleton-bar tiny" />
              <span className="skeleton-bar" />
            </span>
          ))}
        </div>
      ) : contact.isError ? (
        <ErrorMessage
          error={contact.error}
          what="this contact"
          onRetry={() => void contact.refetch()}
          retrying={contact.isFetching}
        />
      ) : (
        <ContactDetails detail={contact.data} />
      )}

      {open === "edit" && detail ? (
        <ContactFormDialog contact={detail} onClose={() => setOpen(null)} onSaved={() => setOpen(null)} />
      ) : null}
      {open === "delete" ? (
        <ConfirmDialog
          title="Delete contact"
          confirmLabel="Delete contact"
          onConfirm={confirmDelete}
          onClose={() => setOpen(null)}
          pending={deletion.isPending}
          error={deletion.error}
          action={`delete ${name}`}
          fallbackFocus={searchBox}
        >
          <p>
            Delete {name}? This removes the contact and its tasks and notes from GoHighLevel.
          </p>
        </ConfirmDialog>
      ) : null}
      {open === "business" && businessId ? (
        <BusinessDialog
          businessId={businessId}
          name={company ?? "Business"}
          currentId={contactId}
          onClose={() => setOpen(null)}
          onOpen={(other) => {
            setOpen(null);
            if (other.id !== contactId) onOpenContact(other);
          }}
        />
      ) : null}
    </article>
  );
}

function Field({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "field wide" : "field"}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function present(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.trim() !== "";
}

function ContactDetails({ detail }: { detail: ContactDetail }) {
  const now = useNow();
  const phone = formatPhone(detail.phone);
  const address = addressLines(detail);
  const updatedAgo = formatRelative(detail.dateUpdated, now);

  return (
    <>
      <dl className="details-grid" data-testid="contact-details">
        {present(detail.email) ? (
          <Field label="Email">
            <a href={`mailto:${detail.email.trim()}`}>{detail.email.trim()}</a>
          </Field>
        ) : null}
        {phone ? <Field label="Phone">{phone}</Field> : null}
        {address.length > 0 ? (
          <Field label="Address">
            <address className="address">
              {address.map((line, i) => (
                <span key={i} className="address-line">
                  {line}
                </span>
              ))}
            </address>
          </Field>
        ) : null}
        {present(detail.website) ? (
          <Field label="Website">
            {/* Plain text: a web link would navigate the app's own window away. */}
            <span className="break-anywhere">{detail.website.trim()}</span>
          </Field>
        ) : null}
        {present(detail.source) ? <Field label="Source">{detail.source}</Field> : null}
        {present(detail.dateAdded) ? (
          <Field label="Added">
            <time dateTime={detail.dateAdded} title={formatFullDateTime(detail.dateAdded) ?? undefined}>
              {formatLongDate(detail.dateAdded)}
            </time>
          </Field>
        ) : null}
        {present(detail.dateUpdated) ? (
          <Field label="Last updated">
            <time dateTime={detail.dateUpdated} title={formatFullDateTime(detail.dateUpdated) ?? undefined}>
              {formatLongDate(detail.dateUpdated)}
              {updatedAgo ? <span className="muted"> · {updatedAgo}</span> : null}
            </time>
          </Field>
        ) : null}
        {present(detail.dateOfBirth) ? <Field label="Date of birth">{formatBirthday(detail.dateOfBirth)}</Field> : null}
        <Field label="Do not disturb">
          {detail.dnd ? <span className="dnd-on">On — don’t contact</span> : "Off"}
        </Field>
        {present(detail.timezone) ? <Field label="Time zone">{detail.timezone.replace(/_/g, " ")}</Field> : null}
      </dl>
    </>
  );
}
