// The dev fake backend emulates the session commands the way the Rust side answers them.
import { describe, expect, it, vi } from "vitest";
import type { Note, SessionInfo, Task } from "../bindings";

async function freshFake(search: string) {
  vi.resetModules();
  window.history.replaceState(null, "", `/${search}`);
  return import("./fakeBackend");
}

describe("fake backend sessions", () => {
  it("signs in with HighLevel after a while, unless cancelled", async () => {
    const { fakeInvoke } = await freshFake("?signedout&latency=0");
    const start = await fakeInvoke<SessionInfo>("session");
    expect(start.activeLocationId).toBeNull();
    await expect(fakeInvoke("list_contacts", { query: "", cursor: null, limit: 10 })).rejects.toMatchObject({ code: "not_signed_in" });

    const cancelled = fakeInvoke("sign_in_with_highlevel");
    await new Promise((r) => setTimeout(r, 50));
    await fakeInvoke("cancel_sign_in");
    await expect(cancelled).rejects.toMatchObject({ code: "sign_in_cancelled" });

    const signedIn = await fakeInvoke<SessionInfo>("sign_in_with_highlevel");
    expect(signedIn.activeLocationId).toBe("loc_demo_7f3k");
    const page = await fakeInvoke<{ total: number }>("list_contacts", { query: "", cursor: null, limit: 10 });
    expect(page.total).toBe(5000);
  });

  it("refuses the token 'bad', accepts another, switches and signs out", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    await expect(fakeInvoke("sign_in_with_token", { form: { locationId: "loc_demo_summit", token: "bad" } })).rejects.toMatchObject({ code: "unauthorized" });
    const two = await fakeInvoke<SessionInfo>("sign_in_with_token", { form: { locationId: "loc_demo_summit", token: "pit-1" } });
    expect(two.accounts.map((a) => a.locationId)).toEqual(["loc_demo_7f3k", "loc_demo_summit"]);
    expect(two.activeLocationId).toBe("loc_demo_summit");
    const page = await fakeInvoke<{ total: number }>("list_contacts", { query: "", cursor: null, limit: 10 });
    expect(page.total).toBe(800);
    const back = await fakeInvoke<SessionInfo>("switch_location", { locationId: "loc_demo_7f3k" });
    expect(back.activeLocationId).toBe("loc_demo_7f3k");
    const after = await fakeInvoke<SessionInfo>("sign_out", { locationId: "loc_demo_7f3k", deleteCache: true });
    expect(after.activeLocationId).toBe("loc_demo_summit");
  });

  it("reports an expired sign-in until reconnected", async () => {
    const { fakeInvoke } = await freshFake("?expired&latency=0");
    await expect(fakeInvoke("list_contacts", { query: "", cursor: null, limit: 10 })).rejects.toMatchObject({ code: "reauth_required" });
    expect((await fakeInvoke<SessionInfo>("session")).accounts[0]?.needsReconnect).toBe(true);
    const reconnected = await fakeInvoke<SessionInfo>("sign_in_with_highlevel");
    expect(reconnected.accounts).toHaveLength(1);
    expect(reconnected.accounts[0]?.needsReconnect).toBe(false);
    await expect(fakeInvoke("list_contacts", { query: "", cursor: null, limit: 10 })).resolves.toBeTruthy();
  });

  it("finds duplicates and upserts onto them", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    const page = await fakeInvoke<{ contacts: { id: string; email: string | null }[] }>("list_contacts", { query: "", cursor: null, limit: 50 });
    const withEmail = page.contacts.find((c) => c.email)!;
    const match = await fakeInvoke<{ contact: { id: string }; matchedOn: string }>("find_duplicate_contact", { email: withEmail.email, phone: null });
    expect(match).toMatchObject({ contact: { id: withEmail.id }, matchedOn: "email" });
    const form = { firstName: null, lastName: null, email: withEmail.email, phone: null, companyName: "Upserted Co", address1: null, city: null, state: null, postalCode: null, country: null, website: null, source: null };
    const outcome = await fakeInvoke<{ created: boolean; contact: { id: string; companyName: string } }>("upsert_contact", { form });
    expect(outcome).toMatchObject({ created: false, contact: { id: withEmail.id, companyName: "Upserted Co" } });
  });
});

describe("fake backend lists", () => {
  type Page = { contacts: { id: string }[]; total: number; nextCursor: string | null };

  it("pages the old contacts list by the last contact seen, over the same contacts as search", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    const searched = await fakeInvoke<Page>("list_contacts", { query: "smith", cursor: null, limit: 1000 });
    const first = await fakeInvoke<Page>("list_contacts_legacy", { query: "smith", cursor: null, limit: 10 });
    expect(first.total).toBe(searched.total);
    expect(first.nextCursor).toBe(first.contacts.at(-1)?.id);

    const seen = [...first.contacts];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const next = await fakeInvoke<Page>("list_contacts_legacy", { query: "smith", cursor, limit: 10 });
      seen.push(...next.contacts);
      cursor = next.nextCursor;
    }
    expect(seen.map((c) => c.id)).toEqual(searched.contacts.map((c) => c.id));

    await expect(fakeInvoke("list_contacts_legacy", { query: "smith", cursor: "gone", limit: 10 })).rejects.toMatchObject({ code: "validation" });
  });
});

describe("fake backend single items", () => {
  it("answers get_task and get_note with the stored item, and not_found once deleted", async () => {
    const { fakeInvoke, resolveSelection } = await freshFake("?latency=0");
    const contactId = resolveSelection("rich")!;
    const tasks = await fakeInvoke<Task[]>("list_contact_tasks", { contactId });
    const task = tasks[0]!;
    await fakeInvoke("update_task", { contactId, taskId: task.id, form: { title: "Changed elsewhere", body: null, dueDate: task.dueDate ?? "2030-01-01T09:00:00Z", completed: task.completed } });
    expect(await fakeInvoke<Task>("get_task", { contactId, taskId: task.id })).toMatchObject({ id: task.id, title: "Changed elsewhere" });
    await fakeInvoke("delete_task", { contactId, taskId: task.id });
    await expect(fakeInvoke("get_task", { contactId, taskId: task.id })).rejects.toMatchObject({ code: "not_found" });

    const note = (await fakeInvoke<Note[]>("list_contact_notes", { contactId }))[0]!;
    expect(await fakeInvoke<Note>("get_note", { contactId, noteId: note.id })).toEqual(note);
    await fakeInvoke("delete_note", { contactId, noteId: note.id });
    await expect(fakeInvoke("get_note", { contactId, noteId: note.id })).rejects.toMatchObject({ code: "not_found" });
  });
});
