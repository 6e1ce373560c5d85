// The dev fake backend emulates the session commands the way the Rust side answers them.
import { describe, expect, it, vi } from "vitest";
import type { CacheStatus, ContactDetail, ContactPage, Note, OutboxItem, SessionInfo, Task } from "../bindings";

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

describe("fake backend cache and outbox", () => {
  function watcher() {
    const seen: CacheStatus[] = [];
    return { seen, channel: { onmessage: (status: CacheStatus) => seen.push(status) }, last: () => seen.at(-1)! };
  }

  it("queues edits made offline, marks new records pending, and sends them once back online", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const { fakeInvoke, devControls } = await freshFake("?latency=0&offline");
      const watch = watcher();
      const first = await fakeInvoke<CacheStatus>("watch_cache", { onStatus: watch.channel });
      expect(first.online).toBe(false);
      const contactId = (await fakeInvoke<ContactPage>("list_contacts", { query: "", cursor: null, limit: 1 })).contacts[0]!.id;
      expect(await fakeInvoke<boolean>("refresh_contact", { contactId })).toBe(false);

      const note = await fakeInvoke<Note>("create_note", { contactId, form: { title: null, body: "Offline note", pinned: false, color: null } });
      expect(note.pending).toBe(true);
      expect(watch.last().outbox).toEqual({ waiting: 1, conflicts: 0, rejected: 0 });
      const items = await fakeInvoke<OutboxItem[]>("outbox_items");
      expect(items).toMatchObject([{ description: "Add a note", contactId, state: "waiting" }]);

      devControls.setOnline(true);
      expect(watch.last()).toMatchObject({ online: true, activity: "sending" });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(watch.last()).toMatchObject({ activity: "idle", outbox: { waiting: 0, conflicts: 0, rejected: 0 } });
      const notes = await fakeInvoke<Note[]>("list_contact_notes", { contactId });
      expect(notes.find((n) => n.id === note.id)?.pending).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("downloads the first time, lists what arrived so far, and pauses and resumes", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const { fakeInvoke } = await freshFake("?latency=0&download");
      const watch = watcher();
      const first = await fakeInvoke<CacheStatus>("watch_cache", { onStatus: watch.channel });
      expect(first).toMatchObject({ activity: "downloading", downloadComplete: false, cachedContacts: 0 });
      vi.advanceTimersByTime(2000);
      expect(watch.last().progress).toMatchObject({ done: 500, total: 5000 });
      expect((await fakeInvoke<ContactPage>("list_contacts", { query: "", cursor: null, limit: 10 })).total).toBe(500);

      await fakeInvoke("pause_download");
      expect(watch.last()).toMatchObject({ activity: "idle", downloadPaused: true, cachedContacts: 500 });
      vi.advanceTimersByTime(5000);
      expect(watch.last().cachedContacts).toBe(500);

      await fakeInvoke("resume_download");
      vi.advanceTimersByTime(60_000);
      expect(watch.seen.some((s) => s.progress?.waitingForRateLimit)).toBe(true);
      expect(watch.last()).toMatchObject({ activity: "idle", downloadComplete: true, cachedContacts: 5000 });
      expect(watch.last().lastRefreshedAt).not.toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("resolves a conflict with the chosen values, retries and discards", async () => {
    const { fakeInvoke } = await freshFake("?latency=0&outbox=demo");
    const watch = watcher();
    const first = await fakeInvoke<CacheStatus>("watch_cache", { onStatus: watch.channel });
    expect(first.outbox).toEqual({ waiting: 1, conflicts: 1, rejected: 1 });
    const [conflict, rejected, failed] = await fakeInvoke<OutboxItem[]>("outbox_items");
    expect(conflict).toMatchObject({ state: "conflict", conflicts: [{ field: "phone" }, { field: "companyName" }] });
    expect(failed?.state).toBe("failed");

    await fakeInvoke("resolve_outbox_conflict", {
      id: conflict!.id,
      choices: [
        { field: "phone", keep: "mine" },
        { field: "companyName", keep: "theirs" },
      ],
    });
    const contact = await fakeInvoke<ContactDetail>("get_contact", { contactId: conflict!.contactId });
    expect(contact.phone).toBe(conflict!.conflicts[0]!.mine);
    expect(contact.companyName).toBe(conflict!.conflicts[1]!.theirs);

    await fakeInvoke("discard_outbox_item", { id: rejected!.id });
    expect(watch.last().outbox).toEqual({ waiting: 1, conflicts: 0, rejected: 0 });
    await expect(fakeInvoke("retry_outbox_item", { id: rejected!.id })).rejects.toMatchObject({ code: "not_found" });
  });
});
