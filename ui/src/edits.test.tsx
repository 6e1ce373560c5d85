// Component tests of the editing UI, with backend.ts mocked.
import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, ContactDetail, ContactForm, ContactPage, ContactSummary, Note, Task } from "./bindings";
import { account, deferred, renderApp, sessionOf, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

const READ_ONLY = "Your GoHighLevel access is read-only (contacts.write scope missing)";

function summary(id: string, first: string, last: string, overrides: Partial<ContactSummary> = {}): ContactSummary {
  return {
    id,
    displayName: `${first} ${last}`,
    firstName: first,
    lastName: last,
    email: `${first.toLowerCase()}@example.com`,
    phone: "+13035550142",
    companyName: null,
    tags: [],
    dateUpdated: "2026-01-10T16:00:00Z",
    pending: false,
    ...overrides,
  };
}

const ANNA = summary("smith-1", "Anna", "Smith", { companyName: "Smith Plumbing", tags: ["vip", "hvac"] });
const BOB = summary("smith-2", "Bob", "Smithers", { companyName: "Smith Plumbing" });
const CAROL = summary("c3", "Carol", "Jones");
let contacts: ContactSummary[];

function detailOf(s: ContactSummary, overrides: Partial<ContactDetail> = {}): ContactDetail {
  return {
    ...s,
    source: "Referral",
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
    dnd: false,
    businessId: s.companyName ? "biz-smith" : null,
    customFields: [],
    ...overrides,
  };
}

const TASKS: Task[] = [
  { id: "t1", title: "Order parts", body: null, dueDate: "2099-01-01T16:00:00Z", completed: false, assignedTo: null, pending: false },
  { id: "t2", title: "Send invoice", body: null, dueDate: "2020-01-01T16:00:00Z", completed: true, assignedTo: null, pending: false },
];
const NOTES: Note[] = [{ id: "n1", title: "Gate code", body: "Code is 4821", dateAdded: "2025-01-01T10:00:00Z", pinned: false, color: null, pending: false }];

const ALL_NULL: ContactForm = {
  firstName: null,
  lastName: null,
  email: null,
  phone: null,
  companyName: null,
  address1: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  website: null,
  source: null,
};

function page(list: ContactSummary[]): ContactPage {
  return { contacts: list, total: list.length, nextCursor: null };
}

beforeEach(() => {
  contacts = [ANNA, BOB, CAROL];
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockImplementation(() => Promise.resolve(page(contacts)));
  api.getContact.mockImplementation((id) => {
    const s = contacts.find((c) => c.id === id);
    return s ? Promise.resolve(detailOf(s)) : Promise.reject({ code: "not_found", message: "gone", details: null });
  });
  api.listContactTasks.mockResolvedValue(TASKS);
  api.listContactNotes.mockResolvedValue(NOTES);
  api.listContactAppointments.mockResolvedValue([]);
  api.knownTags.mockResolvedValue(["vip", "hvac", "gold member", "golf course", "furnace"]);
  api.listBusinessContacts.mockResolvedValue(page([ANNA, BOB]));
});

async function openAnna() {
  const app = renderApp({ initialContactId: "smith-1" });
  await screen.findByTestId("contact-details");
  return app;
}

describe("new contact", () => {
  it("validates, then creates with the phone in E.164 and opens the new contact", async () => {
    const created = detailOf(summary("new-1", "Ann", "Lee", { email: "ann@example.com" }));
    api.createContact.mockImplementation(async () => {
      contacts = [...contacts, summary("new-1", "Ann", "Lee")];
      return created;
    });
    const { user } = renderApp();
    await screen.findByText("3 contacts");
    const trigger = screen.getByTestId("new-contact-button");
    await user.click(trigger);

    const dialog = screen.getByRole("dialog", { name: "New contact" });
    const form = within(dialog).getByTestId("contact-form");
    expect(within(dialog).getByLabelText("First name")).toHaveFocus();
    for (const name of ["firstName", "lastName", "email", "phone", "companyName", "address1", "city", "state", "postalCode", "country", "website", "source"]) {
      expect(form.querySelector(`[name="${name}"]`)).not.toBeNull();
    }

    // Nothing to identify the contact by.
    await user.type(within(dialog).getByLabelText("Company"), "Lee Bakery");
    await user.click(within(dialog).getByTestId("contact-form-submit"));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Enter at least a name, an email or a phone number.");
    expect(api.createContact).not.toHaveBeenCalled();

    await user.type(within(dialog).getByLabelText("First name"), "Ann");
    await user.type(within(dialog).getByLabelText("Last name"), "Lee");
    const email = within(dialog).getByLabelText("Email");
    await user.type(email, "ann@example");
    const phone = within(dialog).getByLabelText("Phone");
    await user.type(phone, "(303) 555-0142");
    expect(within(dialog).getByText("+13035550142")).toBeInTheDocument(); // "Saved as …"
    await user.click(within(dialog).getByTestId("contact-form-submit"));
    expect(api.createContact).not.toHaveBeenCalled();
    expect(email).toHaveFocus();
    expect(email).toHaveAttribute("aria-invalid", "true");
    const errorId = email.getAttribute("aria-describedby")!.split(" ")[0]!;
    expect(document.getElementById(errorId)).toHaveTextContent("Enter an email address like name@example.com.");

    await user.type(email, ".com");
    expect(email).not.toHaveAttribute("aria-invalid");
    await user.click(within(dialog).getByTestId("contact-form-submit"));
    expect(api.createContact).toHaveBeenCalledWith({
      ...ALL_NULL,
      firstName: "Ann",
      lastName: "Lee",
      email: "ann@example.com",
      phone: "+13035550142",
      companyName: "Lee Bakery",
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByRole("heading", { level: 2, name: "Ann Lee" })).toBeInTheDocument();
    expect(await screen.findByText("4 contacts")).toBeInTheDocument(); // the list was refreshed
    expect(trigger).toHaveFocus();
  });

  it("shows an invalid phone inline and refuses to send it", async () => {
    const { user } = renderApp();
    await user.click(await screen.findByTestId("new-contact-button"));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Phone"), "555-CALL");
    await user.click(within(dialog).getByTestId("contact-form-submit"));
    const phone = within(dialog).getByLabelText("Phone");
    expect(phone).toHaveAttribute("aria-invalid", "true");
    expect(phone).toHaveAccessibleDescription(/can’t contain letters/);
    expect(api.createContact).not.toHaveBeenCalled();
  });

  it("shows the server's field error inline and keeps what was typed", async () => {
    api.createContact.mockRejectedValue({
      code: "validation",
      message: "GoHighLevel rejected the request: email: another contact already has this email",
      details: { messages: ["email: another contact already has this email"] },
    } satisfies AppError);
    const { user } = renderApp();
    await user.click(await screen.findByTestId("new-contact-button"));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("First name"), "Ann");
    await user.type(within(dialog).getByLabelText("Email"), "anna@example.com");
    await user.click(within(dialog).getByTestId("contact-form-submit"));
    const email = within(dialog).getByLabelText("Email");
    await waitFor(() => expect(email).toHaveAttribute("aria-invalid", "true"));
    expect(email).toHaveAccessibleDescription("Email another contact already has this email");
    expect(email).toHaveFocus();
    expect(email).toHaveValue("anna@example.com");
    expect(within(dialog).getByLabelText("First name")).toHaveValue("Ann");
  });

  it("closes with Esc and gives focus back", async () => {
    const { user } = renderApp();
    const trigger = await screen.findByTestId("new-contact-button");
    await user.click(trigger);
    expect(screen.getByRole("dialog")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(trigger).toHaveFocus();
  });
});

describe("edit and delete a contact", () => {
  it("sends only the changed fields", async () => {
    api.updateContact.mockImplementation(async (_id, form) => detailOf({ ...ANNA, email: form.email }, {}));
    const { user } = await openAnna();
    const trigger = screen.getByTestId("edit-contact-button");
    await user.click(trigger);
    const dialog = screen.getByRole("dialog", { name: "Edit Anna Smith" });
    expect(within(dialog).getByLabelText("City")).toHaveValue("Denver");
    const email = within(dialog).getByLabelText("Email");
    await user.clear(email);
    await user.type(email, "anna.smith@example.com");
    await user.clear(within(dialog).getByLabelText("City"));
    // Re-typed, but the same number.
    const phone = within(dialog).getByLabelText("Phone");
    await user.clear(phone);
    await user.type(phone, "303.555.0142");
    await user.click(within(dialog).getByTestId("contact-form-submit"));
    expect(api.updateContact).toHaveBeenCalledWith("smith-1", { ...ALL_NULL, email: "anna.smith@example.com", city: "" });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await within(screen.getByTestId("contact-details")).findByText("anna.smith@example.com")).toBeInTheDocument();
    expect(trigger).toHaveFocus();
  });

  it("asks before deleting, naming the contact", async () => {
    api.deleteContact.mockImplementation(async () => {
      contacts = contacts.filter((c) => c.id !== "smith-1");
      return null;
    });
    const { user } = await openAnna();
    const trigger = screen.getByTestId("delete-contact-button");
    await user.click(trigger);
    const dialog = screen.getByRole("alertdialog", { name: "Delete contact" });
    expect(dialog).toHaveAccessibleDescription(
      "Delete Anna Smith? This removes the contact and its tasks and notes from GoHighLevel.",
    );
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(api.deleteContact).not.toHaveBeenCalled();
    expect(trigger).toHaveFocus();

    await user.click(trigger);
    await user.click(screen.getByTestId("confirm-delete-button"));
    expect(api.deleteContact).toHaveBeenCalledWith("smith-1");
    expect(await screen.findByTestId("overview")).toBeVisible();
    expect(screen.getByTestId("toast")).toHaveTextContent("Deleted Anna Smith");
    await waitFor(() => expect(screen.queryByText("Anna Smith")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId("contact-search")).toHaveFocus());
  });

  it("keeps the confirm open with the reason when the delete is refused", async () => {
    api.deleteContact.mockRejectedValue({ code: "forbidden", message: "The token lacks contacts.write", details: null });
    const { user } = await openAnna();
    await user.click(screen.getByTestId("delete-contact-button"));
    await user.click(screen.getByTestId("confirm-delete-button"));
    const dialog = screen.getByRole("alertdialog");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Your GoHighLevel access doesn’t allow this changeThe token lacks contacts.write",
    );
    expect(screen.getByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
  });
});

describe("tasks", () => {
  it("completes optimistically, rolls back with a toast when refused, and Retry tries again", async () => {
    const first = deferred<Task>();
    api.setTaskCompleted.mockReturnValueOnce(first.promise).mockResolvedValueOnce({ ...TASKS[0]!, completed: true });
    const { user } = await openAnna();
    const item = () => screen.getAllByTestId("task-item").find((el) => el.dataset.taskId === "t1")!;
    await user.click(within(item()).getByRole("button", { name: "Mark 'Order parts' done" }));
    expect(api.setTaskCompleted).toHaveBeenCalledWith("smith-1", "t1", true);
    // Shown at once, before GoHighLevel answers.
    expect(within(item()).getByTestId("task-toggle")).toHaveAccessibleName("Reopen 'Order parts'");
    expect(item()).toHaveClass("is-done");

    await act(async () => first.reject({ code: "network", message: "connection reset", details: null }));
    expect(within(item()).getByTestId("task-toggle")).toHaveAccessibleName("Mark 'Order parts' done");
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("Couldn’t mark “Order parts” done");
    expect(toast.closest("[role=status]")).toHaveAttribute("aria-live", "polite");

    await user.click(within(toast).getByRole("button", { name: "Retry" }));
    expect(api.setTaskCompleted).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(within(item()).getByTestId("task-toggle")).toHaveAccessibleName("Reopen 'Order parts'"));
    expect(screen.queryByTestId("toast")).not.toBeInTheDocument();
  });

  it("adds a task due tomorrow at 09:00 by default", async () => {
    api.createTask.mockImplementation(async (_c, form) => ({ id: "t9", assignedTo: null, pending: false, ...form }));
    const { user } = await openAnna();
    await user.click(screen.getByTestId("add-task-button"));
    const form = screen.getByTestId("task-form");
    const now = new Date();
    const tomorrow9 = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0);
    expect(within(form).getByLabelText("Title")).toHaveFocus();
    expect(form.querySelector("[name=dueTime]")).toHaveValue("09:00");
    expect(form.querySelector("[name=dueDate]")).toHaveAttribute("type", "date");

    await user.click(within(form).getByTestId("task-form-submit"));
    expect(within(form).getByLabelText("Title")).toHaveAccessibleDescription("Enter a title for the task.");
    expect(api.createTask).not.toHaveBeenCalled();

    await user.type(within(form).getByLabelText("Title"), "Call back");
    await user.click(within(form).getByTestId("task-form-submit"));
    expect(api.createTask).toHaveBeenCalledWith("smith-1", {
      title: "Call back",
      body: null,
      dueDate: tomorrow9.toISOString(),
      completed: false,
    });
    expect(screen.getAllByTestId("task-item").map((el) => el.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining("Call back")]),
    );
    await waitFor(() => expect(screen.getAllByTestId("task-item").some((el) => el.dataset.taskId === "t9")).toBe(true));
    expect(screen.getByTestId("add-task-button")).toHaveFocus();
  });

  it("deletes a task after confirming", async () => {
    api.deleteTask.mockResolvedValue(null);
    const { user } = await openAnna();
    const item = screen.getAllByTestId("task-item").find((el) => el.dataset.taskId === "t1")!;
    await user.click(within(item).getByTestId("task-delete"));
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Delete the task “Order parts”?");
    await user.click(screen.getByTestId("confirm-delete-button"));
    expect(api.deleteTask).toHaveBeenCalledWith("smith-1", "t1");
    expect(screen.getAllByTestId("task-item").map((el) => el.dataset.taskId)).toEqual(["t2"]);
  });
});

