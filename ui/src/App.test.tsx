import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type {
  AppError,
  Appointment,
  ContactDetail,
  ContactPage,
  ContactSummary,
  Note,
  Task,
} from "./bindings";
import { deferred, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

function contact(i: number, overrides: Partial<ContactSummary> = {}): ContactSummary {
  const n = String(i).padStart(4, "0");
  return {
    id: `c${n}`,
    displayName: `Person ${n}`,
    firstName: "Person",
    lastName: n,
    email: `person${n}@example.com`,
    phone: "+13035550142",
    companyName: null,
    tags: [],
    dateUpdated: iso(-3 * DAY),
    pending: false,
    ...overrides,
  };
}

const SMITHS = [
  contact(9001, { id: "smith-1", displayName: "Anna Smith", firstName: "Anna", lastName: "Smith", companyName: "Smith Plumbing", tags: ["vip", "hvac", "plumbing", "warranty", "referral"] }),
  contact(9002, { id: "smith-2", displayName: "Bob Smithers", firstName: "Bob", lastName: "Smithers" }),
];
const EVERYONE = [...SMITHS, ...Array.from({ length: 4998 }, (_, i) => contact(i))];

function page(all: ContactSummary[], cursor: string | null, limit: number): ContactPage {
  const start = cursor === null ? 0 : Number(cursor);
  const end = start + limit;
  return { contacts: all.slice(start, end), total: all.length, nextCursor: end < all.length ? String(end) : null };
}

function searchContacts({ query, cursor, limit }: { query: string; cursor: string | null; limit: number }) {
  const q = query.toLowerCase();
  const found = q === "" ? EVERYONE : EVERYONE.filter((c) => c.displayName.toLowerCase().includes(q));
  return Promise.resolve(page(found, cursor, limit));
}

function detail(summary: ContactSummary, overrides: Partial<ContactDetail> = {}): ContactDetail {
  return {
    ...summary,
    source: "Website form",
    contactType: "customer",
    address1: "12 Main St",
    city: "Denver",
    state: "CO",
    postalCode: "80202",
    country: "US",
    website: null,
    timezone: "America/Denver",
    dateOfBirth: null,
    dateAdded: "2024-03-03T16:00:00Z",
    dateUpdated: summary.dateUpdated,
    dnd: false,
    businessId: null,
    customFields: [{ id: "gate_code", value: "#4821" }],
    ...overrides,
  };
}

const TASKS: Task[] = [
  { id: "t-done", title: "Send invoice", body: null, dueDate: iso(-5 * DAY), completed: true, assignedTo: null, pending: false },
  { id: "t-later", title: "Order parts", body: "Igniter for the furnace", dueDate: iso(10 * DAY), completed: false, assignedTo: null, pending: false },
  { id: "t-overdue", title: "Call back about estimate", body: null, dueDate: iso(-3 * DAY), completed: false, assignedTo: null, pending: false },
];
const NOTES: Note[] = [
  { id: "n-old", title: null, body: "Old note", dateAdded: iso(-30 * DAY), pinned: false, color: null, pending: false },
  { id: "n-pinned", title: "Gate code", body: "Code is 4821\nDog in the yard", dateAdded: iso(-90 * DAY), pinned: true, color: "#f59e0b", pending: false },
  { id: "n-new", title: null, body: "New note", dateAdded: iso(-2 * HOUR), pinned: false, color: null, pending: false },
];
const APPOINTMENTS: Appointment[] = [
  { id: "a-past", title: "Furnace inspection", status: "showed", startTime: iso(-10 * DAY), endTime: iso(-10 * DAY + HOUR), address: null, notes: null },
  { id: "a-next", title: "AC tune-up", status: "confirmed", startTime: iso(2 * DAY), endTime: iso(2 * DAY + 90 * 60_000), address: "12 Main St, Denver", notes: null },
  { id: "a-cancelled", title: "Leak repair", status: "cancelled", startTime: iso(5 * DAY), endTime: null, address: null, notes: null },
];

const networkError: AppError = { code: "network", message: "dns error", details: null };

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockImplementation(searchContacts);
  api.getContact.mockImplementation((id) => {
    const summary = EVERYONE.find((c) => c.id === id);
    return summary ? Promise.resolve(detail(summary)) : Promise.reject({ code: "not_found", message: "No such contact", details: null });
  });
  api.listContactTasks.mockResolvedValue(TASKS);
  api.listContactNotes.mockResolvedValue(NOTES);
  api.listContactAppointments.mockResolvedValue(APPOINTMENTS);
});

