// One list of the overview: a listbox like the contact list (arrows, Home/End, Enter or
// Space opens the item's contact). Arrows past either end move to the neighbouring list.
import { forwardRef, useImperativeHandle, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export type OverviewEntry = {
  key: string;
  contactId: string;
  title: string;
  /** Under the title: whose it is, or what is waiting. */
  detail: string;
  /** At the right: when. */
  when: string | null;
  /** The full date and time, as a tooltip. */
  whenTitle?: string;
  tone?: "overdue" | "attention";
  icon?: ReactNode;
};

export type OverviewListHandle = {
  /** Focuses the list on its first or last item, or where it was. */
  focusAt: (where: "first" | "last" | "same") => void;
};

type Props = {
  /** Unique per overview: option ids derive from it. */
  id: string;
  label: string;
  entries: OverviewEntry[];
  onOpen: (contactId: string) => void;
  /** An arrow key went past the first or last item. */
  onLeave: (direction: "up" | "down") => void;
  onFocus: () => void;
};

export const OverviewList = forwardRef<OverviewListHandle, Props>(function OverviewList(
  { id, label, entries, onOpen, onLeave, onFocus },
  ref,
) {
  const listRef = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(-1);
  const current = active >= entries.length ? entries.length - 1 : active;

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(index, entries.length - 1));
    setActive(clamped);
    document.getElementById(optionId(id, clamped))?.scrollIntoView?.({ block: "nearest" });
  };

  useImperativeHandle(ref, () => ({
    focusAt: (where) => {
      if (where === "first") setActive(0);
      else if (where === "last") setActive(entries.length - 1);
      listRef.current?.focus();
    },
  }));

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case "ArrowDown":
        if (current >= entries.length - 1) onLeave("down");
        else moveTo(current + 1);
        break;
      case "ArrowUp":
        if (current <= 0) onLeave("up");
        else moveTo(current - 1);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(entries.length - 1);
        break;
      case "Enter":
      case " ": {
        const entry = entries[current];
        if (entry === undefined) return;
        onOpen(entry.contactId);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const activeEntry = entries[current];
  return (
    <ul
      ref={listRef}
      className="overview-list"
      role="listbox"
      aria-label={label}
      aria-activedescendant={activeEntry ? optionId(id, current) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (current < 0) setActive(0);
        onFocus();
      }}
    >
      {entries.map((entry, index) => {
        let className = "overview-item";
        if (index === current) className += " is-active";
        if (entry.tone) className += ` is-${entry.tone}`;
        return (
          // The listbox handles the keyboard (arrows, Enter) for its options.
          // eslint-disable-next-line jsx-a11y/click-events-have-key-events
          <li
            key={entry.key}
            id={optionId(id, index)}
            role="option"
            aria-selected={index === current}
            className={className}
            data-testid="overview-item"
            data-contact-id={entry.contactId}
            onClick={() => {
              setActive(index);
              onOpen(entry.contactId);
            }}
          >
            {entry.icon ? <span className="overview-item-icon">{entry.icon}</span> : null}
            <span className="overview-item-main">
              <span className="overview-item-title">{entry.title}</span>
              <span className="overview-item-detail">{entry.detail}</span>
            </span>
            {entry.when ? (
              <span className="overview-item-when" title={entry.whenTitle}>
                {entry.when}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
});

function optionId(listId: string, index: number): string {
  return `${listId}-option-${index}`;
}
