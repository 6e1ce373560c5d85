// The contact's tags, editable: × on each chip removes it; the combobox adds one, with
// suggestions from the tags seen so far (ARIA 1.2 combobox with a listbox popup).
import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useChangeTags } from "../hooks/mutations";
import { useKnownTags } from "../hooks/queries";
import { XIcon } from "./icons";

type Props = {
  contactId: string;
  tags: readonly string[];
  canWrite: boolean;
  /** Why editing is off (tooltip). */
  readOnlyReason?: string;
};

const MAX_SUGGESTIONS = 8;
const MAX_TAG_LENGTH = 60;

/** GoHighLevel keeps tags trimmed and in lower case. */
export function normaliseTag(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

/** Known tags matching `text` that the contact doesn't have: prefix matches first. */
export function suggestTags(known: readonly string[], have: readonly string[], text: string): string[] {
  const needle = normaliseTag(text);
  const taken = new Set(have.map(normaliseTag));
  const seen = new Set<string>();
  const candidates: string[] = [];
  for (const tag of known) {
    const key = normaliseTag(tag);
    if (key === "" || taken.has(key) || seen.has(key) || !key.includes(needle)) continue;
    seen.add(key);
    candidates.push(tag);
  }
  return candidates
    .sort((a, b) => {
      const ap = normaliseTag(a).startsWith(needle) ? 0 : 1;
      const bp = normaliseTag(b).startsWith(needle) ? 0 : 1;
      return ap - bp || a.localeCompare(b);
    })
    .slice(0, MAX_SUGGESTIONS);
}

export function TagEditor({ contactId, tags, canWrite, readOnlyReason }: Props) {
  const change = useChangeTags(contactId);
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [used, setUsed] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const known = useKnownTags(used && canWrite);
  const inputRef = useRef<HTMLInputElement>(null);
  const baseId = useId();
  const listId = `${baseId}-list`;
  const noticeId = `${baseId}-notice`;

  const suggestions = useMemo(() => suggestTags(known.data ?? [], tags, text), [known.data, tags, text]);
  const expanded = open && suggestions.length > 0;
  const optionId = (index: number) => `${baseId}-option-${index}`;

  const add = (raw: string) => {
    const tag = normaliseTag(raw);
    setOpen(false);
    setActive(-1);
    if (tag === "") return;
    if (tags.some((t) => normaliseTag(t) === tag)) {
      setNotice(`“${tag}” is already on this contact.`);
      setText("");
      return;
    }
    setNotice(null);
    setText("");
    change.mutate({ add: tag });
  };

  const remove = (tag: string) => {
    change.mutate({ remove: tag, index: tags.indexOf(tag) });
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        setUsed(true);
        if (!open) {
          setOpen(true);
          setActive(0);
        } else if (suggestions.length > 0) {
          setActive((i) => (i + 1) % suggestions.length);
        }
        break;
      case "ArrowUp":
        if (!expanded) return;
        event.preventDefault();
        setActive((i) => (i <= 0 ? suggestions.length - 1 : i - 1));
        break;
      case "Enter": {
        event.preventDefault();
        const picked = expanded && active >= 0 ? suggestions[active] : undefined;
        add(picked ?? text);
        break;
      }
      case "Escape":
        if (expanded) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setActive(-1);
        } else if (text !== "") {
          event.preventDefault();
          setText("");
        }
        break;
      case "Tab":
        setOpen(false);
        break;
      default:
    }
  };

  const disabledTitle = canWrite ? undefined : readOnlyReason;

  return (
    <div className="tag-editor">
      {tags.length > 0 ? (
        <ul className="tags" aria-label="Tags" data-testid="contact-tags">
          {tags.map((tag) => (
            <li key={tag} className="tag tag-editable" title={tag}>
              <span className="tag-text">{tag}</span>
              <button
                type="button"
                className="tag-remove"
                data-testid="tag-remove"
                data-tag={tag}
                aria-label={`Remove tag ${tag}`}
                title={disabledTitle ?? `Remove tag ${tag}`}
                disabled={!canWrite}
                onClick={() => remove(tag)}
              >
                <XIcon size={11} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="tag-combobox">
        <label htmlFor={`${baseId}-input`} className="visually-hidden">
          Add a tag
        </label>
        <input
          ref={inputRef}
          id={`${baseId}-input`}
          className="tag-input"
          data-testid="tag-input"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-describedby={notice ? noticeId : undefined}
          placeholder="+ Add tag"
          autoComplete="off"
          spellCheck={false}
          maxLength={MAX_TAG_LENGTH}
          value={text}
          disabled={!canWrite}
          title={disabledTitle}
          onFocus={() => setUsed(true)}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(event.target.value.trim() !== "");
            setActive(-1);
            setNotice(null);
          }}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} role="listbox" aria-label="Known tags" className="tag-suggestions" hidden={!expanded}>
          {expanded
            ? suggestions.map((tag, index) => (
                // Keyboard users pick with the arrow keys in the input (aria-activedescendant).
                // eslint-disable-next-line jsx-a11y/click-events-have-key-events
                <li
                  key={tag}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  className={index === active ? "tag-option is-active" : "tag-option"}
                  onMouseDown={(event) => event.preventDefault()}
                  onMouseMove={() => setActive(index)}
                  onClick={() => add(tag)}
                >
                  {tag}
                </li>
              ))
            : null}
        </ul>
      </div>
      {notice ? (
        <p id={noticeId} className="tag-notice" role="status">
          {notice}
        </p>
      ) : null}
    </div>
  );
}