describe("notes", () => {
  it("pins optimistically and adds a note", async () => {
    api.updateNote.mockImplementation(async (_c, id, form) => ({ ...NOTES[0]!, id, ...form }));
    api.createNote.mockImplementation(async (_c, form) => ({ id: "n9", dateAdded: new Date().toISOString(), pending: false, ...form }));
    const { user } = await openAnna();
    const pin = screen.getByTestId("note-pin");
    expect(pin).toHaveAttribute("aria-pressed", "false");
    await user.click(pin);
    expect(api.updateNote).toHaveBeenCalledWith("smith-1", "n1", { title: "Gate code", body: "Code is 4821", pinned: true, color: null });
    expect(screen.getByTestId("note-pin")).toHaveAttribute("aria-pressed", "true");

    await user.click(screen.getByTestId("add-note-button"));
    const form = screen.getByTestId("note-form");
    await user.type(within(form).getByLabelText("Note"), "Dog in the yard");
    await user.click(within(form).getByTestId("note-form-submit"));
    expect(api.createNote).toHaveBeenCalledWith("smith-1", { title: null, body: "Dog in the yard", pinned: false, color: null });
    expect(await screen.findByText("Dog in the yard")).toBeInTheDocument();
  });

  it("shows a forbidden refusal as an access problem, with the API's text", async () => {
    api.deleteNote.mockRejectedValue({ code: "forbidden", message: "Token lacks the notes scope", details: null });
    const { user } = await openAnna();
    await user.click(screen.getByTestId("note-delete"));
    await user.click(screen.getByTestId("confirm-delete-button"));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("Your GoHighLevel access doesn’t allow this change");
    expect(toast).toHaveTextContent("Token lacks the notes scope");
    expect(await screen.findAllByTestId("note-item")).toHaveLength(1); // rolled back
  });

  it("says when the outcome is unknown and offers to reload", async () => {
    api.updateNote.mockRejectedValue({ code: "outcome_unknown", message: "connection dropped", details: null });
    const { user } = await openAnna();
    await user.click(screen.getByTestId("note-pin"));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("may or may not have happened");
    const calls = api.listContactNotes.mock.calls.length;
    await user.click(within(toast).getByRole("button", { name: "Reload contact" }));
    await waitFor(() => expect(api.listContactNotes.mock.calls.length).toBeGreaterThan(calls));
  });
});

