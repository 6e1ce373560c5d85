import { useVirtualizer } from "@tanstack/react-virtual";
import {
  forwardRef,
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from "react";
import type { ContactSummary } from "../bindings";
import { useNow } from "../hooks/now";
import { formatFullDateTime, formatRelative } from "../lib/dates";
import { formatPhone, nameOf } from "../lib/format";
import { FIRST_LIST_PAINT_MARK, hasMark, markOnce } from "../lib/startupMarks";
import { Avatar, Spinner, TagList, WaitingBadge } from "./common";

/** Fixed row height in px (keep in sync with `.contact-row` in app.css). */
export const ROW_HEIGHT = 84;
/** Start loading the next page when this many rows or fewer remain below the viewport. */
const PREFETCH_ROWS = 30;

export type ContactListHandle = { focus: () => void };

type Props = {
  contacts: ContactSummary[];
  /** Null when the number of matches isn't known (a ranked search with more to load). */
  total: number | null;
  /** Changes when the list is replaced by a new search: scroll back to the top. */
  listKey: string;
  selectedId: string | null;
  onOpen: (contact: ContactSummary) => void;
  busy: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
};

function optionId(contactId: string): string {
  return `contact-option-${contactId}`;
}

export const ContactList = forwardRef<ContactListHandle, Props>(function ContactList(
  { contacts, total, listKey, selectedId, onOpen, busy, hasNextPage, isFetchingNextPage, fetchNextPage },
  ref,
) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeIndex, setActiveIndex] = useState(-1);
  const now = useNow();

  const count = contacts.length + (hasNextPage ? 1 : 0);
  if (contacts.length > 0) markOnce("switchboard:list-render");
  // Before the virtualizer's own layout effects, which measure the list (a forced layout).
  useLayoutEffect(() => {
    if (contacts.length > 0) markOnce("switchboard:list-dom");
  }, [contacts.length]);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 420, height: 640 },
    getItemKey: (index) => contacts[index]?.id ?? "__loader__",
  });

  useImperativeHandle(ref, () => ({ focus: () => scrollRef.current?.focus() }), []);

  // A new search replaces the list: start at the top again.
  useEffect(() => {
    setActiveIndex(-1);
    virtualizer.scrollToOffset(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the search changes
  }, [listKey]);

  // Bring the selected contact into view when it was chosen elsewhere (just created, or
  // picked in the business view) as soon as its row is loaded; give up after a while.
  const reveal = useRef<{ id: string; until: number } | null>(null);
  useEffect(() => {
    reveal.current = selectedId === null ? null : { id: selectedId, until: Date.now() + 5000 };
  }, [selectedId]);
  useEffect(() => {
    const target = reveal.current;
    if (target === null) return;
    if (Date.now() > target.until) {
      reveal.current = null;
      return;
    }
    const index = contacts.findIndex((c) => c.id === target.id);
    if (index >= 0) {
      reveal.current = null;
      virtualizer.scrollToIndex(index, { align: "auto" });
    }
  }, [selectedId, contacts, virtualizer]);

  const items = virtualizer.getVirtualItems();
  useMarkFirstPaint(items.length > 0);
  const lastVisible = items.length > 0 ? items[items.length - 1]!.index : -1;

  // Load the next page as the user nears the end of what is loaded.
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= contacts.length - PREFETCH_ROWS) {
      fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, lastVisible, contacts.length, fetchNextPage]);

  const moveTo = useCallback(
    (index: number) => {
      if (contacts.length === 0) return;
      const clamped = Math.max(0, Math.min(index, contacts.length - 1));
      setActiveIndex(clamped);
      virtualizer.scrollToIndex(clamped, { align: "auto" });
    },
    [contacts.length, virtualizer],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 6) / ROW_HEIGHT) - 1);
    const current = activeIndex < 0 ? -1 : activeIndex;
    switch (event.key) {
      case "ArrowDown":
        moveTo(current + 1);
        break;
      case "ArrowUp":
        moveTo(current <= 0 ? 0 : current - 1);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(contacts.length - 1);
        break;
      case "PageDown":
        moveTo(Math.max(current, 0) + pageRows);
        break;
      case "PageUp":
        moveTo(Math.max(current, 0) - pageRows);
        break;
      case "Enter":
      case " ": {
        const contact = contacts[current];
        if (contact === undefined) return;
        onOpen(contact);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const onFocus = () => {
    if (activeIndex >= 0 && activeIndex < contacts.length) return;
    const selected = selectedId === null ? -1 : contacts.findIndex((c) => c.id === selectedId);
    const visibleStart = items.find((item) => item.index < contacts.length)?.index ?? 0;
    const start = selected >= 0 ? selected : visibleStart;
    setActiveIndex(start);
    if (selected >= 0) virtualizer.scrollToIndex(start, { align: "auto" });
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>("[data-index]");
    if (row === null) return;
    const index = Number(row.dataset.index);
    const contact = contacts[index];
    if (contact === undefined) return;
    setActiveIndex(index);
    onOpen(contact);
  };

  // Only point at the active row while it is rendered (the list is virtualised).
  const active = items.some((item) => item.index === activeIndex) ? contacts[activeIndex] : undefined;

  return (
    <div
      ref={scrollRef}
      className="contact-list"
      role="listbox"
      aria-label="Contacts"
      aria-busy={busy}
      aria-activedescendant={active ? optionId(active.id) : undefined}
      tabIndex={0}
      data-testid="contact-list"
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onClick={onClick}
    >
      <div className="contact-list-inner" role="presentation" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const contact = contacts[item.index];
          if (contact === undefined) {
            return (
              <div
                key={item.key}
                className="list-loader"
                aria-hidden="true"
                data-testid="list-loader"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <Spinner size={14} />
                Loading more contacts…
              </div>
            );
          }
          return (
            <ContactRow
              key={item.key}
              contact={contact}
              index={item.index}
              start={item.start}
              setSize={total}
              selected={contact.id === selectedId}
              active={item.index === activeIndex}
              now={now}
            />
          );
        })}
      </div>
    </div>
  );
});

