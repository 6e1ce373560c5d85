import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CacheStatus, ContactSummary, Overview, Task } from "./bindings";
import { FIRST_LIST_PAINT_MARK } from "./lib/startupMarks";
import { FAKE_WALK_PER_SECOND, fakeOverview, fakeTaskWalk } from "./dev/fakeOverview";
import { emptyOverview } from "./hooks/overview";
import { contactDetail, contactSummary, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);
const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

function person(id: string, name: string, overrides: Partial<ContactSummary> = {}): ContactSummary {
  return contactSummary(id, name, { email: `${id}@example.com`, dateUpdated: iso(-2 * HOUR), ...overrides });
}

const ANNA = person("anna", "Anna Smith", { companyName: "Smith Plumbing" });
const BOB = person("bob", "Bob Jones");
const CARA = person("cara", "Cara Diaz");
const PEOPLE = [ANNA, BOB, CARA];

function task(id: string, title: string, due: number): Task {
  return { id, title, body: null, dueDate: iso(due), completed: false, assignedTo: null, pending: false };
}

function overviewData(overrides: Partial<Overview> = {}): Overview {
  return {
    ...emptyOverview(),
    overdue: {
      items: [
        { contactId: "anna", contactName: "Anna Smith", task: task("t1", "Call back about the estimate", -HOUR) },
        { contactId: "bob", contactName: "Bob Jones", task: task("t2", "Send invoice #1042", -50 * HOUR) },
      ],
      total: 2,
    },
    dueToday: { items: [{ contactId: "cara", contactName: "Cara Diaz", task: task("t3", "Confirm install", 10 * 60_000) }], total: 1 },
    recentlyUpdated: PEOPLE,
    contactsWithTasks: 12,
    ...overrides,
  };
}

beforeEach(() => {
  // Midday, so "2 days overdue" and "due today" don't cross midnight; the clock runs on.
  const midday = new Date();
  midday.setHours(12, 0, 0, 0);
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(midday);
  // Each test starts as a cold start: the overview waits for the list's first paint.
  performance.clearMarks(FIRST_LIST_PAINT_MARK);
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue({ contacts: PEOPLE, total: PEOPLE.length, nextCursor: null });
  api.getContact.mockImplementation((id) => {
    const found = PEOPLE.find((p) => p.id === id);
    return found ? Promise.resolve(contactDetail(found)) : Promise.reject({ code: "not_found", message: "No such contact", details: null });
  });
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
  api.overview.mockResolvedValue(overviewData());
});

afterEach(() => {
  vi.useRealTimers();
});

async function renderOverview() {
  const utils = renderApp();
  const overview = await screen.findByTestId("overview");
  await within(overview).findAllByTestId("overview-item");
  return { ...utils, overview };
}

