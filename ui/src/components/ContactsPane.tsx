import { forwardRef, useRef, useState } from "react";
import type { ContactSummary } from "../bindings";
import { summaryOf } from "../hooks/mutations";
import { useListSource } from "../hooks/listSource";
import { useActiveAccount, useContactSearch, useWriteAccess, type ListSource } from "../hooks/queries";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { formatContactCount } from "../lib/format";
import { ContactList, type ContactListHandle } from "./ContactList";
import { ErrorMessage, Skeleton, Spinner } from "./common";
import { ContactFormDialog } from "./ContactFormDialog";
import { DownloadProgress } from "./DownloadProgress";
import { AlertIcon, PlusIcon, SearchIcon } from "./icons";

export const SEARCH_DEBOUNCE_MS = 200;

type Props = {
  selectedId: string | null;
  onOpen: (contact: ContactSummary) => void;
};

export function ContactsPane({ selectedId, onOpen }: Props) {
  const [text, setText] = useState("");
  const query = useDebouncedValue(text.trim(), SEARCH_DEBOUNCE_MS);
  const [source, setSource] = useListSource(useActiveAccount()?.locationId ?? "");
  const search = useContactSearch(query, source);
  const sourceRef = useRef<HTMLSelectElement>(null);
  const listRef = useRef<ContactListHandle>(null);
  const access = useWriteAccess();
  const [creating, setCreating] = useState(false);

  const pages = search.data?.pages;
  const contacts = pages?.flatMap((page) => page.contacts) ?? [];
  const firstPage = pages?.[0];
  const shownQuery = firstPage?.query ?? query;
  // Null: a ranked search found more than the pages loaded so far (it doesn't count).
  const total = firstPage === undefined ? 0 : firstPage.total;
  // Typed ahead of the debounce, or waiting for the new query's first page.
  const searching = text.trim() !== query || (search.isPlaceholderData && search.isFetching);
  const nextPageFailed = search.isFetchNextPageError;
  const hasData = search.data !== undefined;

  return (
    <section className="contacts-pane" aria-labelledby="contacts-heading">
      <h2 id="contacts-heading" className="visually-hidden">
        Contacts
      </h2>
      <div className="pane-toolbar">
        <div className="search-box">
          <SearchIcon className="search-icon" size={16} />
          <input
            type="search"
            className="search-input"
            aria-label="Search contacts"
            data-testid="contact-search"
            placeholder="Name, email, phone…"
            title="Search by name, email, phone number or company"
            value={text}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "ArrowDown" && contacts.length > 0) {
                event.preventDefault();
                listRef.current?.focus();
              }
            }}
          />
        </div>
        <button
          type="button"
          className="button button-primary new-contact"
          data-testid="new-contact-button"
          disabled={!access.canWrite}
          title={access.reason ?? "Add a contact to GoHighLevel"}
          aria-haspopup="dialog"
          onClick={() => setCreating(true)}
        >
          <PlusIcon size={15} />
          New contact
        </button>
      </div>
      {creating ? (
        <ContactFormDialog
          contact={null}
          onClose={() => setCreating(false)}
          onSaved={(created) => {
            setCreating(false);
            onOpen(summaryOf(created));
          }}
          onOpenExisting={(existing) => {
            setCreating(false);
            onOpen(existing);
          }}
        />
      ) : null}
      <div className="count-row">
        <p className="count-line" data-testid="contact-count" aria-live="polite" aria-busy={searching}>
          {hasData ? (
            <span className="count-text">{formatContactCount(total, shownQuery, contacts.length)}</span>
          ) : search.isError ? null : (
            <span className="muted">Loading contacts…</span>
          )}
          {searching || (search.isFetching && !search.isFetchingNextPage && hasData) ? (
            <Spinner size={12} label="Searching" />
          ) : null}
        </p>
        <ListSourceSelect ref={sourceRef} value={source} onChange={setSource} />
      </div>
      {source === "legacy" ? (
        <div className="legacy-note" data-testid="legacy-list-note" role="note">
          <AlertIcon className="legacy-note-icon" size={14} />
          <p>
            Listing with GoHighLevel’s older contacts list (<code>GET /contacts/</code>, deprecated). Matches and order may
            differ from search.{" "}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setSource("search");
                // The note and this button go away: keep focus on the choice it changed.
                sourceRef.current?.focus();
              }}
            >
              Back to search
            </button>
          </p>
        </div>
      ) : null}
      <DownloadProgress />
      <div className="contacts-body">
        {search.isError && !hasData ? (
          <div className="pane-message">
            <ErrorMessage
              error={search.error}
              what="contacts"
              onRetry={() => void search.refetch()}
              retrying={search.isFetching}
            />
          </div>
        ) : !hasData ? (
          <Skeleton lines={8} label="Loading contacts" />
        ) : contacts.length === 0 ? (
          <div className="pane-message list-empty" data-testid="empty-state">
            <p>{shownQuery === "" ? "There are no contacts in this location yet." : "Try a different name, email, phone number or company."}</p>
          </div>
        ) : (
          <ContactList
            ref={listRef}
            contacts={contacts}
            total={total}
            listKey={`${source}:${shownQuery}`}
            selectedId={selectedId}
            onOpen={onOpen}
            busy={searching || search.isFetchingNextPage}
            hasNextPage={search.hasNextPage && !nextPageFailed}
            isFetchingNextPage={search.isFetchingNextPage}
            fetchNextPage={() => void search.fetchNextPage()}
          />
        )}
        {nextPageFailed && hasData ? (
          <div className="list-footer">
            <ErrorMessage
              compact
              error={search.error}
              what="more contacts"
              onRetry={() => void search.fetchNextPage()}
              retrying={search.isFetchingNextPage}
            />
          </div>
        ) : null}
      </div>
    </section>
  );
}

const SOURCE_LABELS: Record<ListSource, string> = {
  search: "Search",
  legacy: "Older list",
};

type SourceProps = { value: ListSource; onChange: (source: ListSource) => void };

/** Troubleshooting: which GoHighLevel endpoint lists the contacts. Kept small on purpose. */
const ListSourceSelect = forwardRef<HTMLSelectElement, SourceProps>(function ListSourceSelect({ value, onChange }, ref) {
  return (
    <label className="list-source" title="Troubleshooting: which GoHighLevel endpoint lists the contacts">
      <span className="list-source-label">List from</span>
      <select
        ref={ref}
        className="list-source-select"
        data-testid="list-source"
        value={value}
        onChange={(event) => onChange(event.target.value === "legacy" ? "legacy" : "search")}
      >
        {(Object.keys(SOURCE_LABELS) as ListSource[]).map((option) => (
          <option key={option} value={option}>
            {SOURCE_LABELS[option]}
          </option>
        ))}
      </select>
    </label>
  );
});