type RowProps = {
  contact: ContactSummary;
  index: number;
  start: number;
  /** -1: unknown (as ARIA has it). */
  setSize: number | null;
  selected: boolean;
  active: boolean;
  now: Date;
};

const ContactRow = memo(function ContactRow({ contact, index, start, setSize, selected, active, now }: RowProps) {
  const phone = formatPhone(contact.phone);
  const updated = formatRelative(contact.dateUpdated, now);
  const company = contact.companyName?.trim();
  const email = contact.email?.trim();
  let className = "contact-row";
  if (selected) className += " is-selected";
  if (active) className += " is-active";
  return (
    <div
      id={optionId(contact.id)}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize === null ? -1 : Math.max(setSize, index + 1)}
      className={className}
      data-testid="contact-row"
      data-contact-id={contact.id}
      data-index={index}
      style={{ transform: `translateY(${start}px)` }}
    >
      <Avatar contact={contact} />
      <div className="row-main">
        <div className="row-top">
          <span className="row-name">{nameOf(contact)}</span>
          <span className="row-company">{company}</span>
          {contact.pending ? <WaitingBadge /> : null}
          {updated ? (
            <span className="row-updated" title={formatFullDateTime(contact.dateUpdated) ?? undefined}>
              Updated {updated}
            </span>
          ) : null}
        </div>
        <div className="row-reach">
          {email ? <span className="row-email">{email}</span> : null}
          {phone ? <span className="row-phone">{phone}</span> : null}
          {!email && !phone ? <span className="muted">No email or phone</span> : null}
        </div>
        <div className="row-foot">
          <TagList tags={contact.tags} max={3} />
        </div>
      </div>
    </div>
  );
});

/**
 * Marks, once per window, the first frame that shows contact rows: the effect runs after
 * React committed them, and the next animation frame is when they are painted.
 */
function useMarkFirstPaint(hasRows: boolean) {
  // And when the rows were committed with the list measured (the virtualizer's layout
  // effects ran before this one), which splits the time to the paint into React's work,
  // the first layout and the web view's paint.
  useLayoutEffect(() => {
    if (hasRows) markOnce("switchboard:list-committed");
  }, [hasRows]);
  useEffect(() => {
    if (!hasRows || hasMark(FIRST_LIST_PAINT_MARK)) return;
    const frame = requestAnimationFrame(() => markOnce(FIRST_LIST_PAINT_MARK));
    return () => cancelAnimationFrame(frame);
  }, [hasRows]);
}