describe("overview", () => {
  it("shows what is due, highlighted when overdue, and says when a list is empty", async () => {
    const { overview } = await renderOverview();
    expect(within(overview).getByRole("heading", { level: 2, name: "Overview" })).toBeInTheDocument();
    const overdue = screen.getByTestId("overview-overdue");
    const items = within(overdue).getAllByTestId("overview-item");
    expect(items.map((i) => i.getAttribute("data-contact-id"))).toEqual(["anna", "bob"]);
    expect(items[0]).toHaveClass("is-overdue");
    expect(items[0]).toHaveTextContent("Call back about the estimate");
    expect(items[0]).toHaveTextContent("Anna Smith");
    expect(items[1]).toHaveTextContent("2 days overdue");
    const dueToday = screen.getByTestId("overview-due-today");
    expect(within(dueToday).getByTestId("overview-item")).toHaveTextContent(/Confirm install.*Cara Diaz.*Today \d\d:\d\d/);
    expect(within(dueToday).getByTestId("overview-item")).not.toHaveClass("is-overdue");
    expect(screen.getByTestId("overview-appointments-today")).toHaveTextContent("No appointments today");
    expect(screen.getByTestId("overview-waiting")).toHaveTextContent("Every edit is in GoHighLevel");
    expect(within(screen.getByTestId("overview-recent")).getAllByTestId("overview-item")).toHaveLength(3);
    // Honest about where tasks come from.
    expect(screen.getByTestId("overview-scope")).toHaveTextContent("the 12 contacts opened on this computer");
  });

  it("reads the cache only after the contact list has painted", async () => {
    renderApp();
    await screen.findByTestId("overview");
    expect(api.overview).not.toHaveBeenCalled();
    act(() => {
      performance.mark(FIRST_LIST_PAINT_MARK);
    });
    await waitFor(() => expect(api.overview).toHaveBeenCalledTimes(1));
    expect(api.listContacts).toHaveBeenCalled();
  });

  it("opens a contact with arrows and Enter, and Esc comes back to the same place", async () => {
    const { user } = await renderOverview();
    const overdueList = within(screen.getByTestId("overview-overdue")).getByRole("listbox", { name: "Overdue tasks" });
    act(() => overdueList.focus());
    expect(overdueList).toHaveAttribute("aria-activedescendant", "overview-overdue-option-0");
    await user.keyboard("{ArrowDown}");
    expect(overdueList).toHaveAttribute("aria-activedescendant", "overview-overdue-option-1");
    // Past the end: on to the next list.
    await user.keyboard("{ArrowDown}");
    const dueList = screen.getByRole("listbox", { name: "Due today" });
    expect(dueList).toHaveFocus();
    await user.keyboard("{ArrowUp}");
    expect(overdueList).toHaveFocus();
    expect(overdueList).toHaveAttribute("aria-activedescendant", "overview-overdue-option-1");

    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 2, name: "Bob Jones" })).toBeInTheDocument();
    expect(screen.getByTestId("overview")).not.toBeVisible();
    expect(api.getContact).toHaveBeenCalledWith("bob");

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.getByTestId("overview")).toBeVisible());
    expect(screen.queryByTestId("contact-view")).not.toBeInTheDocument();
    expect(overdueList).toHaveFocus();
    expect(overdueList).toHaveAttribute("aria-activedescendant", "overview-overdue-option-1");
  });

  it("leaves Esc to a text field being edited", async () => {
    const { user } = await renderOverview();
    await user.click(within(screen.getByTestId("overview-recent")).getAllByTestId("overview-item")[0]!);
    await screen.findByRole("heading", { level: 2, name: "Anna Smith" });
    const search = screen.getByTestId("contact-search");
    await user.click(search);
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("contact-view")).toBeInTheDocument();
    expect(screen.getByTestId("overview")).not.toBeVisible();
  });

  it("/ focuses the contact search, but types a slash in a field", async () => {
    const { user } = await renderOverview();
    const search = screen.getByTestId("contact-search");
    act(() => screen.getByRole("listbox", { name: "Overdue tasks" }).focus());
    await user.keyboard("/");
    expect(search).toHaveFocus();
    expect(search).toHaveValue("");
    await user.keyboard("a/b");
    expect(search).toHaveValue("a/b");
  });

  it("has an Overview button that closes the open contact", async () => {
    const { user } = await renderOverview();
    await user.click(within(screen.getByTestId("overview-due-today")).getByTestId("overview-item"));
    await screen.findByRole("heading", { level: 2, name: "Cara Diaz" });
    const button = screen.getByTestId("overview-button");
    expect(button).not.toHaveAttribute("aria-current");
    await user.click(button);
    expect(screen.getByTestId("overview")).toBeVisible();
    expect(button).toHaveAttribute("aria-current", "page");
  });

  it("lists contacts with edits waiting and opens the outbox from there", async () => {
    api.watchCache.mockResolvedValue({
      status: (await import("./test/backendMock")).cacheStatus({ outbox: { waiting: 2, conflicts: 1, rejected: 0 } }),
      stop: () => undefined,
    });
    api.overview.mockResolvedValue(
      overviewData({ waiting: [{ contactId: "bob", contactName: "Bob Jones", waiting: 2, conflicts: 1, rejected: 0 }] }),
    );
    const { user } = await renderOverview();
    const waiting = screen.getByTestId("overview-waiting");
    const item = within(waiting).getByTestId("overview-item");
    expect(item).toHaveTextContent("1 conflict to resolve · 2 edits waiting to send");
    expect(item).toHaveClass("is-attention");
    await user.click(within(waiting).getByTestId("overview-open-outbox"));
    expect(await screen.findByTestId("outbox-dialog")).toBeInTheDocument();
    // Esc closes the dialog, not the overview.
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("outbox-dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("overview")).toBeVisible();
  });

  it("refreshes from the overview and shows the last refresh", async () => {
    api.watchCache.mockResolvedValue({
      status: (await import("./test/backendMock")).cacheStatus({ lastRefreshedAt: iso(-5 * 60_000) }),
      stop: () => undefined,
    });
    const { user } = await renderOverview();
    expect(screen.getByTestId("overview-last-refresh")).toHaveTextContent("Last updated 5 minutes ago");
    await user.click(screen.getByTestId("overview-refresh"));
    expect(api.refreshCache).toHaveBeenCalledTimes(1);
  });

  it("shows an error with Retry when the cache cannot be read", async () => {
    api.overview.mockRejectedValueOnce({ code: "cache_unavailable", message: "The saved contacts are being rebuilt", details: null });
    const { user } = renderApp();
    const overview = await screen.findByTestId("overview");
    const error = await within(overview).findByTestId("error-message");
    await user.click(within(error).getByTestId("retry-button"));
    expect(await within(overview).findAllByTestId("overview-item")).not.toHaveLength(0);
  });

  it("re-reads when the cache changed", async () => {
    let onStatus: ((s: Parameters<Parameters<typeof backend.watchCache>[0]>[0]) => void) | null = null;
    const { cacheStatus } = await import("./test/backendMock");
    api.watchCache.mockImplementation((listener) => {
      onStatus = listener;
      return Promise.resolve({ status: cacheStatus(), stop: () => undefined });
    });
    await renderOverview();
    expect(api.overview).toHaveBeenCalledTimes(1);
    api.overview.mockResolvedValue(overviewData({ overdue: { items: [], total: 0 } }));
    act(() => onStatus?.(cacheStatus({ generation: 1 })));
    expect(await screen.findByText("No overdue tasks")).toBeInTheDocument();
  });
});

