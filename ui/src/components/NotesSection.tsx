import type { CSSProperties } from "react";
import type { Note } from "../bindings";
import { useContactNotes } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { formatFullDateTime, formatNoteDate } from "../lib/dates";
import { orderNotes } from "../lib/ordering";
import { Section } from "./Section";
import { PinIcon } from "./icons";

const NOTE_ICON = (
  <svg className="icon" width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M6 3h9l4 4v14H6z" />
    <path d="M9 11h6M9 15h6" />
  </svg>
);

export function NotesSection({ contactId }: { contactId: string }) {
  const query = useContactNotes(contactId);
  return (
    <Section name="notes" title="Notes" noun="notes" query={query} empty="No notes for this contact." icon={NOTE_ICON}>
      {(notes) => <NoteList notes={notes} />}
    </Section>
  );
}

/** Only simple colour values are used as the note's accent. */
export function safeColor(color: string | null): string | null {
  const c = (color ?? "").trim();
  if (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(c)) return c;
  if (/^[a-z]{3,20}$/i.test(c)) return c;
  if (/^(?:rgb|rgba|hsl|hsla)\([\d\s.,%/]+\)$/i.test(c)) return c;
  return null;
}

function NoteList({ notes }: { notes: Note[] }) {
  const now = useNow();
  return (
    <ul className="item-list">
      {orderNotes(notes).map((note) => {
        const color = safeColor(note.color);
        const style = color ? ({ "--note-accent": color } as CSSProperties) : undefined;
        const date = formatNoteDate(note.dateAdded, now);
        let className = "note";
        if (note.pinned) className += " is-pinned";
        if (color) className += " has-accent";
        return (
          <li key={note.id} className={className} style={style} data-testid="note-item" data-note-id={note.id}>
            <div className="note-head">
              {note.pinned ? (
                <span className="pin" data-testid="note-pinned">
                  <PinIcon size={13} />
                  Pinned
                </span>
              ) : null}
              {note.title?.trim() ? <p className="note-title">{note.title.trim()}</p> : null}
              {date ? (
                <time
                  className="note-date"
                  dateTime={note.dateAdded ?? undefined}
                  title={formatFullDateTime(note.dateAdded) ?? undefined}
                >
                  {date}
                </time>
              ) : null}
            </div>
            <p className="note-body preserve-lines">{note.body}</p>
          </li>
        );
      })}
    </ul>
  );
}