describe("editing starts from GoHighLevel's latest version", () => {
  const taskItem = (id: string) => screen.getAllByTestId("task-item").find((el) => el.dataset.taskId === id)!;

  it("opens the task form with the newer title and details, and updates the list", async () => {
    const answer = deferred<Task>();
    api.getTask.mockReturnValue(answer.promise);
    const { user } = await openAnna();
    const edit = within(taskItem("t1")).getByRole("button", { name: "Edit 'Order parts'" });
    await user.click(edit);
    expect(api.getTask).toHaveBeenCalledWith("smith-1", "t1");
    expect(edit).toHaveAttribute("aria-busy", "true");
    expect(screen.queryByTestId("task-form")).not.toBeInTheDocument();
    // The rest stays usable meanwhile.
    expect(screen.getByTestId("add-task-button")).toBeEnabled();

    await act(async () => answer.resolve({ ...TASKS[0]!, title: "Order parts for Anna", body: "Two filters" }));
    const form = await screen.findByTestId("task-form");
    expect(within(form).getByLabelText("Title")).toHaveValue("Order parts for Anna");
    expect(within(form).getByLabelText(/Details/)).toHaveValue("Two filters");
    expect(within(form).getByLabelText("Title")).toHaveFocus();
    expect(screen.queryByTestId("edit-notice")).not.toBeInTheDocument();

    await user.click(within(form).getByRole("button", { name: "Cancel" }));
    expect(taskItem("t1")).toHaveTextContent("Order parts for Anna");
    expect(taskItem("t1")).toHaveTextContent("Two filters");
  });

  it("opens the note form with the newer title and text", async () => {
    api.getNote.mockResolvedValue({ ...NOTES[0]!, title: "Gate and door codes", body: "Gate 4821, door 1234" });
    const { user } = await openAnna();
    await user.click(screen.getByRole("button", { name: "Edit note 'Gate code'" }));
    const form = await screen.findByTestId("note-form");
    expect(api.getNote).toHaveBeenCalledWith("smith-1", "n1");
    expect(within(form).getByLabelText(/Title/)).toHaveValue("Gate and door codes");
    expect(within(form).getByLabelText("Note")).toHaveValue("Gate 4821, door 1234");
  });

  it("says a note deleted in GoHighLevel is gone and removes it from the list", async () => {
    api.getNote.mockRejectedValue({ code: "not_found", message: "GoHighLevel could not find that record: note not found", details: null });
    const { user } = await openAnna();
    await user.click(screen.getByRole("button", { name: "Edit note 'Gate code'" }));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("This note was deleted in GoHighLevel");
    expect(toast).toHaveTextContent("“Gate code” is no longer there");
    expect(screen.queryByTestId("note-item")).not.toBeInTheDocument();
    expect(screen.queryByTestId("note-form")).not.toBeInTheDocument();
    expect(screen.getByTestId("add-note-button")).toHaveFocus();
  });

  it("says a task deleted in GoHighLevel is gone and removes it from the list", async () => {
    api.getTask.mockRejectedValue({ code: "not_found", message: "task not found", details: null });
    const { user } = await openAnna();
    await user.click(within(taskItem("t2")).getByRole("button", { name: "Edit 'Send invoice'" }));
    expect(await screen.findByTestId("toast")).toHaveTextContent("This task was deleted in GoHighLevel");
    expect(screen.getAllByTestId("task-item").map((el) => el.dataset.taskId)).toEqual(["t1"]);
  });

  it("edits the cached values with a quiet notice when GoHighLevel can't be asked", async () => {
    api.getTask.mockRejectedValue({ code: "network", message: "connection reset", details: null });
    api.updateTask.mockImplementation(async (_c, id, form) => ({ id, assignedTo: null, pending: false, ...form }));
    const { user } = await openAnna();
    await user.click(within(taskItem("t1")).getByRole("button", { name: "Edit 'Order parts'" }));
    const form = await screen.findByTestId("task-form");
    expect(within(form).getByLabelText("Title")).toHaveValue("Order parts");
    expect(screen.getByTestId("edit-notice")).toHaveTextContent("Could not check for newer changes: connection reset");
    expect(screen.queryByTestId("toast")).not.toBeInTheDocument();
    expect(screen.getAllByTestId("task-item")).toHaveLength(2);

    await user.type(within(form).getByLabelText("Title"), " now");
    await user.click(within(form).getByTestId("task-form-submit"));
    expect(api.updateTask).toHaveBeenCalledWith("smith-1", "t1", expect.objectContaining({ title: "Order parts now" }));
    expect(screen.queryByTestId("edit-notice")).not.toBeInTheDocument();
  });
});

