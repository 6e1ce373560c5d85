// The Housecall Pro side of things in the details pane: a customer picked in the HCP
// panel, the HCP side of a linked GoHighLevel contact, and the sync log.
import { useState, type ReactNode } from "react";
import type { HcpCustomerSummary, SyncLogLine, SyncTargetRef } from "../bindings";
import { toAppError } from "../backend";
import { useNow } from "../hooks/now";
import { useHcpStatus, useLinkedCustomer, useSyncLog } from "../hooks/sync";
import { formatFullDateTime, formatLongDate, formatRelative } from "../lib/dates";
import { HCP_NOT_CONFIGURED_MESSAGE } from "../lib/errors";
import { formatPhone } from "../lib/format";
import { directionText } from "../lib/sync";
import { EmptyState, ErrorMessage, Skeleton } from "./common";
import { ContactCardIcon, LinkIcon, RefreshIcon, SyncIcon } from "./icons";
import { SyncDialog, SyncValue } from "./SyncDialog";

function HcpFields({ customer }: { customer: HcpCustomerSummary }) {
  const now = useNow();
  const phone = formatPhone(customer.phone);
  const ago = formatRelative(customer.updatedAt, now);
  const rows: [string, ReactNode][] = [];
  if (customer.email) rows.push(["Email", customer.email]);
  if (phone) rows.push(["Phone", phone]);
  if (customer.company) rows.push(["Company", customer.company]);
  if (customer.address) rows.push(["Address", customer.address]);
  if (customer.updatedAt) {
    rows.push([
      "Last updated",
      <time key="updated" dateTime={customer.updatedAt} title={formatFullDateTime(customer.updatedAt) ?? undefined}>
        {formatLongDate(customer.updatedAt)}
        {ago ? <span className="muted"> · {ago}</span> : null}
      </time>,
    ]);
  }
  return (
    <dl className="details-grid" data-testid="hcp-fields">
      {rows.map(([label, value]) => (
        <div key={label} className="field">
          <dt>{label}</dt>
          <dd className="break-anywhere">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

type CustomerViewProps = {
  customer: HcpCustomerSummary | null;
  /** Shows a GoHighLevel contact (switching to the GoHighLevel tab). */
  onOpenContact: (contactId: string) => void;
};

/** The details pane while the Housecall Pro tab is on. */
export function HcpCustomerView({ customer, onOpenContact }: CustomerViewProps) {
  const [syncing, setSyncing] = useState(false);
  if (customer === null) {
    return (
      <section className="contact-view" aria-label="Customer details" data-testid="hcp-customer-view-empty">
        <div className="view-empty">
          <span className="view-empty-icon">
            <ContactCardIcon size={40} />
          </span>
          <p>Select a Housecall Pro customer to see it and sync it with GoHighLevel</p>
        </div>
      </section>
    );
  }
  const target: SyncTargetRef = { side: "hcp", id: customer.id };
  return (
    <section className="contact-view" aria-label="Customer details" data-testid="hcp-customer-view" data-customer-id={customer.id}>
      <div className="view-content" key={customer.id}>
        <article className="card contact-card">
          <div className="contact-head">
            <div className="contact-head-text">
              <p className="source-label">Housecall Pro customer</p>
              <h2 className="contact-name">{customer.name}</h2>
              {customer.linkedContactId ? (
                <p className="contact-sub">
                  <span className="badge badge-linked">
                    <LinkIcon size={11} />
                    Linked
                  </span>
                  <button
                    type="button"
                    className="link-button"
                    data-testid="open-ghl-contact"
                    onClick={() => onOpenContact(customer.linkedContactId!)}
                  >
                    Open the GoHighLevel contact
                  </button>
                </p>
              ) : null}
            </div>
            <div className="contact-head-side">
              <div className="card-actions">
                <button
                  type="button"
                  className="button button-primary"
                  data-testid="sync-button"
                  aria-haspopup="dialog"
                  onClick={() => setSyncing(true)}
                >
                  <SyncIcon size={14} />
                  Sync to GoHighLevel
                </button>
              </div>
            </div>
          </div>
          <HcpFields customer={customer} />
        </article>
        <div className="view-sections">
          <SyncLogSection target={target} />
        </div>
        {syncing ? (
          <SyncDialog target={target} name={customer.name} onClose={() => setSyncing(false)} onOpenContact={onOpenContact} />
        ) : null}
      </div>
    </section>
  );
}

/**
 * Whether a GoHighLevel contact has anything to do with Housecall Pro: its sync button and
 * sections show when HCP is set up or the contact is linked, and stay hidden otherwise.
 */
export function useHcpPresence(contactId: string) {
  const status = useHcpStatus();
  const linked = useLinkedCustomer(contactId);
  const configured = status.data?.configured === true;
  // A link that can't be read because the key was removed is still a link.
  const isLinked = linked.data != null || (linked.isError && toAppError(linked.error).code === "hcp_not_configured");
  return { configured, linked, isLinked, visible: configured || isLinked };
}

/** The contact view's Housecall Pro side and sync log (GoHighLevel tab). */
export function ContactHcpSections({ contactId, onSync }: { contactId: string; onSync: () => void }) {
  const { linked, isLinked, visible } = useHcpPresence(contactId);
  if (!visible) return null;
  return (
    <>
      <section className="card panel" data-testid="hcp-side" aria-labelledby="hcp-side-heading">
        <header className="panel-header">
          <span className="panel-icon">
            <LinkIcon size={15} />
          </span>
          <h3 id="hcp-side-heading">Housecall Pro</h3>
        </header>
        {linked.isPending ? (
          <Skeleton lines={1} label="Loading the Housecall Pro customer" />
        ) : linked.isError ? (
          toAppError(linked.error).code === "hcp_not_configured" ? (
            <p className="section-offline" role="status">
              Linked to a Housecall Pro customer. {HCP_NOT_CONFIGURED_MESSAGE}
            </p>
          ) : (
            <ErrorMessage
              error={linked.error}
              what="the Housecall Pro customer"
              onRetry={() => void linked.refetch()}
              retrying={linked.isFetching}
            />
          )
        ) : linked.data ? (
          <div className="hcp-side-body">
            <p className="hcp-side-name">{linked.data.name}</p>
            <HcpFields customer={linked.data} />
          </div>
        ) : (
          <div className="hcp-side-body">
            <p className="muted">Not linked to a Housecall Pro customer yet.</p>
            <button type="button" className="button button-small" aria-haspopup="dialog" onClick={onSync}>
              <SyncIcon size={13} />
              Find or create it
            </button>
          </div>
        )}
      </section>
      {isLinked ? <SyncLogSection target={{ side: "ghl", id: contactId }} /> : null}
    </>
  );
}

/** What every sync changed on this record, newest first. */
export function SyncLogSection({ target }: { target: SyncTargetRef }) {
  const log = useSyncLog(target);
  const count = log.data?.length;
  return (
    <section className="card panel" data-testid="sync-log" aria-labelledby={`sync-log-heading-${target.side}`}>
      <header className="panel-header">
        <span className="panel-icon">
          <RefreshIcon size={15} />
        </span>
        <h3 id={`sync-log-heading-${target.side}`}>
          Sync log
          {count !== undefined ? <span className="count-pill">{count}</span> : null}
        </h3>
      </header>
      {log.isPending ? (
        <Skeleton lines={2} label="Loading the sync log" />
      ) : log.isError ? (
        <ErrorMessage error={log.error} what="the sync log" onRetry={() => void log.refetch()} retrying={log.isFetching} />
      ) : log.data.length === 0 ? (
        <EmptyState>Not synced yet</EmptyState>
      ) : (
        <ul className="sync-log-list">
          {log.data.map((line, i) => (
            <SyncLogRow key={`${line.at}-${line.label}-${i}`} line={line} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SyncLogRow({ line }: { line: SyncLogLine }) {
  return (
    <li className="sync-log-line" data-testid="sync-log-line" data-side={line.to}>
      <span className="sync-log-when">
        <time dateTime={line.at}>{formatFullDateTime(line.at) ?? line.at}</time>
      </span>
      <span className="sync-log-direction">{directionText(line.to)}</span>
      <span className="sync-log-change">
        <span className="sync-change-label">{line.label}:</span> <SyncValue value={line.from} /> → <SyncValue value={line.value} />
      </span>
      <span className="sync-log-actor muted">by {line.actor}</span>
    </li>
  );
}
