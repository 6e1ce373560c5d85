// TanStack Query mutations over backend.ts. Small changes (task done, pin, tags, adding
// or deleting a task or note) are optimistic: the cache changes at once, and if
// GoHighLevel refuses, only that one change is undone and a toast offers Retry. Contact
// create/edit/delete wait for the answer, because their forms show errors in place.
import {
  isCancelledError,
  useMutation,
  useMutationState,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from "@tanstack/react-query";
import type { ContactDetail, ContactForm, ContactPage, ContactSummary, Note, NoteForm, Task, TaskForm } from "../bindings";
import {
  addTags,
  createContact,
  createNote,
  createTask,
  deleteContact,
  deleteNote,
  deleteTask,
  getNote,
  getTask,
  removeTags,
  setTaskCompleted,
  toAppError,
  updateContact,
  updateNote,
  updateTask,
  upsertContact,
} from "../backend";
import { useToast } from "../components/Toasts";
import { describeWriteError } from "../lib/errors";
import { queryKeys, type TaggedContactPage } from "./queries";

export const mutationKeys = {
  tasks: (contactId: string) => ["tasks", contactId] as const,
  notes: (contactId: string) => ["notes", contactId] as const,
  tags: (contactId: string) => ["tags", contactId] as const,
};

let tempCounter = 0;
/** An id for an item that exists only here until GoHighLevel answers. */
export function tempId(kind: string): string {
  tempCounter += 1;
  return `pending-${kind}-${tempCounter}`;
}

export function isTempId(id: string): boolean {
  return id.startsWith("pending-");
}

export function summaryOf(detail: ContactDetail): ContactSummary {
  return {
    id: detail.id,
    displayName: detail.displayName,
    firstName: detail.firstName,
    lastName: detail.lastName,
    email: detail.email,
    phone: detail.phone,
    companyName: detail.companyName,
    tags: detail.tags,
    dateUpdated: detail.dateUpdated,
    pending: detail.pending,
  };
}

// ---------- Cache helpers ----------

/** Changes one contact wherever it is cached: its detail, every list, every business view. */
function patchContact(client: QueryClient, id: string, patch: (summary: ContactSummary) => ContactSummary) {
  client.setQueryData<ContactDetail>(queryKeys.contact(id), (detail) =>
    detail ? ({ ...detail, ...patch(detail) } as ContactDetail) : detail,
  );
  client.setQueriesData<InfiniteData<TaggedContactPage>>({ queryKey: queryKeys.contactLists }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            contacts: page.contacts.map((c) => (c.id === id ? patch(c) : c)),
          })),
        }
      : data,
  );
  client.setQueriesData<ContactPage>({ queryKey: queryKeys.businesses }, (page) =>
    page ? { ...page, contacts: page.contacts.map((c) => (c.id === id ? patch(c) : c)) } : page,
  );
}

function dropContact(client: QueryClient, id: string) {
  client.setQueriesData<InfiniteData<TaggedContactPage>>({ queryKey: queryKeys.contactLists }, (data) => {
    if (!data) return data;
    const found = data.pages.some((page) => page.contacts.some((c) => c.id === id));
    if (!found) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        total: page.total === null ? null : Math.max(0, page.total - 1),
        contacts: page.contacts.filter((c) => c.id !== id),
      })),
    };
  });
  client.setQueriesData<ContactPage>({ queryKey: queryKeys.businesses }, (page) =>
    page ? { ...page, contacts: page.contacts.filter((c) => c.id !== id) } : page,
  );
}

function refreshLists(client: QueryClient) {
  void client.invalidateQueries({ queryKey: queryKeys.contactLists });
  void client.invalidateQueries({ queryKey: queryKeys.businesses });
}

function updateList<T extends { id: string }>(
  client: QueryClient,
  key: readonly unknown[],
  change: (items: T[]) => T[],
) {
  client.setQueryData<T[]>(key, (items) => (items ? change(items) : items));
}

function replaceItem<T extends { id: string }>(items: T[], id: string, next: T): T[] {
  return items.map((item) => (item.id === id ? next : item));
}

// ---------- Failure toasts ----------

type FailureOptions = { contactId: string; retry: () => void };

/** A toast for a refused change: the reason, and Retry (or Reload when the outcome is unknown). */
export function useFailureToast() {
  const toast = useToast();
  const client = useQueryClient();
  return (error: unknown, action: string, { contactId, retry }: FailureOptions) => {
    const { title, message } = describeWriteError(error, action);
    const unknownOutcome = toAppError(error).code === "outcome_unknown";
    toast.show({
      tone: "error",
      title,
      message,
      action: unknownOutcome
        ? {
            label: "Reload contact",
            run: () => {
              void client.invalidateQueries({ queryKey: queryKeys.contact(contactId) });
              refreshLists(client);
            },
          }
        : { label: "Retry", run: retry },
    });
  };
}