describe("tags", () => {
  it("adds a tag with Enter, from the autocomplete, and removes one", async () => {
    api.addTags.mockImplementation(async (_c, tags) => ["vip", "hvac", ...tags]);
    api.removeTags.mockResolvedValue(["hvac"]);
    const { user } = await openAnna();
    const input = screen.getByTestId("tag-input");
    expect(input).toHaveAttribute("role", "combobox");
    expect(input).toHaveAccessibleName("Add a tag");

    await user.type(input, "Warranty{Enter}");
    expect(api.addTags).toHaveBeenCalledWith("smith-1", ["warranty"]);
    expect(within(screen.getByTestId("contact-tags")).getByText("warranty")).toBeInTheDocument();

    await user.type(input, "gol");
    const listbox = await screen.findByRole("listbox", { name: "Known tags" });
    expect(input).toHaveAttribute("aria-expanded", "true");
    expect(within(listbox).getAllByRole("option").map((o) => o.textContent)).toEqual(["gold member", "golf course"]);
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(input.getAttribute("aria-activedescendant")).toBe(within(listbox).getAllByRole("option")[1]!.id);
    await user.keyboard("{Enter}");
    expect(api.addTags).toHaveBeenLastCalledWith("smith-1", ["golf course"]);
    expect(input).toHaveValue("");

    const remove = screen.getAllByTestId("tag-remove").find((b) => b.dataset.tag === "vip")!;
    expect(remove).toHaveAccessibleName("Remove tag vip");
    await user.click(remove);
    expect(api.removeTags).toHaveBeenCalledWith("smith-1", ["vip"]);
    await waitFor(() => expect(within(screen.getByTestId("contact-tags")).queryByText("vip")).not.toBeInTheDocument());
  });

  it("puts a removed tag back when GoHighLevel refuses", async () => {
    api.removeTags.mockRejectedValue({ code: "network", message: "offline", details: null });
    const { user } = await openAnna();
    await user.click(screen.getByRole("button", { name: "Remove tag vip" }));
    expect(await screen.findByTestId("toast")).toHaveTextContent("Couldn’t remove the tag “vip”");
    expect(within(screen.getByTestId("contact-tags")).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["vip", "hvac"]);
  });
});

