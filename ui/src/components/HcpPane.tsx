// The Housecall Pro source: its customers, searched as you type (debounced), 50 per page
// with "Load more". No key saved yet: a call to action to Settings, not an error.
import type { HcpCustomerSummary } from "../bindings";
import { toAppError } from "../backend";
import { useOpenSettings } from "../hooks/settings";
import { useHcpCustomers } from "../hooks/sync";
import { formatNumber, formatPhone } from "../lib/format";
import { ErrorMessage, Skeleton, Spinner } from "./common";
import { LinkIcon, SearchIcon } from "./icons";
import { HcpSetupPrompt } from "./SyncDialog";

export const HCP_SEARCH_DEBOUNCE_MS = 250;

type Props = {
  /** The search box's text, and the search it settled on (debounced by the owner). */
  text: string;
  onTextChange: (text: string) => void;
  query: string;
  selectedId: string | null;
  onSelect: (customer: HcpCustomerSummary) => void;
};

function countText(total: number, query: string): string {
  const noun = total === 1 ? "customer" : "customers";
  return query === "" ? `${formatNumber(total)} ${noun}` : `${formatNumber(total)} ${noun} match “${query}”`;
}

export function HcpPane({ text, onTextChange, query, selectedId, onSelect }: Props) {
  const customers = useHcpCustomers(query);
  const openSettings = useOpenSettings();

  const pages = customers.data?.pages;
  const rows = pages?.flatMap((page) => page.customers) ?? [];
  const first = pages?.[0];
  const shownQuery = first?.query ?? query;
  const searching = text.trim() !== query || (customers.isPlaceholderData && customers.isFetching);
  const notConfigured = customers.isError && toAppError(customers.error).code === "hcp_not_configured";
  const hasData = customers.data !== undefined && !notConfigured;

  return (
    <section className="contacts-pane hcp-pane" aria-labelledby="hcp-heading" data-testid="hcp-pane">
      <h2 id="hcp-heading" className="visually-hidden">
        Housecall Pro customers
      </h2>
      <div className="pane-toolbar">
        <div className="search-box">
          <SearchIcon className="search-icon" size={16} />
          <input
            type="search"
            className="search-input"
            aria-label="Search Housecall Pro customers"
            data-testid="hcp-search"
            placeholder="Name, email, phone, address…"
            value={text}
            autoComplete="off"
            spellCheck={false}
            disabled={notConfigured}
            onChange={(event) => onTextChange(event.target.value)}
          />
        </div>
      </div>
      <div className="count-row">
        <p className="count-line" data-testid="hcp-count" aria-live="polite" aria-busy={searching}>
          {hasData && first ? (
            <span className="count-text">{countText(first.total, shownQuery)}</span>
          ) : customers.isError ? null : (
            <span className="muted">Loading customers…</span>
          )}
          {searching ? <Spinner size={12} label="Searching" /> : null}
        </p>
      </div>
      <div className="contacts-body hcp-body">
        {notConfigured ? (
          <div className="pane-message">
            <HcpSetupPrompt onOpenSettings={openSettings ? () => openSettings("hcp") : null} />
          </div>
        ) : customers.isError && !hasData ? (
          <div className="pane-message">
            <ErrorMessage
              error={customers.error}
              what="Housecall Pro customers"
              onRetry={() => void customers.refetch()}
              retrying={customers.isFetching}
            />
          </div>
        ) : !hasData ? (
          <Skeleton lines={8} label="Loading customers" />
        ) : rows.length === 0 ? (
          <div className="pane-message list-empty" data-testid="empty-state">
            <p>{shownQuery === "" ? "There are no customers in Housecall Pro yet." : "Try a different name, email, phone number or address."}</p>
          </div>
        ) : (
          <ul className="hcp-list" aria-label="Housecall Pro customers" aria-busy={searching || undefined}>
            {rows.map((customer) => (
              <li key={customer.id}>
                <CustomerRow customer={customer} selected={customer.id === selectedId} onSelect={onSelect} />
              </li>
            ))}
            {customers.hasNextPage || customers.isFetchNextPageError ? (
              <li className="list-footer">
                {customers.isFetchNextPageError ? (
                  <ErrorMessage
                    compact
                    error={customers.error}
                    what="more customers"
                    onRetry={() => void customers.fetchNextPage()}
                    retrying={customers.isFetchingNextPage}
                  />
                ) : (
                  <button
                    type="button"
                    className="button hcp-load-more"
                    data-testid="hcp-load-more"
                    disabled={customers.isFetchingNextPage}
                    aria-busy={customers.isFetchingNextPage || undefined}
                    onClick={() => void customers.fetchNextPage()}
                  >
                    {customers.isFetchingNextPage ? <Spinner size={12} /> : null}
                    Load more
                  </button>
                )}
              </li>
            ) : null}
          </ul>
        )}
      </div>
    </section>
  );
}

function CustomerRow({
  customer,
  selected,
  onSelect,
}: {
  customer: HcpCustomerSummary;
  selected: boolean;
  onSelect: (customer: HcpCustomerSummary) => void;
}) {
  const phone = formatPhone(customer.phone);
  return (
    <button
      type="button"
      className={selected ? "hcp-row is-selected" : "hcp-row"}
      data-testid="hcp-customer-row"
      data-customer-id={customer.id}
      aria-current={selected || undefined}
      onClick={() => onSelect(customer)}
    >
      <span className="row-top">
        <span className="row-name">{customer.name}</span>
        {customer.company ? <span className="row-company">{customer.company}</span> : null}
        {customer.linkedContactId ? (
          <span className="badge badge-linked" data-testid="hcp-linked-badge" title="Linked to a GoHighLevel contact by an earlier sync">
            <LinkIcon size={11} />
            Linked
          </span>
        ) : null}
      </span>
      {customer.email || phone ? (
        <span className="row-reach">
          {customer.email ? <span className="row-email">{customer.email}</span> : null}
          {phone ? <span className="row-phone">{phone}</span> : null}
        </span>
      ) : null}
      {customer.address ? <span className="row-address">{customer.address}</span> : null}
    </button>
  );
}
