// The local cache in the UI: offline indicator, refresh, the first download's progress,
// the outbox and its conflicts, pending records, and counts a ranked search can't give.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CacheStatus, ContactPage, ContactSummary, Note, OutboxItem, Task } from "./bindings";
import { cacheStatus } from "./test/backendMock";
import { contactDetail, contactSummary, deferred, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

const PEOPLE: ContactSummary[] = Array.from({ length: 30 }, (_, i) =>
  contactSummary(`c${i}`, `Person ${String(i).padStart(2, "0")}`),
);
const ANNA = contactSummary("anna", "Anna Smith", { companyName: "Smith Plumbing" });

function pageOf(contacts: ContactSummary[], total: number | null = contacts.length): ContactPage {
  return { contacts, total, nextCursor: null };
}

/** Makes `watchCache` answer with `initial`; the returned function sends later statuses. */
function watchWith(initial: CacheStatus) {
  let listener: ((status: CacheStatus) => void) | null = null;
  const stop = vi.fn();
  api.watchCache.mockImplementation(async (onStatus) => {
    listener = onStatus;
    return { status: initial, stop };
  });
  const send = (status: CacheStatus) => {
    if (listener === null) throw new Error("not watching yet");
    const deliver = listener;
    act(() => deliver(status));
  };
  return { send, stop };
}

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue(pageOf([ANNA, ...PEOPLE]));
  api.getContact.mockImplementation((id) => {
    const found = [ANNA, ...PEOPLE].find((c) => c.id === id);
    return found ? Promise.resolve(contactDetail(found)) : Promise.reject({ code: "not_found", message: "gone", details: null });
  });
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
});