describe("header", () => {
  it("shows the location and a Demo badge in demo mode", async () => {
    renderApp();
    expect(await screen.findByText("Rocky Mountain Heating")).toBeInTheDocument();
    const badge = screen.getByTestId("demo-badge");
    expect(badge).toHaveTextContent("Demo");
    expect(badge).toHaveAttribute("title", "Demo mode: sample data from the built-in sandbox");
    expect(screen.getByRole("heading", { level: 1, name: "Switchboard" })).toBeInTheDocument();
  });

  it("has no Demo badge in live mode", async () => {
    api.session.mockResolvedValue({ ...SIGNED_IN, mode: "live" });
    renderApp();
    await screen.findByText("Rocky Mountain Heating");
    expect(screen.queryByTestId("demo-badge")).not.toBeInTheDocument();
  });
});

describe("contact list", () => {
  it("shows the workspace at start once the first page is there, not a frame of skeletons before it", async () => {
    const page = deferred<ContactPage>();
    const firstPage = await api.listContacts({ query: "", cursor: null, limit: 100 });
    api.listContacts.mockReturnValueOnce(page.promise);
    renderApp();
    await waitFor(() => expect(api.listContacts).toHaveBeenCalledTimes(2));
    expect(screen.getByText("Starting Switchboard")).toBeInTheDocument();
    expect(screen.queryByTestId("contact-search")).not.toBeInTheDocument();
    await act(async () => page.resolve(firstPage));
    expect(screen.getAllByTestId("contact-row").length).toBeGreaterThan(5);
    expect(api.listContacts).toHaveBeenCalledTimes(2); // fetched ahead, not again on mount
  });

  it("shows the workspace with the list loading when the first page takes long at start", async () => {
    api.listContacts.mockReturnValueOnce(deferred<ContactPage>().promise);
    renderApp();
    expect(await screen.findByTestId("contact-search", {}, { timeout: 2000 })).toBeInTheDocument();
    expect(screen.queryByTestId("contact-row")).not.toBeInTheDocument();
  });

  it("renders rows and the count", async () => {
    renderApp();
    expect(await screen.findByText("5,000 contacts")).toBeInTheDocument();
    const rows = screen.getAllByTestId("contact-row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100); // virtualised
    const first = rows[0]!;
    expect(first).toHaveAttribute("data-contact-id", "smith-1");
    expect(first).toHaveAttribute("role", "option");
    expect(within(first).getByText("Anna Smith")).toBeInTheDocument();
    expect(within(first).getByText("Smith Plumbing")).toBeInTheDocument();
    expect(within(first).getByText("+1 (303) 555-0142")).toBeInTheDocument();
    expect(within(first).getByText("Updated 3 days ago")).toBeInTheDocument();
    expect(within(first).getByText("vip")).toBeInTheDocument();
    expect(within(first).getByText("+2")).toBeInTheDocument();
    expect(within(first).queryByText("warranty")).not.toBeInTheDocument();
    expect(api.listContacts).toHaveBeenCalledWith({ query: "", cursor: null, limit: 100 });
    expect(screen.getByRole("listbox", { name: "Contacts" })).toBeInTheDocument();
  });

  it("shows skeletons while the first page loads", async () => {
    const first = deferred<ContactPage>();
    api.listContacts.mockReturnValueOnce(first.promise);
    renderApp();
    expect(await screen.findByText("Loading contacts…")).toBeInTheDocument();
    expect(screen.getAllByTestId("skeleton")[0]).toHaveAttribute("aria-busy", "true");
    await act(async () => first.resolve(page(EVERYONE, null, 100)));
    expect(await screen.findByText("5,000 contacts")).toBeInTheDocument();
  });

  it("re-queries as the user types, after a pause", async () => {
    const { user } = renderApp();
    await screen.findByText("5,000 contacts");
    await user.type(screen.getByTestId("contact-search"), "smith");
    expect(await screen.findByText("2 matches for “smith”")).toBeInTheDocument();
    expect(api.listContacts).toHaveBeenLastCalledWith({ query: "smith", cursor: null, limit: 100 });
    // Debounced: no request for the partial words typed on the way.
    const queries = api.listContacts.mock.calls.map(([args]) => args.query);
    expect(queries).toEqual(["", "smith"]);
    expect(screen.getAllByTestId("contact-row").map((r) => r.dataset.contactId)).toEqual(["smith-1", "smith-2"]);
  });

  it("says when nothing matches", async () => {
    const { user } = renderApp();
    await screen.findByText("5,000 contacts");
    await user.type(screen.getByTestId("contact-search"), "xyz");
    expect(await screen.findByText("No contacts match “xyz”")).toBeInTheDocument();
    expect(screen.queryAllByTestId("contact-row")).toHaveLength(0);
  });

  it("loads the next page near the end and shows a loading row meanwhile", async () => {
    const small = EVERYONE.slice(0, 40);
    const next = deferred<ContactPage>();
    api.listContacts.mockImplementation(({ cursor, limit }) =>
      cursor === null ? Promise.resolve({ ...page(small, null, 5), total: 40 }) : next.promise.then(() => page(small, cursor, limit)),
    );
    renderApp();
    await waitFor(() => expect(api.listContacts).toHaveBeenCalledWith({ query: "", cursor: "5", limit: 100 }));
    expect(await screen.findByTestId("list-loader")).toHaveTextContent("Loading more contacts");
    expect(screen.getByRole("listbox")).toHaveAttribute("aria-busy", "true");
    await act(async () => next.resolve(page(small, "5", 100)));
    await waitFor(() => expect(screen.queryByTestId("list-loader")).not.toBeInTheDocument());
    expect(screen.getAllByTestId("contact-row").length).toBeGreaterThan(5);
  });

  it("shows an error with Retry, and Retry refetches", async () => {
    api.listContacts.mockRejectedValueOnce(networkError);
    const { user } = renderApp();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("can’t be reached");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("5,000 contacts")).toBeInTheDocument();
    expect(api.listContacts).toHaveBeenCalledTimes(2);
  });

  it("shows the backend's message for other errors", async () => {
    api.listContacts.mockRejectedValueOnce({ code: "unauthorized", message: "The GHL token was rejected.", details: null });
    renderApp();
    expect(await screen.findByRole("alert")).toHaveTextContent("The GHL token was rejected.");
  });

  it("moves with the keyboard and opens with Enter", async () => {
    const { user } = renderApp();
    await screen.findByText("5,000 contacts");
    const listbox = screen.getByRole("listbox");
    await user.click(screen.getByTestId("contact-search"));
    await user.keyboard("{ArrowDown}");
    expect(listbox).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(listbox).toHaveAttribute("aria-activedescendant", "contact-option-smith-2");
    await user.keyboard("{ArrowUp}");
    expect(listbox).toHaveAttribute("aria-activedescendant", "contact-option-smith-1");
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
    expect(screen.getAllByTestId("contact-row")[0]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{End}");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("contact-option-c0097"); // last loaded row
    await user.keyboard("{Home}");
    expect(listbox).toHaveAttribute("aria-activedescendant", "contact-option-smith-1");
  });
});

describe("contact view", () => {
  it("shows the overview until a contact is selected", async () => {
    renderApp();
    expect(
      within(await screen.findByTestId("overview")).getByRole("heading", { level: 2, name: "Overview" }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId("contact-view")).not.toBeInTheDocument();
  });

  it("opens a contact on click, with details", async () => {
    const { user } = renderApp();
    await screen.findByText("5,000 contacts");
    await user.click(screen.getAllByTestId("contact-row")[0]!);
    expect(api.getContact).toHaveBeenCalledWith("smith-1");
    const view = screen.getByTestId("contact-view");
    expect(within(view).getByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
    const details = await within(view).findByTestId("contact-details");
    const email = within(details).getByRole("link", { name: "person9001@example.com" });
    expect(email).toHaveAttribute("href", "mailto:person9001@example.com");
    expect(details).toHaveTextContent("+1 (303) 555-0142");
    expect(details).toHaveTextContent("12 Main St");
    expect(details).toHaveTextContent("Denver, CO 80202");
    expect(details).toHaveTextContent("Website form");
    expect(details).toHaveTextContent("Mar 3, 2024");
    expect(details).not.toHaveTextContent("null");
    expect(within(details).queryByText("Website", { selector: "dt" })).not.toBeInTheDocument(); // empty: omitted
    expect(within(details).queryByText("Date of birth", { selector: "dt" })).not.toBeInTheDocument();
    // Custom fields arrive as opaque ids without names: nothing a person could read.
    expect(within(view).queryByTestId("custom-fields")).toBeNull();
    expect(within(view).getByText("Customer")).toBeInTheDocument();
    expect(screen.getAllByTestId("contact-row")[0]).toHaveAttribute("aria-selected", "true");
  });

  it("loads each section on its own: loading, then data", async () => {
    const tasks = deferred<Task[]>();
    const notes = deferred<Note[]>();
    const appointments = deferred<Appointment[]>();
    api.listContactTasks.mockReturnValue(tasks.promise);
    api.listContactNotes.mockReturnValue(notes.promise);
    api.listContactAppointments.mockReturnValue(appointments.promise);
    renderApp({ initialContactId: "smith-1" });

    await screen.findByTestId("tasks-section");
    const sections = ["tasks-section", "notes-section", "appointments-section"].map((id) => screen.getByTestId(id));
    for (const section of sections) expect(section).toHaveAttribute("aria-busy", "true");

    await act(async () => notes.resolve(NOTES));
    const notesSection = screen.getByTestId("notes-section");
    await waitFor(() => expect(notesSection).toHaveAttribute("aria-busy", "false"));
    expect(screen.getByTestId("tasks-section")).toHaveAttribute("aria-busy", "true");
    const noteItems = within(notesSection).getAllByTestId("note-item");
    expect(noteItems.map((n) => n.dataset.noteId)).toEqual(["n-pinned", "n-new", "n-old"]);
    expect(within(noteItems[0]!).getByText("Pinned")).toBeInTheDocument();
    expect(within(noteItems[1]!).getByText("2 hours ago")).toBeInTheDocument();
    expect(within(noteItems[0]!).getByText(/Code is 4821/).textContent).toBe("Code is 4821\nDog in the yard");

    await act(async () => tasks.resolve(TASKS));
    const tasksSection = screen.getByTestId("tasks-section");
    await waitFor(() => expect(tasksSection).toHaveAttribute("aria-busy", "false"));
    expect(within(tasksSection).getByRole("heading", { name: /Tasks/ })).toHaveTextContent("3");
    const taskItems = within(tasksSection).getAllByTestId("task-item");
    expect(taskItems.map((t) => t.dataset.taskId)).toEqual(["t-overdue", "t-later", "t-done"]);
    expect(taskItems[0]).toHaveTextContent("3 days overdue");
    expect(taskItems[0]).toHaveTextContent("Open");
    expect(taskItems[2]).toHaveTextContent("Done");

    await act(async () => appointments.resolve(APPOINTMENTS));
    const apptSection = screen.getByTestId("appointments-section");
    await waitFor(() => expect(apptSection).toHaveAttribute("aria-busy", "false"));
    expect(within(within(apptSection).getByTestId("appointments-upcoming")).getAllByTestId("appointment-item").map((a) => a.dataset.appointmentId)).toEqual(["a-next", "a-cancelled"]);
    expect(within(within(apptSection).getByTestId("appointments-past")).getAllByTestId("appointment-item").map((a) => a.dataset.appointmentId)).toEqual(["a-past"]);
    expect(within(apptSection).getByText("Confirmed")).toBeInTheDocument();
    expect(within(apptSection).getByRole("heading", { name: "Upcoming" })).toBeInTheDocument();
    expect(within(apptSection).getByRole("heading", { name: "Past" })).toBeInTheDocument();
  });

  it("shows empty states", async () => {
    api.listContactTasks.mockResolvedValue([]);
    api.listContactNotes.mockResolvedValue([]);
    api.listContactAppointments.mockResolvedValue([]);
    renderApp({ initialContactId: "smith-1" });
    expect(await within(await screen.findByTestId("tasks-section")).findByText("No tasks for this contact.")).toBeInTheDocument();
    expect(await within(screen.getByTestId("notes-section")).findByText("No notes for this contact.")).toBeInTheDocument();
    expect(
      await within(screen.getByTestId("appointments-section")).findByText("No appointments for this contact."),
    ).toBeInTheDocument();
  });

  it("shows a section error with Retry without affecting the others, and Retry refetches", async () => {
    api.listContactTasks.mockRejectedValueOnce(networkError).mockResolvedValueOnce(TASKS);
    const { user } = renderApp({ initialContactId: "smith-1" });
    const tasksSection = await screen.findByTestId("tasks-section");
    const alert = await within(tasksSection).findByRole("alert");
    expect(alert).toHaveTextContent("Couldn’t load tasks");
    expect(alert).toHaveTextContent("can’t be reached");
    expect(await within(screen.getByTestId("notes-section")).findAllByTestId("note-item")).toHaveLength(3);

    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await within(tasksSection).findAllByTestId("task-item")).toHaveLength(3);
    expect(api.listContactTasks).toHaveBeenCalledTimes(2);
    expect(within(tasksSection).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows an error for the contact itself", async () => {
    api.getContact.mockRejectedValueOnce("backend exploded");
    renderApp({ initialContactId: "smith-1" });
    const card = await screen.findByTestId("contact-card");
    const alert = await within(card).findByRole("alert");
    expect(alert).toHaveTextContent("backend exploded");
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});
