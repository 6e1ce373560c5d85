import type { ReactNode } from "react";
import type { ContactDetail, ContactSummary } from "../bindings";
import { useContact } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { formatBirthday, formatFullDateTime, formatLongDate, formatRelative } from "../lib/dates";
import { addressLines, capitalise, formatPhone, nameOf } from "../lib/format";
import { Avatar, ErrorMessage, TagList } from "./common";
import { BellOffIcon } from "./icons";

type Props = { contactId: string; summary: ContactSummary | null };

export function ContactCard({ contactId, summary }: Props) {
  const contact = useContact(contactId);
  const detail = contact.data;
  // Until the full record arrives, show what the list already knows.
  const head = detail ?? summary;

  return (
    <article className="card contact-card" aria-busy={contact.isPending} data-testid="contact-card">
      <div className="contact-head">
        {head ? <Avatar contact={head} size="large" /> : <span className="avatar avatar-large avatar-placeholder" />}
        <div className="contact-head-text">
          {head ? (
            <h2 className="contact-name" data-testid="contact-name">
              {nameOf(head)}
            </h2>
          ) : (
            <h2 className="contact-name">
              <span className="skeleton-bar title-skeleton" />
              <span className="visually-hidden">Loading contact</span>
            </h2>
          )}
          {head?.companyName || detail?.contactType ? (
            <p className="contact-sub">
              {head?.companyName ? <span className="contact-company">{head.companyName}</span> : null}
              {detail?.contactType ? (
                <span className="chip chip-type" title="Contact type">
                  {capitalise(detail.contactType)}
                </span>
              ) : null}
            </p>
          ) : null}
          {head ? <TagList tags={head.tags} /> : null}
        </div>
        {detail?.dnd ? (
          <span className="badge badge-dnd" data-testid="dnd-badge">
            <BellOffIcon size={14} />
            Do not disturb
          </span>
        ) : null}
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
  const customFields = detail.customFields.filter((field) => present(field.value));

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
      {customFields.length > 0 ? (
        <div className="custom-fields">
          <h3 className="subheading">Custom fields</h3>
          <dl className="details-grid" data-testid="custom-fields">
            {customFields.map((field) => (
              <Field key={field.id} label={field.id}>
                <span className="preserve-lines">{field.value}</span>
              </Field>
            ))}
          </dl>
        </div>
      ) : null}
    </>
  );
}