describe("header", () => {
  it("says when GoHighLevel can't be reached, and when the cache was last updated", async () => {
    const { send } = watchWith(cacheStatus({ lastRefreshedAt: new Date(Date.now() - 3 * 60_000).toISOString() }));
    renderApp();
    expect(await screen.findByTestId("last-refreshed")).toHaveTextContent("Last updated 3 minutes ago");
    expect(screen.queryByTestId("offline-indicator")).not.toBeInTheDocument();

    send(cacheStatus({ online: false, lastRefreshedAt: new Date(Date.now() - 3 * 60_000).toISOString() }));
    const offline = screen.getByTestId("offline-indicator");
    expect(offline).toHaveAttribute("role", "status");
    expect(offline).toHaveTextContent("Offline — showing saved contacts");
    // The list still shows from the cache.
    expect(screen.getAllByTestId("contact-row").length).toBeGreaterThan(0);

    send(cacheStatus({ online: true }));
    expect(screen.queryByTestId("offline-indicator")).not.toBeInTheDocument();
  });

  it("shows the last error quietly only while online", async () => {
    const { send } = watchWith(cacheStatus({ lastError: "GoHighLevel answered 500" }));
    renderApp();
    expect(await screen.findByTestId("cache-error")).toHaveTextContent("GoHighLevel answered 500");
    send(cacheStatus({ online: false, lastError: "GoHighLevel answered 500" }));
    expect(screen.queryByTestId("cache-error")).not.toBeInTheDocument();
  });

  it("refreshes with the button, F5 and Ctrl+R, and never reloads the page", async () => {
    const { send } = watchWith(cacheStatus());
    const { user } = renderApp();
    const button = await screen.findByRole("button", { name: "Refresh from GoHighLevel (F5)" });
    expect(button).toHaveAttribute("data-testid", "refresh-button");
    await user.click(button);
    await waitFor(() => expect(api.refreshCache).toHaveBeenCalledTimes(1));

    await waitFor(() => expect(button).toBeEnabled());
    const f5 = fireEvent.keyDown(window, { key: "F5" });
    expect(f5).toBe(false); // default prevented
    await waitFor(() => expect(api.refreshCache).toHaveBeenCalledTimes(2));

    await waitFor(() => expect(button).toBeEnabled());
    const ctrlR = fireEvent.keyDown(window, { key: "r", ctrlKey: true });
    expect(ctrlR).toBe(false);
    await waitFor(() => expect(api.refreshCache).toHaveBeenCalledTimes(3));

    // While a refresh runs, the button is busy and F5 asks for nothing more.
    send(cacheStatus({ activity: "refreshing" }));
    expect(button).toBeDisabled();
    expect(within(button).getByRole("status")).toHaveTextContent("Refreshing");
    expect(screen.getByTestId("refresh-indicator")).toBeInTheDocument();
    expect(fireEvent.keyDown(window, { key: "F5" })).toBe(false);
    expect(api.refreshCache).toHaveBeenCalledTimes(3);
    // Other keys are left alone.
    expect(fireEvent.keyDown(window, { key: "r" })).toBe(true);
  });

  it("re-reads the list when cached data changes, at most once a second", async () => {
    const { send } = watchWith(cacheStatus({ generation: 0 }));
    renderApp();
    await screen.findByText("31 contacts");
    expect(api.listContacts).toHaveBeenCalledTimes(1);
    api.listContacts.mockResolvedValue(pageOf([ANNA, ...PEOPLE, contactSummary("new", "Zed New")]));
    send(cacheStatus({ generation: 1 }));
    expect(await screen.findByText("32 contacts")).toBeInTheDocument();
    expect(api.listContacts).toHaveBeenCalledTimes(2);
    // A burst of changes is one more re-read, a second later.
    send(cacheStatus({ generation: 2 }));
    send(cacheStatus({ generation: 3 }));
    expect(api.listContacts).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(api.listContacts).toHaveBeenCalledTimes(3), { timeout: 2500 });
  });

  it("re-reads the list when the first status says the cache changed since it was opened", async () => {
    // A short first download can finish before the watch starts: the list read while the
    // cache was still empty must not stay on screen.
    api.listContacts.mockResolvedValueOnce(pageOf([]));
    let startWatch: (watch: { status: CacheStatus; stop: () => void }) => void = () => undefined;
    api.watchCache.mockReturnValue(new Promise((resolve) => (startWatch = resolve)));
    renderApp();
    await waitFor(() => expect(api.listContacts).toHaveBeenCalledTimes(1));
    await act(async () => startWatch({ status: cacheStatus({ generation: 2 }), stop: vi.fn() }));
    expect(await screen.findByText("31 contacts")).toBeInTheDocument();
    expect(api.listContacts).toHaveBeenCalledTimes(2);
  });

  it("shows a notice that can be dismissed", async () => {
    watchWith(cacheStatus({ notice: "The saved contacts were damaged; they are being downloaded again." }));
    const { user } = renderApp();
    const notice = await screen.findByTestId("cache-notice");
    expect(notice).toHaveTextContent("being downloaded again");
    await user.click(within(notice).getByRole("button", { name: "Dismiss this message" }));
    expect(screen.queryByTestId("cache-notice")).not.toBeInTheDocument();
  });

  it("asks for the session again when no location is active any more", async () => {
    api.watchCache.mockRejectedValue({ code: "not_signed_in", message: "No location is signed in.", details: null });
    renderApp();
    await screen.findByText("31 contacts");
    await waitFor(() => expect(api.session).toHaveBeenCalledTimes(2));
    expect(screen.queryByTestId("refresh-button")).not.toBeInTheDocument();
  });
});

describe("first download", () => {
  const downloading = (progress: Partial<NonNullable<CacheStatus["progress"]>> = {}) =>
    cacheStatus({
      activity: "downloading",
      downloadComplete: false,
      cachedContacts: 1200,
      progress: { done: 1200, total: 5000, waitingForRateLimit: false, etaSeconds: 130, ...progress },
    });

  it("shows how far it got and about how long is left", async () => {
    const { send } = watchWith(downloading());
    renderApp();
    const bar = await screen.findByTestId("download-progress");
    expect(bar).toHaveTextContent("Downloading contacts 1,200 of 5,000 · about 2 min left");
    const progress = within(bar).getByRole("progressbar", { name: /Downloading contacts 1,200 of 5,000/ });
    expect(progress).toHaveAttribute("aria-valuenow", "1200");
    expect(progress).toHaveAttribute("aria-valuemax", "5000");

    send(downloading({ done: 1300, waitingForRateLimit: true }));
    expect(screen.getByTestId("download-progress")).toHaveTextContent(
      "Downloading contacts 1,300 of 5,000 · Waiting for GoHighLevel’s rate limit…",
    );
  });

  it("pauses and resumes", async () => {
    const { send } = watchWith(downloading());
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Pause" }));
    expect(api.pauseDownload).toHaveBeenCalledTimes(1);

    send(cacheStatus({ activity: "idle", downloadComplete: false, downloadPaused: true, cachedContacts: 1200 }));
    const bar = screen.getByTestId("download-progress");
    expect(bar).toHaveTextContent("Download paused at 1,200 of 5,000");
    expect(within(bar).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "1200");
    await user.click(within(bar).getByRole("button", { name: "Resume" }));
    expect(api.resumeDownload).toHaveBeenCalledTimes(1);

    send(cacheStatus());
    expect(screen.queryByTestId("download-progress")).not.toBeInTheDocument();
  });

  it("is indeterminate until the total is known", async () => {
    watchWith(cacheStatus({ activity: "downloading", downloadComplete: false, cachedContacts: 0, progress: null }));
    renderApp();
    const bar = await screen.findByTestId("download-progress");
    expect(bar).toHaveTextContent("Downloading contacts…");
    expect(within(bar).getByRole("progressbar")).not.toHaveAttribute("aria-valuenow");
  });
});

