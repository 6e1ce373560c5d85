import type { UseQueryResult } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { LatestItemApi } from "../hooks/mutations";
import { useWriteAccess, type WriteAccess } from "../hooks/queries";
import { useToast } from "./Toasts";
import { ConfirmDialog } from "./ConfirmDialog";
import { PlusIcon } from "./icons";
import { isOffline, Section } from "./Section";

/** What the list of an `ItemsSection` gets to edit and delete its items with. */
export type ItemControls<T> = {
  access: WriteAccess;
  /** The item whose inline edit form is open. */
  editingId: string | null;
  /**
   * The version of it the form starts from, when just fetched (the list may not show it
   * yet); null: the listed one.
   */
  editingItem: T | null;
  /** The item whose latest version is being fetched before its form opens. */
  checkingId: string | null;
  /** Shown above the edit form when its values could not be checked against GoHighLevel. */
  editNotice: string | null;
  onEdit: (id: string) => void;
  onDoneEditing: () => void;
  /** Asks before deleting. */
  onDelete: (item: T) => void;
  /** Where focus goes when the element that had it is gone. */
  fallbackFocus: () => HTMLElement | null;
};

type Props<T extends { id: string }> = {
  /** "tasks": data-testid="tasks-section", messages about "tasks". */
  name: string;
  title: string;
  query: UseQueryResult<T[]>;
  empty: string;
  icon: ReactNode;
  /** "task": "Add task", data-testid="add-task-button", "Delete task". */
  itemNoun: string;
  /** The item's name in the delete question. */
  itemName: (item: T) => string;
  /** After the delete was confirmed. */
  remove: (item: T) => void;
  /** Fetches an item's latest version before its edit form opens. */
  latest: LatestItemApi<T>;
  addForm: (props: { close: () => void; fallbackFocus: () => HTMLElement | null }) => ReactNode;
  list: (items: T[], controls: ItemControls<T>) => ReactNode;
};

/**
 * A contact's tasks or notes: an "Add" button that opens an inline form, one item edited
 * in place at a time, and a confirmation before an item is deleted.
 */
export function ItemsSection<T extends { id: string }>({ name, title, query, empty, icon, itemNoun, itemName, remove, latest, addForm, list }: Props<T>) {
  const access = useWriteAccess();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [editingItem, setEditingItem] = useState<T | null>(null);
  const [checkingId, setCheckingId] = useState<string | null>(null);
  const [editNotice, setEditNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<T | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  // Only the latest Edit click's answer counts; bumped to abandon the one on the way.
  const checkRun = useRef(0);
  const addButton = () => addRef.current;
  const label = `Add ${itemNoun}`;

  useEffect(
    () => () => {
      checkRun.current += 1;
    },
    [],
  );

  const openEditor = (id: string, item: T | null, notice: string | null) => {
    setAdding(false);
    setEditNotice(notice);
    setEditingItem(item);
    setEditingId(id);
  };

  // The form opens with GoHighLevel's current version; the rest of the UI stays usable
  // meanwhile.
  const startEdit = (id: string) => {
    if (checkingId === id) return;
    const run = ++checkRun.current;
    const cached = query.data?.find((item) => item.id === id);
    const trigger = document.activeElement;
    setCheckingId(id);
    void latest.check(id).then((result) => {
      if (checkRun.current !== run) return;
      setCheckingId(null);
      switch (result.kind) {
        case "fresh":
          openEditor(id, result.item, null);
          break;
        case "unchecked":
          openEditor(id, null, `Could not check for newer changes: ${result.message}`);
          break;
        case "deleted":
          // Its Edit button is about to go: keep focus in the section.
          if (trigger !== null && document.activeElement === trigger) addButton()?.focus();
          latest.drop(id);
          setEditingId((current) => (current === id ? null : current));
          toast.show({
            tone: "info",
            title: `This ${itemNoun} was deleted in GoHighLevel`,
            message: cached ? `“${itemName(cached)}” is no longer there, so it was removed from the list.` : "It was removed from the list.",
          });
          break;
        case "cancelled":
          break;
      }
    });
  };

  return (
    <Section
      name={name}
      title={title}
      noun={name}
      query={query}
      empty={empty}
      icon={icon}
      actions={
        <button
          ref={addRef}
          type="button"
          className="button button-small"
          data-testid={`add-${itemNoun}-button`}
          disabled={!access.canWrite || (query.data === undefined && !isOffline(query.error)) || adding}
          title={access.reason}
          aria-expanded={adding}
          onClick={() => {
            checkRun.current += 1;
            setCheckingId(null);
            setEditingId(null);
            setAdding(true);
          }}
        >
          <PlusIcon size={14} />
          {label}
        </button>
      }
      before={adding ? addForm({ close: () => setAdding(false), fallbackFocus: addButton }) : null}
    >
      {(items) => (
        <>
          {list(items, {
            access,
            editingId,
            editingItem: editingItem?.id === editingId ? editingItem : null,
            checkingId,
            editNotice,
            onEdit: startEdit,
            onDoneEditing: () => {
              setEditingId(null);
              setEditingItem(null);
              setEditNotice(null);
            },
            onDelete: setConfirming,
            fallbackFocus: addButton,
          })}
          {confirming ? (
            <ConfirmDialog
              title={`Delete ${itemNoun}`}
              confirmLabel={`Delete ${itemNoun}`}
              onClose={() => setConfirming(null)}
              fallbackFocus={addButton}
              onConfirm={() => {
                remove(confirming);
                setConfirming(null);
              }}
            >
              <p>
                Delete the {itemNoun} “{itemName(confirming)}”? It is removed from GoHighLevel.
              </p>
            </ConfirmDialog>
          ) : null}
        </>
      )}
    </Section>
  );
}
