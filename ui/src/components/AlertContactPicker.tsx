// Picking the contacts an alert rule is limited to: a search over the cached contacts
// (the list's own search command) and the chosen ones as removable chips.
import { useId, useState } from "react";
import type { AlertContact } from "../bindings";
import { useContactSearch } from "../hooks/queries";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { Spinner } from "./common";
import { XIcon } from "./icons";

/** Matches offered at once: a few names to pick from, not a second contact list. */
const SHOWN_MATCHES = 8;
const SEARCH_DELAY_MS = 200;

type Props = {
  chosen: readonly AlertContact[];
  onChange: (chosen: AlertContact[]) => void;
  error?: string | null;
};

export function AlertContactPicker({ chosen, onChange, error }: Props) {
  const id = useId();
  const [query, setQuery] = useState("");
  const debounced = useDebouncedValue(query.trim(), SEARCH_DELAY_MS);
  const search = useContactSearch(debounced);
  const matches =
    debounced === ""
      ? []
      : (search.data?.pages[0]?.contacts ?? []).filter((c) => !chosen.some((p) => p.id === c.id)).slice(0, SHOWN_MATCHES);
  const searching = debounced !== "" && search.isFetching;

  return (
    <div className="alert-contact-picker" data-testid="alert-contact-picker">
      <label htmlFor={`${id}-search`} className="form-label">
        Contacts to watch
      </label>
      {chosen.length > 0 ? (
        <ul className="alert-chosen" aria-label="Chosen contacts">
          {chosen.map((contact) => (
            <li key={contact.id} className="alert-chip" data-testid="alert-chosen-contact">
              <span>{contact.name}</span>
              <button
                type="button"
                className="icon-button alert-chip-remove"
                aria-label={`Remove ${contact.name}`}
                onClick={() => onChange(chosen.filter((c) => c.id !== contact.id))}
              >
                <XIcon size={12} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="alert-search-row">
        <input
          id={`${id}-search`}
          type="search"
          className="text-input"
          placeholder="Search by name, email or phone"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          aria-describedby={error ? `${id}-error` : undefined}
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          data-testid="alert-contact-search"
        />
        {searching ? <Spinner size={14} label="Searching" /> : null}
      </div>
      {error ? (
        <p id={`${id}-error`} className="field-error" data-testid="field-error">
          {error}
        </p>
      ) : null}
      {matches.length > 0 ? (
        <ul className="alert-matches" aria-label="Matching contacts">
          {matches.map((contact) => (
            <li key={contact.id}>
              <button
                type="button"
                className="alert-match"
                data-testid="alert-contact-option"
                onClick={() => {
                  onChange([...chosen, { id: contact.id, name: contact.displayName }]);
                  setQuery("");
                }}
              >
                <span className="alert-match-name">{contact.displayName}</span>
                <span className="muted">{contact.email ?? contact.phone ?? contact.companyName ?? ""}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : debounced !== "" && !searching && search.isSuccess ? (
        <p className="muted alert-no-match" role="status">
          No contact matches “{debounced}”.
        </p>
      ) : null}
    </div>
  );
}
