import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

import {
  addTags,
  createContact,
  createNote,
  createTask,
  deleteContact,
  deleteNote,
  deleteTask,
  getContact,
  knownTags,
  listBusinessContacts,
  removeTags,
  setTaskCompleted,
  updateContact,
  updateNote,
  updateTask,
  isAppError,
  listContactAppointments,
  listContactNotes,
  listContactTasks,
  listContacts,
  listContactsLegacy,
  session,
  toAppError,
} from "./backend";

beforeAll(() => {
  // Pretend to run inside Tauri so the real `invoke` is used.
  Object.defineProperty(window, "__TAURI_INTERNALS__", { value: {}, configurable: true });
});

beforeEach(() => {
  invoke.mockReset();
});

describe("commands", () => {
  it("call the Rust commands with camelCase arguments", async () => {
    invoke.mockResolvedValue("ok");
    await session();
    await listContacts({ query: "smith", cursor: null, limit: 100 });
    await listContactsLegacy({ query: "smith", cursor: "next", limit: 100 });
    await getContact("c1");
    await listContactTasks("c1");
    await listContactNotes("c1");
    await listContactAppointments("c1");
    expect(invoke.mock.calls).toEqual([
      ["session", {}],
      ["list_contacts", { query: "smith", cursor: null, limit: 100 }],
      ["list_contacts_legacy", { query: "smith", cursor: "next", limit: 100 }],
      ["get_contact", { contactId: "c1" }],
      ["list_contact_tasks", { contactId: "c1" }],
      ["list_contact_notes", { contactId: "c1" }],
      ["list_contact_appointments", { contactId: "c1" }],
    ]);
  });

  it("call the write commands with camelCase arguments", async () => {
    invoke.mockResolvedValue(null);
    const contactForm = {
      firstName: "Ann",
      lastName: null,
      email: null,
      phone: "+13035550142",
      companyName: null,
      address1: null,
      city: null,
      state: null,
      postalCode: null,
      country: null,
      website: null,
      source: null,
    };
    const taskForm = { title: "Call", body: null, dueDate: "2026-03-05T16:00:00.000Z", completed: false };
    const noteForm = { title: null, body: "Hi", pinned: true, color: null };
    await createContact(contactForm);
    await updateContact("c1", contactForm);
    await deleteContact("c1");
    await createTask("c1", taskForm);
    await updateTask("c1", "t1", taskForm);
    await setTaskCompleted("c1", "t1", true);
    await deleteTask("c1", "t1");
    await createNote("c1", noteForm);
    await updateNote("c1", "n1", noteForm);
    await deleteNote("c1", "n1");
    await addTags("c1", ["vip"]);
    await removeTags("c1", ["vip"]);
    await knownTags();
    await listBusinessContacts("b1");
    expect(invoke.mock.calls).toEqual([
      ["create_contact", { form: contactForm }],
      ["update_contact", { contactId: "c1", form: contactForm }],
      ["delete_contact", { contactId: "c1" }],
      ["create_task", { contactId: "c1", form: taskForm }],
      ["update_task", { contactId: "c1", taskId: "t1", form: taskForm }],
      ["set_task_completed", { contactId: "c1", taskId: "t1", completed: true }],
      ["delete_task", { contactId: "c1", taskId: "t1" }],
      ["create_note", { contactId: "c1", form: noteForm }],
      ["update_note", { contactId: "c1", noteId: "n1", form: noteForm }],
      ["delete_note", { contactId: "c1", noteId: "n1" }],
      ["add_tags", { contactId: "c1", tags: ["vip"] }],
      ["remove_tags", { contactId: "c1", tags: ["vip"] }],
      ["known_tags", {}],
      ["list_business_contacts", { businessId: "b1" }],
    ]);
  });

  it("return what the command resolves with", async () => {
    const page = { contacts: [], total: 0, nextCursor: null };
    invoke.mockResolvedValue(page);
    await expect(listContacts({ query: "", cursor: "abc", limit: 50 })).resolves.toBe(page);
  });

  it("pass an AppError rejection through", async () => {
    invoke.mockRejectedValue({ code: "rate_limited", message: "Slow down", details: { retryAfter: 3 } });
    await expect(getContact("c1")).rejects.toEqual({
      code: "rate_limited",
      message: "Slow down",
      details: { retryAfter: 3 },
    });
  });

  it("normalise other rejections into an internal AppError", async () => {
    invoke.mockRejectedValue("command list_contacts not found");
    await expect(listContactTasks("c1")).rejects.toEqual({
      code: "internal",
      message: "command list_contacts not found",
      details: null,
    });
    invoke.mockRejectedValue(new Error("IPC broke"));
    await expect(listContactNotes("c1")).rejects.toEqual({ code: "internal", message: "IPC broke", details: null });
  });
});

describe("isAppError / toAppError", () => {
  it("recognises AppErrors only", () => {
    expect(isAppError({ code: "network", message: "offline", details: null })).toBe(true);
    expect(isAppError({ code: "network", message: "offline" })).toBe(true);
    expect(isAppError({ code: "teapot", message: "short and stout", details: null })).toBe(false);
    expect(isAppError({ code: "network" })).toBe(false);
    expect(isAppError("network")).toBe(false);
    expect(isAppError(null)).toBe(false);
    expect(isAppError(undefined)).toBe(false);
  });

  it("always produces an AppError", () => {
    expect(toAppError({ code: "timeout", message: "took too long" })).toEqual({
      code: "timeout",
      message: "took too long",
      details: null,
    });
    expect(toAppError({ message: "half an error" })).toEqual({ code: "internal", message: "half an error", details: null });
    expect(toAppError(42)).toEqual({ code: "internal", message: "Unexpected error", details: null });
    expect(toAppError("")).toEqual({ code: "internal", message: "Unexpected error", details: null });
  });
});
