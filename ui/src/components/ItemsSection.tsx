import type { UseQueryResult } from "@tanstack/react-query";
import { useRef, useState, type ReactNode } from "react";
import { useWriteAccess, type WriteAccess } from "../hooks/queries";
import { ConfirmDialog } from "./ConfirmDialog";
import { PlusIcon } from "./icons";
import { Section } from "./Section";

/** What the list of an `ItemsSection` gets to edit and delete its items with. */
export type ItemControls<T> = {
  access: WriteAccess;
  /** The item whose inline edit form is open. */
  editingId: string | null;
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
  addForm: (props: { close: () => void; fallbackFocus: () => HTMLElement | null }) => ReactNode;
  list: (items: T[], controls: ItemControls<T>) => ReactNode;
};

/**
 * A contact's tasks or notes: an "Add" button that opens an inline form, one item edited
 * in place at a time, and a confirmation before an item is deleted.
 */
export function ItemsSection<T extends { id: string }>({ name, title, query, empty, icon, itemNoun, itemName, remove, addForm, list }: Props<T>) {
  const access = useWriteAccess();
  const [adding, setAdding] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<T | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const addButton = () => addRef.current;
  const label = `Add ${itemNoun}`;

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
          disabled={!access.canWrite || query.data === undefined || adding}
          title={access.reason}
          aria-expanded={adding}
          onClick={() => {
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
            onEdit: (id) => {
              setAdding(false);
              setEditingId(id);
            },
            onDoneEditing: () => setEditingId(null),
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