describe("the background walk of tasks and appointments", () => {
  async function renderWithStatus(initial: Partial<CacheStatus>) {
    const { cacheStatus } = await import("./test/backendMock");
    let onStatus: ((status: CacheStatus) => void) | null = null;
    api.watchCache.mockImplementation((listener) => {
      onStatus = listener;
      return Promise.resolve({ status: cacheStatus(initial), stop: () => undefined });
    });
    const utils = await renderOverview();
    const send = (status: Partial<CacheStatus>) => act(() => onStatus?.(cacheStatus(status)));
    return { ...utils, send };
  }

  it("shows how far it is with a labelled progress bar, then that every contact is covered", async () => {
    const { send } = await renderWithStatus({
      taskWalk: { checked: 1234, total: 100_000, running: true, budgetSpent: false },
    });
    const scope = await screen.findByTestId("overview-scope");
    expect(scope).toHaveTextContent("Checking tasks and appointments: 1,234 of 100,000 contacts");
    expect(scope).not.toHaveTextContent("opened on this computer");
    const bar = screen.getByRole("progressbar", { name: "Checking tasks and appointments: 1,234 of 100,000 contacts" });
    expect(bar).toHaveAttribute("aria-valuenow", "1234");
    expect(bar).toHaveAttribute("aria-valuemax", "100000");

    send({ taskWalk: { checked: 100_000, total: 100_000, running: false, budgetSpent: false } });
    await waitFor(() => expect(screen.getByTestId("overview-scope")).toHaveTextContent("Tasks and appointments of all 100,000 contacts."));
    expect(screen.queryByRole("progressbar", { name: /Checking tasks/ })).not.toBeInTheDocument();
  });

  it("says why it waits: the day's budget, or GoHighLevel out of reach", async () => {
    const { send } = await renderWithStatus({
      taskWalk: { checked: 20_000, total: 100_000, running: false, budgetSpent: true },
    });
    expect(await screen.findByTestId("overview-scope")).toHaveTextContent("The rest tomorrow");
    send({ online: false, taskWalk: { checked: 20_500, total: 100_000, running: false, budgetSpent: false } });
    await waitFor(() => expect(screen.getByTestId("overview-scope")).toHaveTextContent("Paused while GoHighLevel cannot be reached."));
    expect(screen.getByTestId("overview-scope")).toHaveTextContent("20,500 of 100,000");
  });

  it("keeps to the contacts opened here until it has counted", async () => {
    await renderWithStatus({ taskWalk: null });
    expect(await screen.findByTestId("overview-scope")).toHaveTextContent("the 12 contacts opened on this computer");
  });
});

describe("the fake backend's walk", () => {
  it("starts after the first download and counts the walked contacts' tasks", () => {
    expect(fakeTaskWalk("loc-walk", 5000, false, 0)).toBeNull();
    expect(fakeTaskWalk("loc-walk", 5000, true, 1_000)).toEqual({ checked: 0, total: 5000, running: true, budgetSpent: false });
    expect(fakeTaskWalk("loc-walk", 5000, true, 3_000)?.checked).toBe(2 * FAKE_WALK_PER_SECOND);
    expect(fakeTaskWalk("loc-walk", 5000, true, 1_000_000)).toEqual({ checked: 5000, total: 5000, running: false, budgetSpent: false });

    const taskStore = new Map<string, Task[]>();
    const tasksOf = (id: string) => {
      if (!taskStore.has(id)) taskStore.set(id, []);
      return taskStore.get(id)!;
    };
    const many = Array.from({ length: 30 }, (_, i) => person(`p${i}`, `Person ${i}`));
    const before = fakeOverview({ contacts: many, taskStore, tasksOf, appointmentsOf: () => [], outbox: [] });
    const after = fakeOverview({ contacts: many, taskStore, tasksOf, appointmentsOf: () => [], outbox: [], walked: 30 });
    expect(before.contactsWithTasks).toBe(12);
    expect(after.contactsWithTasks).toBe(30);
  });
});

describe("the fake backend's overview", () => {
  it("has an overdue task and one due today to show", () => {
    const taskStore = new Map<string, Task[]>();
    const tasksOf = (id: string) => {
      if (!taskStore.has(id)) taskStore.set(id, []);
      return taskStore.get(id)!;
    };
    const now = new Date();
    now.setHours(14, 0, 0, 0);
    const found = fakeOverview({ contacts: PEOPLE, taskStore, tasksOf, appointmentsOf: () => [], outbox: [], now });
    expect(found.overdue.items.map((t) => t.contactName)).toEqual(["Anna Smith"]);
    expect(found.dueToday.items.map((t) => t.task.title)).toEqual(["Confirm tomorrow’s install window"]);
    // The contact view shows the same tasks.
    expect(taskStore.get("anna")).toHaveLength(2);
    expect(found.recentlyUpdated).toHaveLength(3);
  });
});