/** Ids of the items with a change on the way (for progress and disabled buttons). */
export function usePendingIds(key: readonly unknown[]): Set<string> {
  const ids = useMutationState({
    filters: { mutationKey: key, status: "pending" },
    select: (mutation) => (mutation.state.variables as { id?: string } | undefined)?.id ?? "",
  });
  return new Set(ids);
}

function quoted(text: string | null | undefined, fallback: string): string {
  const t = (text ?? "").trim();
  if (t === "") return fallback;
  return `“${t.length > 40 ? `${t.slice(0, 39)}…` : t}”`;
}

// ---------- Contacts ----------

export function useCreateContact() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: ContactForm) => createContact(form),
    onSuccess: (detail) => {
      client.setQueryData(queryKeys.contact(detail.id), detail);
      refreshLists(client);
      void client.invalidateQueries({ queryKey: queryKeys.knownTags });
    },
    onError: (error) => {
      // It may exist after all: let a search find it.
      if (toAppError(error).code === "outcome_unknown") refreshLists(client);
    },
  });
}

export function useUpdateContact(contactId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: ContactForm) => updateContact(contactId, form),
    onSuccess: (detail) => {
      client.setQueryData(queryKeys.contact(contactId), detail);
      patchContact(client, contactId, () => summaryOf(detail));
      refreshLists(client);
    },
  });
}

/** Creates the contact, or updates the one that already has its email or phone. */
export function useUpsertContact() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (form: ContactForm) => upsertContact(form),
    onSuccess: ({ contact }) => {
      client.setQueryData(queryKeys.contact(contact.id), contact);
      patchContact(client, contact.id, () => summaryOf(contact));
      refreshLists(client);
    },
  });
}

export function useDeleteContact(contactId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => deleteContact(contactId),
    onSuccess: () => {
      dropContact(client, contactId);
      refreshLists(client);
    },
  });
}

// ---------- Tags ----------

export type TagChange = { add: string; remove?: undefined; index?: undefined } | { remove: string; index: number; add?: undefined };

export function useChangeTags(contactId: string) {
  const client = useQueryClient();
  const fail = useFailureToast();
  const mutation = useMutation({
    mutationKey: mutationKeys.tags(contactId),
    mutationFn: (change: TagChange) =>
      change.add !== undefined ? addTags(contactId, [change.add]) : removeTags(contactId, [change.remove]),
    onMutate: async (change) => {
      await client.cancelQueries({ queryKey: queryKeys.contact(contactId), exact: true });
      patchContact(client, contactId, (c) => ({
        ...c,
        tags: change.add !== undefined ? [...c.tags.filter((t) => t !== change.add), change.add] : c.tags.filter((t) => t !== change.remove),
      }));
    },
    onSuccess: (tags) => {
      // With another tag change still on the way, its optimistic state stays until it answers.
      if (client.isMutating({ mutationKey: mutationKeys.tags(contactId) }) <= 1) {
        patchContact(client, contactId, (c) => ({ ...c, tags }));
      }
      void client.invalidateQueries({ queryKey: queryKeys.knownTags });
    },
    onError: (error, change) => {
      patchContact(client, contactId, (c) => {
        if (change.add !== undefined) return { ...c, tags: c.tags.filter((t) => t !== change.add) };
        if (c.tags.includes(change.remove)) return c;
        const tags = [...c.tags];
        tags.splice(Math.min(change.index, tags.length), 0, change.remove);
        return { ...c, tags };
      });
      const action = change.add !== undefined ? `add the tag “${change.add}”` : `remove the tag “${change.remove}”`;
      fail(error, action, { contactId, retry: () => mutation.mutate(change) });
    },
  });
  return mutation;
}

// ---------- Tasks ----------

export type ToggleTask = { id: string; task: Task; completed: boolean };
/** A new item (with a temporary id) or an edit of `previous`. */
export type SaveItem<T, F> = { id: string; isNew: boolean; form: F; previous: T | null };
/** `item` is put back if the delete is refused. */
export type RemoveItem<T> = { id: string; item: T };
export type SaveTask = SaveItem<Task, TaskForm>;

