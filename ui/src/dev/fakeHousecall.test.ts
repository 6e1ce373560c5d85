// The dev fake backend's Housecall Pro customers and sync behave like the Rust side's:
// matching, three-way merge, conflicts, problems, resume, and a second sync changing nothing.
import { describe, expect, it, vi } from "vitest";
import type { HcpCustomerPage, HcpCustomerSummary, SyncLogLine, SyncPreview, SyncResult, Task } from "../bindings";

async function freshFake(search: string) {
  vi.resetModules();
  window.history.replaceState(null, "", `/${search}`);
  return import("./fakeBackend");
}

async function everyCustomer(invoke: <T>(c: string, a?: Record<string, unknown>) => Promise<T>): Promise<HcpCustomerSummary[]> {
  const first = await invoke<HcpCustomerPage>("hcp_customers", { query: "", page: 1 });
  const rest = await invoke<HcpCustomerPage>("hcp_customers", { query: "", page: 2 });
  return [...first.customers, ...rest.customers];
}

describe("fake Housecall Pro", () => {
  it("pages customers 50 at a time and searches them", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    const first = await fakeInvoke<HcpCustomerPage>("hcp_customers", { query: "", page: 1 });
    expect(first.customers).toHaveLength(50);
    expect(first.totalPages).toBe(2);
    const found = await fakeInvoke<HcpCustomerPage>("hcp_customers", { query: "quintero", page: 1 });
    expect(found.customers.map((c) => c.name)).toEqual(["Maria Quintero"]);
  });

  it("needs a key when not set up, and refuses a bad one", async () => {
    const { fakeInvoke } = await freshFake("?latency=0&hcp=unconfigured");
    await expect(fakeInvoke("hcp_customers", { query: "", page: 1 })).rejects.toMatchObject({ code: "hcp_not_configured" });
    await expect(fakeInvoke("save_hcp_key", { form: { apiKey: "bad" } })).rejects.toMatchObject({ code: "unauthorized" });
    await expect(fakeInvoke("save_hcp_key", { form: { apiKey: "k-123" } })).resolves.toMatchObject({ configured: true });
    await expect(fakeInvoke("hcp_customers", { query: "", page: 1 })).resolves.toMatchObject({ total: 72 });
  });

  it("creates a GoHighLevel contact with its follow-up task once, and a second sync changes nothing", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    const all = await everyCustomer(fakeInvoke);
    const loner = all.find((c) => c.id === "cus_0072")!;
    const target = { side: "hcp", id: loner.id };
    const preview = await fakeInvoke<SyncPreview>("sync_preview", { target, matchChoice: null });
    expect(preview.matching).toBe("new");
    expect(preview.followUpTasks.map((t) => t.title)).toEqual(["Call to welcome"]);
    const result = await fakeInvoke<SyncResult>("sync_apply", { target, choices: [], matchChoice: null });
    expect(result).toMatchObject({ created: "ghl", tasksCreated: ["Call to welcome"] });
    const tasks = await fakeInvoke<Task[]>("list_contact_tasks", { contactId: result.ghlContactId });
    expect(tasks.map((t) => t.title)).toEqual(["Call to welcome"]);
    const again = await fakeInvoke<SyncResult>("sync_apply", { target, choices: [], matchChoice: null });
    expect(again).toMatchObject({ ghlContactId: result.ghlContactId, created: null, nothingSent: true });
  });

  it("shows the linked conflict and applies the choice made", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    const target = { side: "hcp", id: "cus_0020" };
    const preview = await fakeInvoke<SyncPreview>("sync_preview", { target, matchChoice: null });
    expect(preview.matching).toBe("linked");
    expect(preview.conflicts.map((c) => c.field)).toEqual(["phone"]);
    expect(preview.toGhl.map((c) => c.field)).toEqual(["email"]);
    const result = await fakeInvoke<SyncResult>("sync_apply", { target, choices: [{ field: "phone", keep: "hcp" }], matchChoice: null });
    expect(result).toMatchObject({ changedInGhl: 2, changedInHcp: 0, unresolved: 0 });
    const log = await fakeInvoke<SyncLogLine[]>("sync_log", { target: { side: "ghl", id: result.ghlContactId } });
    expect(log[0]).toMatchObject({ to: "ghl" });
    const after = await fakeInvoke<SyncPreview>("sync_preview", { target, matchChoice: null });
    expect(after.conflicts).toEqual([]);
    expect(after.willSend).toBe(false);
  });

  it("asks which contact when two match, and refuses a malformed email", async () => {
    const { fakeInvoke } = await freshFake("?latency=0");
    const target = { side: "hcp", id: "cus_0019" };
    const preview = await fakeInvoke<SyncPreview>("sync_preview", { target, matchChoice: null });
    expect(preview.matching).toBe("ambiguous");
    expect(preview.candidates).toHaveLength(2);
    await expect(fakeInvoke("sync_apply", { target, choices: [], matchChoice: null })).rejects.toMatchObject({ code: "needs_match_choice" });
    const chosen = await fakeInvoke<SyncPreview>("sync_preview", { target, matchChoice: { existingId: preview.candidates[1]!.id } });
    expect(chosen.matching).toBe("matched");

    const bad = await fakeInvoke<SyncPreview>("sync_preview", { target: { side: "hcp", id: "cus_0022" }, matchChoice: null });
    expect(bad.problems).toEqual([expect.objectContaining({ side: "hcp", field: "email" })]);
    await expect(fakeInvoke("sync_apply", { target: { side: "hcp", id: "cus_0022" }, choices: [], matchChoice: null })).rejects.toMatchObject({ code: "validation" });
  });

  it("stops part-way once with ?fail=sync, and Retry finishes without a second contact", async () => {
    const { fakeInvoke } = await freshFake("?latency=0&fail=sync");
    const target = { side: "hcp", id: "cus_0071" };
    await expect(fakeInvoke("sync_apply", { target, choices: [], matchChoice: null })).rejects.toMatchObject({ code: "sync_stopped" });
    const preview = await fakeInvoke<SyncPreview>("sync_preview", { target, matchChoice: null });
    expect(preview.resuming).toBe(true);
    const result = await fakeInvoke<SyncResult>("sync_apply", { target, choices: [], matchChoice: null });
    const linked = await fakeInvoke<HcpCustomerSummary | null>("linked_customer", { contactId: result.ghlContactId });
    expect(linked?.id).toBe("cus_0071");
    const all = await everyCustomer(fakeInvoke);
    expect(all.filter((c) => c.linkedContactId === result.ghlContactId)).toHaveLength(1);
  });
});