const CONFLICT: OutboxItem = {
  id: 7,
  description: "Edit the contact",
  contactId: "anna",
  contactName: "Anna Smith",
  state: "conflict",
  message: "Changed in GoHighLevel after this edit was made.",
  conflicts: [
    { field: "phone", label: "Phone", mine: "+13035550199", theirs: "+13035550142" },
    { field: "companyName", label: "Company", mine: "Aspen Grove HOA", theirs: null },
  ],
  createdAt: new Date(Date.now() - 10 * 60_000).toISOString(),
};
const REJECTED: OutboxItem = {
  id: 8,
  description: "Add a task",
  contactId: "c1",
  contactName: "Person 01",
  state: "rejected",
  message: "GoHighLevel rejected the request: dueDate: must be a date",
  conflicts: [],
  createdAt: new Date(Date.now() - 60 * 60_000).toISOString(),
};
const WAITING: OutboxItem = { ...REJECTED, id: 9, description: "Add a note", state: "waiting", message: null };

describe("outbox", () => {
  async function openOutbox(items: OutboxItem[], outbox = { waiting: 1, conflicts: 1, rejected: 1 }) {
    api.outboxItems.mockResolvedValue(items);
    const watch = watchWith(cacheStatus({ outbox }));
    const utils = renderApp();
    const button = await screen.findByTestId("outbox-button");
    await utils.user.click(button);
    const dialog = await screen.findByTestId("outbox-dialog");
    await within(dialog).findAllByTestId("outbox-item");
    return { ...utils, ...watch, dialog, button };
  }

  it("counts what waits in the header", async () => {
    const { send } = watchWith(cacheStatus({ outbox: { waiting: 3, conflicts: 0, rejected: 0 } }));
    renderApp();
    expect(await screen.findByTestId("outbox-button")).toHaveTextContent("3 edits waiting to send");
    send(cacheStatus({ outbox: { waiting: 0, conflicts: 1, rejected: 0 } }));
    expect(screen.getByTestId("outbox-button")).toHaveTextContent("1 conflict to resolve");
    send(cacheStatus());
    expect(screen.queryByTestId("outbox-button")).not.toBeInTheDocument();
  });

  it("lists the edits with their state and contact", async () => {
    const { dialog } = await openOutbox([CONFLICT, REJECTED, WAITING]);
    const [conflict, rejected, waiting] = within(dialog).getAllByTestId("outbox-item");
    expect(conflict).toHaveTextContent("Edit the contact");
    expect(within(conflict!).getByTestId("outbox-state")).toHaveTextContent("Changed in GoHighLevel meanwhile");
    expect(conflict).toHaveTextContent("10 minutes ago");
    expect(rejected).toHaveTextContent("Refused by GoHighLevel");
    expect(rejected).toHaveTextContent("dueDate: must be a date");
    expect(waiting).toHaveTextContent("Waiting to send");
    expect(within(waiting!).queryByRole("button", { name: /Retry/ })).not.toBeInTheDocument();
  });

  it("sends the choices made field by field, keeping GoHighLevel's values by default", async () => {
    api.resolveOutboxConflict.mockResolvedValue(null);
    const { dialog, user } = await openOutbox([CONFLICT]);
    const phone = within(dialog).getByRole("radiogroup", { name: "Which Phone to keep" });
    const company = within(dialog).getByRole("radiogroup", { name: "Which Company to keep" });
    expect(within(phone).getByRole("radio", { name: "Keep theirs" })).toBeChecked();
    expect(within(company).getByRole("radio", { name: "Keep theirs" })).toBeChecked();
    const phoneField = within(dialog).getAllByTestId("conflict-field")[0]!;
    expect(phoneField).toHaveTextContent("Yours: +1 (303) 555-0199");
    expect(phoneField).toHaveTextContent("In GoHighLevel: +1 (303) 555-0142");
    expect(within(dialog).getAllByTestId("conflict-field")[1]).toHaveTextContent("In GoHighLevel: (empty)");

    await user.click(within(phone).getByRole("radio", { name: "Keep mine" }));
    await user.click(within(dialog).getByRole("button", { name: "Apply choices" }));
    expect(api.resolveOutboxConflict).toHaveBeenCalledWith(7, [
      { field: "phone", keep: "mine" },
      { field: "companyName", keep: "theirs" },
    ]);
    // The list is read again afterwards.
    await waitFor(() => expect(api.outboxItems).toHaveBeenCalledTimes(2));
  });

  it("retries a refused edit", async () => {
    api.retryOutboxItem.mockResolvedValue(null);
    const { dialog, user } = await openOutbox([REJECTED]);
    await user.click(within(dialog).getByRole("button", { name: "Retry: Add a task" }));
    expect(api.retryOutboxItem).toHaveBeenCalledWith(8);
  });

  it("discards an edit only after confirming", async () => {
    api.discardOutboxItem.mockResolvedValue(null);
    const { dialog, user } = await openOutbox([REJECTED]);
    await user.click(within(dialog).getByRole("button", { name: "Discard: Add a task" }));
    const confirm = await screen.findByTestId("confirm-discard-dialog");
    // Cancel first: nothing happens.
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(api.discardOutboxItem).not.toHaveBeenCalled();

    await user.click(within(dialog).getByRole("button", { name: "Discard: Add a task" }));
    api.outboxItems.mockResolvedValue([]);
    await user.click(within(await screen.findByTestId("confirm-discard-dialog")).getByRole("button", { name: "Discard edit" }));
    expect(api.discardOutboxItem).toHaveBeenCalledWith(8);
    expect(await within(dialog).findByTestId("outbox-empty")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("confirm-discard-dialog")).not.toBeInTheDocument());
  });

  it("reads the list again when the counts change, and closes with Esc", async () => {
    const { dialog, send, user } = await openOutbox([CONFLICT, REJECTED, WAITING]);
    expect(api.outboxItems).toHaveBeenCalledTimes(1);
    api.outboxItems.mockResolvedValue([CONFLICT, REJECTED]);
    send(cacheStatus({ outbox: { waiting: 0, conflicts: 1, rejected: 1 } }));
    await waitFor(() => expect(within(dialog).getAllByTestId("outbox-item")).toHaveLength(2));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("outbox-dialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("outbox-button")).toHaveFocus();
  });

  it("opens the contact an edit belongs to", async () => {
    const { dialog, user } = await openOutbox([CONFLICT]);
    await user.click(within(dialog).getByRole("button", { name: "Anna Smith" }));
    expect(screen.queryByTestId("outbox-dialog")).not.toBeInTheDocument();
    expect(await screen.findByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
    expect(api.getContact).toHaveBeenCalledWith("anna");
  });
});

describe("contact view", () => {
  it("refreshes the opened contact in the background and re-reads it", async () => {
    const refreshed = deferred<boolean>();
    api.refreshContact.mockReturnValue(refreshed.promise);
    const { user } = renderApp();
    await screen.findByText("31 contacts");
    await user.click(screen.getAllByTestId("contact-row")[0]!);
    // The cached copy shows at once, with a small hint.
    expect(await screen.findByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
    expect(screen.getByTestId("contact-updating")).toHaveTextContent("Updating…");
    expect(api.refreshContact).toHaveBeenCalledWith("anna");
    await waitFor(() => expect(api.listContactTasks).toHaveBeenCalledTimes(1));

    await act(async () => refreshed.resolve(true));
    await waitFor(() => expect(screen.queryByTestId("contact-updating")).not.toBeInTheDocument());
    await waitFor(() => expect(api.getContact).toHaveBeenCalledTimes(2));
    expect(api.listContactTasks).toHaveBeenCalledTimes(2);
    expect(api.listContactNotes).toHaveBeenCalledTimes(2);
    expect(api.listContactAppointments).toHaveBeenCalledTimes(2);
  });

  it("stays calm when GoHighLevel can't be reached", async () => {
    api.refreshContact.mockResolvedValue(false);
    const { user } = renderApp();
    await screen.findByText("31 contacts");
    await user.click(screen.getAllByTestId("contact-row")[0]!);
    await screen.findByTestId("contact-details");
    await waitFor(() => expect(screen.queryByTestId("contact-updating")).not.toBeInTheDocument());
    expect(api.getContact).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("explains records never saved on this computer, and still lets a note be added offline", async () => {
    const offline = { code: "offline", message: "not saved", details: null };
    api.listContactNotes.mockRejectedValue(offline);
    api.listContactTasks.mockRejectedValue(offline);
    const { user } = renderApp();
    await screen.findByText("31 contacts");
    await user.click(screen.getAllByTestId("contact-row")[0]!);
    const notice = await screen.findByTestId("notes-offline");
    expect(notice).toHaveTextContent("aren’t saved on this computer yet");
    expect(screen.getByTestId("tasks-offline")).toBeInTheDocument();
    // Not an error to fix: no red alert, no Retry.
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByTestId("add-note-button")).toBeEnabled();
    expect(screen.getByTestId("add-task-button")).toBeEnabled();
  });

  it("marks a contact, task and note made offline as waiting to send", async () => {
    const local = contactSummary("local-1", "Nina Offline", { pending: true });
    api.listContacts.mockResolvedValue(pageOf([local, ANNA]));
    api.getContact.mockResolvedValue(contactDetail(local));
    const tasks: Task[] = [
      { id: "local-t", title: "Call back", body: null, dueDate: null, completed: false, assignedTo: null, pending: true },
      { id: "t2", title: "Sent already", body: null, dueDate: null, completed: false, assignedTo: null, pending: false },
    ];
    const notes: Note[] = [{ id: "local-n", title: null, body: "Gate code 4821", dateAdded: null, pinned: false, color: null, pending: true }];
    api.listContactTasks.mockResolvedValue(tasks);
    api.listContactNotes.mockResolvedValue(notes);
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    const [pendingRow, sentRow] = screen.getAllByTestId("contact-row");
    expect(within(pendingRow!).getByTestId("waiting-badge")).toHaveTextContent("Waiting to send");
    expect(within(sentRow!).queryByTestId("waiting-badge")).not.toBeInTheDocument();

    await user.click(pendingRow!);
    const card = await screen.findByTestId("contact-card");
    expect(within(card).getByText("Waiting to send")).toBeInTheDocument();
    const taskItems = await screen.findAllByTestId("task-item");
    const pendingTask = taskItems.find((item) => item.dataset.taskId === "local-t")!;
    const sentTask = taskItems.find((item) => item.dataset.taskId === "t2")!;
    expect(within(pendingTask).getByText("Waiting to send")).toBeInTheDocument();
    expect(within(sentTask).queryByText("Waiting to send")).not.toBeInTheDocument();
    // Still editable: the edit joins it in the outbox.
    expect(within(pendingTask).getByRole("button", { name: "Mark 'Call back' done" })).toBeEnabled();
    const note = await screen.findByTestId("note-item");
    expect(within(note).getByText("Waiting to send")).toBeInTheDocument();
  });
});

describe("counts a ranked search doesn't know", () => {
  it("says “100+ matches” and leaves the set size unknown", async () => {
    api.listContacts.mockImplementation(async ({ query }) =>
      query === "" ? pageOf([ANNA, ...PEOPLE]) : { contacts: PEOPLE, total: null, nextCursor: null },
    );
    const { user } = renderApp();
    await screen.findByText("31 contacts");
    expect(screen.getAllByTestId("contact-row")[0]).toHaveAttribute("aria-setsize", "31");
    await user.type(screen.getByTestId("contact-search"), "person");
    expect(await screen.findByText("30+ matches for “person”")).toBeInTheDocument();
    expect(screen.getAllByTestId("contact-row")[0]).toHaveAttribute("aria-setsize", "-1");
  });

  it("keeps an unknown count unknown when a contact is deleted", async () => {
    api.listContacts.mockResolvedValue({ contacts: [ANNA, ...PEOPLE], total: null, nextCursor: null });
    api.deleteContact.mockResolvedValue(null);
    const { user } = renderApp();
    expect(await screen.findByText("31+ contacts")).toBeInTheDocument();
    await user.click(screen.getAllByTestId("contact-row")[0]!);
    await screen.findByTestId("contact-details");
    await user.click(screen.getByTestId("delete-contact-button"));
    api.listContacts.mockResolvedValue({ contacts: PEOPLE, total: null, nextCursor: null });
    await user.click(within(await screen.findByTestId("confirm-dialog")).getByRole("button", { name: "Delete contact" }));
    expect(await screen.findByText("30+ contacts")).toBeInTheDocument();
  });
});
