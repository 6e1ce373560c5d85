import { useEffect, useId, useRef, useState, type CSSProperties, type FormEvent } from "react";
import type { Note } from "../bindings";
import { isTempId, mutationKeys, tempId, usePendingIds, useDeleteNote, useLatestNote, useSaveNote } from "../hooks/mutations";
import { useContactNotes, type WriteAccess } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { useReturnFocus } from "../hooks/useReturnFocus";
import { useSlow } from "../hooks/useSlow";
import { formatFullDateTime, formatNoteDate } from "../lib/dates";
import { orderNotes } from "../lib/ordering";
import { Spinner, WaitingBadge } from "./common";
import { InlineForm, InputField, SubmitButton, TextAreaField } from "./forms";
import { PencilIcon, PinIcon, TrashIcon } from "./icons";
import { ItemsSection, type ItemControls } from "./ItemsSection";

const NOTE_ICON = (
  <svg className="icon" width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M6 3h9l4 4v14H6z" />
    <path d="M9 11h6M9 15h6" />
  </svg>
);

/** Only simple colour values are used as the note's accent. */
export function safeColor(color: string | null): string | null {
  const c = (color ?? "").trim();
  if (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(c)) return c;
  if (/^[a-z]{3,20}$/i.test(c)) return c;
  if (/^(?:rgb|rgba|hsl|hsla)\([\d\s.,%/]+\)$/i.test(c)) return c;
  return null;
}

/** A short name for a note in labels: its title, else the start of its text. */
function noteName(note: Note): string {
  const title = note.title?.trim();
  if (title) return title;
  const body = note.body.trim().replace(/\s+/g, " ");
  if (body === "") return "Empty note";
  return body.length > 32 ? `${body.slice(0, 31)}…` : body;
}

type NoteValues = { title: string; body: string };

export function NotesSection({ contactId }: { contactId: string }) {
  const query = useContactNotes(contactId);
  const save = useSaveNote(contactId);
  const remove = useDeleteNote(contactId);
  const latest = useLatestNote(contactId);
  return (
    <ItemsSection
      name="notes"
      title="Notes"
      query={query}
      empty="No notes for this contact."
      icon={NOTE_ICON}
      itemNoun="note"
      itemName={noteName}
      remove={(note) => remove.mutate({ id: note.id, item: note })}
      latest={latest}
      addForm={({ close, fallbackFocus }) => (
        <NoteFormInline
          initial={{ title: "", body: "" }}
          submitLabel="Add note"
          fallbackFocus={fallbackFocus}
          onCancel={close}
          onSubmit={(values) => {
            close();
            save.mutate({
              id: tempId("note"),
              isNew: true,
              previous: null,
              form: { title: values.title.trim() || null, body: values.body.trim(), pinned: false, color: null },
            });
          }}
        />
      )}
      list={(notes, controls) => <NoteList contactId={contactId} notes={notes} {...controls} />}
    />
  );
}

type ListProps = ItemControls<Note> & { contactId: string; notes: Note[] };

function editButtonId(noteId: string): string {
  return `note-edit-${noteId}`;
}

function NoteList({ contactId, notes, access, editingId, editingItem, checkingId, editNotice, onEdit, onDoneEditing, onDelete, fallbackFocus }: ListProps) {
  const now = useNow();
  const pending = usePendingIds(mutationKeys.notes(contactId));
  const save = useSaveNote(contactId);
  return (
    <ul className="item-list">
      {orderNotes(notes).map((listed) => {
        const note = listed.id === editingId ? (editingItem ?? listed) : listed;
        return note.id === editingId ? (
          <li key={note.id} className="note is-editing" data-testid="note-item" data-note-id={note.id}>
            {editNotice ? (
              <p className="edit-notice" role="status" data-testid="edit-notice">
                {editNotice}
              </p>
            ) : null}
            <NoteFormInline
              initial={{ title: note.title ?? "", body: note.body }}
              submitLabel="Save note"
              fallbackFocus={() => document.getElementById(editButtonId(note.id)) ?? fallbackFocus()}
              onCancel={onDoneEditing}
              onSubmit={(values) => {
                onDoneEditing();
                save.mutate({
                  id: note.id,
                  isNew: false,
                  previous: note,
                  form: { title: values.title.trim() || null, body: values.body.trim(), pinned: note.pinned, color: note.color },
                });
              }}
            />
          </li>
        ) : (
          <NoteItem
            key={note.id}
            note={note}
            now={now}
            access={access}
            pending={pending.has(note.id) || isTempId(note.id)}
            checking={checkingId === note.id}
            onTogglePin={() =>
              save.mutate({
                id: note.id,
                isNew: false,
                previous: note,
                what: note.pinned ? "unpin" : "pin",
                form: { title: note.title, body: note.body, pinned: !note.pinned, color: note.color },
              })
            }
            onEdit={() => onEdit(note.id)}
            onDelete={() => onDelete(note)}
          />
        );
      })}
    </ul>
  );
}