export function useToggleTask(contactId: string) {
  const client = useQueryClient();
  const fail = useFailureToast();
  const key = queryKeys.tasks(contactId);
  const mutation = useMutation({
    mutationKey: mutationKeys.tasks(contactId),
    mutationFn: ({ id, completed }: ToggleTask) => setTaskCompleted(contactId, id, completed),
    onMutate: async ({ id, task, completed }) => {
      await client.cancelQueries({ queryKey: key });
      updateList<Task>(client, key, (tasks) => replaceItem(tasks, id, { ...task, completed }));
    },
    onSuccess: (saved, { id }) => updateList<Task>(client, key, (tasks) => replaceItem(tasks, id, saved)),
    onError: (error, vars) => {
      updateList<Task>(client, key, (tasks) => replaceItem(tasks, vars.id, vars.task));
      const title = quoted(vars.task.title, "the task");
      fail(error, vars.completed ? `mark ${title} done` : `reopen ${title}`, {
        contactId,
        retry: () => mutation.mutate(vars),
      });
    },
  });
  return mutation;
}

export function useSaveTask(contactId: string) {
  return useSaveItem<Task, TaskForm, SaveTask>(contactId, {
    kind: "task",
    mutationKey: mutationKeys.tasks(contactId),
    queryKey: queryKeys.tasks(contactId),
    create: createTask,
    update: updateTask,
    shown: (id, form, previous) => ({
      id,
      title: form.title,
      body: form.body,
      dueDate: form.dueDate,
      completed: form.completed,
      assignedTo: previous?.assignedTo ?? null,
      pending: previous?.pending ?? false,
    }),
    action: ({ isNew, form }) => `${isNew ? "add" : "save"} the task ${quoted(form.title, "the task")}`,
  });
}

export function useDeleteTask(contactId: string) {
  return useDeleteItem<Task>(contactId, {
    mutationKey: mutationKeys.tasks(contactId),
    queryKey: queryKeys.tasks(contactId),
    remove: deleteTask,
    action: (task) => `delete the task ${quoted(task.title, "")}`.trim(),
  });
}

// ---------- Notes ----------

export type SaveNote = SaveItem<Note, NoteForm> & { what?: "pin" | "unpin" };

export function useSaveNote(contactId: string) {
  return useSaveItem<Note, NoteForm, SaveNote>(contactId, {
    kind: "note",
    mutationKey: mutationKeys.notes(contactId),
    queryKey: queryKeys.notes(contactId),
    create: createNote,
    update: updateNote,
    shown: (id, form, previous) => ({
      id,
      title: form.title,
      body: form.body,
      pinned: form.pinned,
      color: form.color,
      dateAdded: previous?.dateAdded ?? new Date().toISOString(),
      pending: previous?.pending ?? false,
    }),
    action: ({ what, isNew }) =>
      what === "pin" ? "pin the note" : what === "unpin" ? "unpin the note" : isNew ? "add the note" : "save the note",
  });
}

export function useDeleteNote(contactId: string) {
  return useDeleteItem<Note>(contactId, {
    mutationKey: mutationKeys.notes(contactId),
    queryKey: queryKeys.notes(contactId),
    remove: deleteNote,
    action: () => "delete the note",
  });
}

// ---------- Optimistic list items (tasks, notes) ----------

type SaveItemKind<T, F, V> = {
  /** For temporary ids: "task". */
  kind: string;
  mutationKey: readonly unknown[];
  queryKey: readonly unknown[];
  create: (contactId: string, form: F) => Promise<T>;
  update: (contactId: string, id: string, form: F) => Promise<T>;
  /** The item as shown until GoHighLevel answers. */
  shown: (id: string, form: F, previous: T | null) => T;
  /** Completes "Couldn’t …" when refused. */
  action: (vars: V) => string;
};

/**
 * Adds or edits an item of a contact's list at once; when GoHighLevel refuses, only that
 * item goes back to how it was, and a toast offers Retry.
 */
function useSaveItem<T extends { id: string }, F, V extends SaveItem<T, F>>(contactId: string, kind: SaveItemKind<T, F, V>) {
  const client = useQueryClient();
  const fail = useFailureToast();
  const key = kind.queryKey;
  const mutation = useMutation({
    mutationKey: kind.mutationKey,
    mutationFn: ({ id, isNew, form }: V) => (isNew ? kind.create(contactId, form) : kind.update(contactId, id, form)),
    onMutate: async ({ id, isNew, form, previous }) => {
      await client.cancelQueries({ queryKey: key });
      const shown = kind.shown(id, form, previous);
      updateList<T>(client, key, (items) => (isNew ? [...items, shown] : replaceItem(items, id, shown)));
    },
    onSuccess: (saved, { id }) => updateList<T>(client, key, (items) => replaceItem(items, id, saved)),
    onError: (error, vars) => {
      updateList<T>(client, key, (items) =>
        vars.isNew || vars.previous === null
          ? items.filter((item) => item.id !== vars.id)
          : replaceItem(items, vars.id, vars.previous),
      );
      fail(error, kind.action(vars), {
        contactId,
        retry: () => mutation.mutate(vars.isNew ? { ...vars, id: tempId(kind.kind) } : vars),
      });
    },
  });
  return mutation;
}