describe("business view", () => {
  it("lists the business's contacts and opens one", async () => {
    const { user } = await openAnna();
    await user.click(screen.getByTestId("business-link"));
    const view = screen.getByTestId("business-view");
    expect(view).toHaveAccessibleName("Smith Plumbing");
    expect(api.listBusinessContacts).toHaveBeenCalledWith("biz-smith");
    await user.click(await within(view).findByRole("button", { name: /Bob Smithers/ }));
    expect(await screen.findByRole("heading", { level: 2, name: "Bob Smithers" })).toBeInTheDocument();
    expect(screen.queryByTestId("business-view")).not.toBeInTheDocument();
  });
});

describe("read-only access", () => {
  it("disables every edit control and says why", async () => {
    api.session.mockResolvedValue(sessionOf([account({ canWrite: false })]));
    await openAnna();
    await screen.findByTestId("read-only-badge");
    const controls = [
      screen.getByTestId("new-contact-button"),
      screen.getByTestId("edit-contact-button"),
      screen.getByTestId("delete-contact-button"),
      screen.getByTestId("tag-input"),
      ...screen.getAllByTestId("tag-remove"),
      await screen.findByTestId("add-task-button"),
      ...(await screen.findAllByTestId("task-toggle")),
      ...screen.getAllByTestId("task-delete"),
      screen.getByTestId("add-note-button"),
      ...(await screen.findAllByTestId("note-pin")),
      ...screen.getAllByTestId("note-delete"),
    ];
    for (const control of controls) {
      expect(control).toBeDisabled();
      expect(control).toHaveAttribute("title", READ_ONLY);
    }
  });
});