type ItemProps = {
  note: Note;
  now: Date;
  access: WriteAccess;
  pending: boolean;
  /** Its latest version is being fetched for the edit form. */
  checking: boolean;
  onTogglePin: () => void;
  onEdit: () => void;
  onDelete: () => void;
};

function NoteItem({ note, now, access, pending, checking, onTogglePin, onEdit, onDelete }: ItemProps) {
  const slow = useSlow(pending);
  // Most checks answer at once; a spinner only for the slow ones.
  const slowCheck = useSlow(checking, 300);
  const color = safeColor(note.color);
  const style = color ? ({ "--note-accent": color } as CSSProperties) : undefined;
  const date = formatNoteDate(note.dateAdded, now);
  const name = noteName(note);
  const locked = !access.canWrite || pending;
  let className = "note";
  if (note.pinned) className += " is-pinned";
  if (color) className += " has-accent";
  if (pending) className += " is-pending";
  return (
    <li className={className} style={style} data-testid="note-item" data-note-id={note.id} aria-busy={pending || undefined}>
      <div className="note-head">
        {note.pinned ? (
          <span className="pin" data-testid="note-pinned">
            <PinIcon size={13} />
            Pinned
          </span>
        ) : null}
        {note.title?.trim() ? <p className="note-title">{note.title.trim()}</p> : null}
        {note.pending ? <WaitingBadge /> : null}
        {slow ? (
          <span className="saving">
            <Spinner size={12} /> Saving…
          </span>
        ) : null}
        {date ? (
          <time className="note-date" dateTime={note.dateAdded ?? undefined} title={formatFullDateTime(note.dateAdded) ?? undefined}>
            {date}
          </time>
        ) : null}
        <div className="item-actions">
          <button
            type="button"
            className={note.pinned ? "icon-button is-on" : "icon-button"}
            data-testid="note-pin"
            aria-pressed={note.pinned}
            aria-label={`Pin note '${name}'`}
            title={access.reason ?? (note.pinned ? "Unpin" : "Pin to the top")}
            disabled={locked}
            onClick={onTogglePin}
          >
            <PinIcon size={15} />
          </button>
          <button
            type="button"
            id={editButtonId(note.id)}
            className="icon-button"
            aria-busy={checking || undefined}
            aria-label={`Edit note '${name}'`}
            title={access.reason ?? "Edit note"}
            disabled={locked}
            onClick={onEdit}
          >
            {slowCheck ? <Spinner size={15} /> : <PencilIcon size={15} />}
          </button>
          <button
            type="button"
            className="icon-button icon-button-danger"
            data-testid="note-delete"
            aria-label={`Delete note '${name}'`}
            title={access.reason ?? "Delete note"}
            disabled={locked}
            onClick={onDelete}
          >
            <TrashIcon size={15} />
          </button>
        </div>
      </div>
      <p className="note-body preserve-lines">{note.body}</p>
    </li>
  );
}

type FormProps = {
  initial: NoteValues;
  submitLabel: string;
  onSubmit: (values: NoteValues) => void;
  onCancel: () => void;
  fallbackFocus: () => HTMLElement | null;
};

function NoteFormInline({ initial, submitLabel, onSubmit, onCancel, fallbackFocus }: FormProps) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const id = useId();
  useReturnFocus(fallbackFocus);
  useEffect(() => {
    // New note: start typing the text; editing: start at the top.
    if (initial.body === "") bodyRef.current?.focus();
    else titleRef.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (values.body.trim() === "") {
      setError("Write something in the note.");
      bodyRef.current?.focus();
      return;
    }
    onSubmit(values);
  };

  return (
    <InlineForm
      data-testid="note-form"
      aria-label={submitLabel === "Add note" ? "New note" : "Edit note"}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <InputField
        id={`${id}-title`}
        name="title"
        label="Title"
        optional
        value={values.title}
        onChange={(title) => setValues((v) => ({ ...v, title }))}
        inputRef={titleRef}
        maxLength={200}
      />
      <TextAreaField
        id={`${id}-body`}
        name="body"
        label="Note"
        value={values.body}
        onChange={(body) => {
          setValues((v) => ({ ...v, body }));
          if (error && body.trim() !== "") setError(null);
        }}
        error={error}
        textAreaRef={bodyRef}
        rows={4}
        required
      />
      <div className="inline-form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <SubmitButton pending={false} testId="note-form-submit">
          {submitLabel}
        </SubmitButton>
      </div>
    </InlineForm>
  );
}