type DeleteItemKind<T> = {
  mutationKey: readonly unknown[];
  queryKey: readonly unknown[];
  remove: (contactId: string, id: string) => Promise<null>;
  action: (item: T) => string;
};

/** Removes an item at once; puts it back with a Retry toast when GoHighLevel refuses. */
function useDeleteItem<T extends { id: string }>(contactId: string, kind: DeleteItemKind<T>) {
  const client = useQueryClient();
  const fail = useFailureToast();
  const key = kind.queryKey;
  const mutation = useMutation({
    mutationKey: kind.mutationKey,
    mutationFn: ({ id }: RemoveItem<T>) => kind.remove(contactId, id),
    onMutate: async ({ id }) => {
      await client.cancelQueries({ queryKey: key });
      updateList<T>(client, key, (items) => items.filter((item) => item.id !== id));
    },
    onError: (error, vars) => {
      updateList<T>(client, key, (items) => (items.some((item) => item.id === vars.id) ? items : [...items, vars.item]));
      fail(error, kind.action(vars.item), { contactId, retry: () => mutation.mutate(vars) });
    },
  });
  return mutation;
}

// ---------- Fresh copies before editing (tasks, notes) ----------

/** What GoHighLevel said about an item about to be edited. */
export type LatestItem<T> =
  /**
   * What the form starts from: GoHighLevel's version (also put in the cached list when it
   * differed), or the one a change started meanwhile shows.
   */
  | { kind: "fresh"; item: T }
  /** It is gone from GoHighLevel; `drop` removes it here too. */
  | { kind: "deleted" }
  /** GoHighLevel couldn't be asked: edit the cached values. */
  | { kind: "unchecked"; message: string }
  /** Abandoned (the location changed): do nothing. */
  | { kind: "cancelled" };

export type LatestItemApi<T> = {
  check: (id: string) => Promise<LatestItem<T>>;
  /** Removes the item from the cached list. */
  drop: (id: string) => void;
};

type LatestKind<T> = {
  kind: string;
  mutationKey: readonly unknown[];
  queryKey: readonly unknown[];
  fetch: (id: string) => Promise<T>;
};

export function useLatestTask(contactId: string): LatestItemApi<Task> {
  return useLatestItem<Task>(contactId, {
    kind: "task",
    mutationKey: mutationKeys.tasks(contactId),
    queryKey: queryKeys.tasks(contactId),
    fetch: (id) => getTask(contactId, id),
  });
}

export function useLatestNote(contactId: string): LatestItemApi<Note> {
  return useLatestItem<Note>(contactId, {
    kind: "note",
    mutationKey: mutationKeys.notes(contactId),
    queryKey: queryKeys.notes(contactId),
    fetch: (id) => getNote(contactId, id),
  });
}

function sameItem<T extends object>(a: T, b: T): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key as keyof T] === b[key as keyof T]);
}

/**
 * Fetches one item of a contact's list, so an edit starts from what GoHighLevel has
 * now rather than from a list loaded minutes ago.
 */
function useLatestItem<T extends { id: string }>(contactId: string, kind: LatestKind<T>): LatestItemApi<T> {
  const client = useQueryClient();
  const key = kind.queryKey;
  const check = async (id: string): Promise<LatestItem<T>> => {
    try {
      // Through the query cache so a failure updates the session like every other read
      // (reauth_required → Reconnect), and a location switch cancels it.
      const latest = await client.fetchQuery({
        queryKey: ["latest", contactId, kind.kind, id],
        queryFn: () => kind.fetch(id),
        staleTime: 0,
        gcTime: 0,
        // The person is waiting to type: on failure, edit the cached values at once.
        retry: false,
      });
      // A change started meanwhile shows its own (optimistic) values; keep them.
      const changing = client.isMutating({
        mutationKey: kind.mutationKey,
        predicate: (m) => (m.state.variables as { id?: string } | undefined)?.id === id,
      });
      if (changing > 0) {
        const shown = client.getQueryData<T[]>(key)?.find((item) => item.id === id);
        return { kind: "fresh", item: shown ?? latest };
      }
      updateList<T>(client, key, (items) => {
        const cached = items.find((item) => item.id === id);
        return cached === undefined || sameItem(cached, latest) ? items : replaceItem(items, id, latest);
      });
      return { kind: "fresh", item: latest };
    } catch (error) {
      if (isCancelledError(error)) return { kind: "cancelled" };
      const appError = toAppError(error);
      if (appError.code === "not_found") return { kind: "deleted" };
      return { kind: "unchecked", message: appError.message.trim() || "Something went wrong." };
    }
  };
  const drop = (id: string) => updateList<T>(client, key, (items) => items.filter((item) => item.id !== id));
  return { check, drop };
}
