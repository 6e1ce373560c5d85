// Housecall Pro in the UI: the HCP panel, the sync dialog, the contact view's HCP side
// and sync log, and the Settings sections for the HCP key and the sync.
import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type {
  AppError,
  HcpCustomerPage,
  HcpCustomerSummary,
  SyncLogLine,
  SyncPreview,
  SyncResult,
  SyncSettingsView,
} from "./bindings";
import { contactDetail, contactSummary, deferred, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";
import { describeSyncResult } from "./lib/sync";

const api = vi.mocked(backend);

const ANNA = contactSummary("ghl-anna", "Anna Smith", { email: "anna@example.com", phone: "+13035550142" });
const BOB = contactSummary("ghl-bob", "Bob Jones", { email: "bob@example.com" });

function customer(i: number, overrides: Partial<HcpCustomerSummary> = {}): HcpCustomerSummary {
  return {
    id: `cus_${i}`,
    name: `Customer ${i}`,
    email: `customer${i}@example.com`,
    phone: "(303) 555-0100",
    company: null,
    address: `${i} Main St, Denver, CO, 80202`,
    updatedAt: "2026-11-01T10:00:00Z",
    linkedContactId: null,
    ...overrides,
  };
}

const CUSTOMERS: HcpCustomerSummary[] = [
  customer(1, { name: "Anna Smith", email: "anna@example.com", linkedContactId: "ghl-anna" }),
  customer(2, { name: "Carl Baker" }),
  ...Array.from({ length: 58 }, (_, i) => customer(i + 3)),
];

function customerPage(query: string, page: number): Promise<HcpCustomerPage> {
  const q = query.toLowerCase();
  const found = CUSTOMERS.filter((c) => q === "" || c.name.toLowerCase().includes(q));
  return Promise.resolve({
    customers: found.slice((page - 1) * 50, page * 50),
    page,
    totalPages: Math.max(1, Math.ceil(found.length / 50)),
    total: found.length,
  });
}

function preview(overrides: Partial<SyncPreview> = {}): SyncPreview {
  return {
    target: { side: "hcp", id: "cus_2" },
    matching: "matched",
    matchingText: "The GoHighLevel contact with the same email address",
    candidates: [],
    hcp: null,
    ghl: null,
    toGhl: [
      { field: "phone", label: "Phone", from: null, to: "+13035550100" },
      { field: "city", label: "City", from: "Boulder", to: "Denver" },
    ],
    toHcp: [{ field: "email", label: "Email", from: "old@example.com", to: "carl@example.com" }],
    conflicts: [],
    problems: [],
    followUpTasks: [],
    willSend: true,
    resuming: false,
    ...overrides,
  };
}

const RESULT: SyncResult = {
  ghlContactId: "ghl-carl",
  hcpCustomerId: "cus_2",
  created: null,
  changedInGhl: 2,
  changedInHcp: 1,
  unresolved: 0,
  tasksCreated: [],
  nothingSent: false,
};

const SETTINGS: SyncSettingsView = {
  mapping: ["first_name / last_name ↔ firstName / lastName", "lead_source ↔ source"],
  homePhoneField: "contact.hcp_home_phone",
  workPhoneField: "contact.hcp_work_phone",
  hcpIdField: "contact.hcp_customer_id",
  followUpTasks: [{ title: "Call to welcome", body: "", dueInDays: 1, dueHour: 15 }],
};

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue({ contacts: [ANNA, BOB], total: 2, nextCursor: null });
  api.getContact.mockImplementation((id) => {
    const found = [ANNA, BOB].find((c) => c.id === id);
    return found ? Promise.resolve(contactDetail(found)) : Promise.reject({ code: "not_found", message: "gone", details: null });
  });
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
  api.hcpStatus.mockResolvedValue({ configured: true, baseUrl: "https://api.housecallpro.com", demo: false });
  api.hcpCustomers.mockImplementation(customerPage);
});

async function openHcpTab() {
  const rendered = renderApp();
  await screen.findByText("2 contacts");
  await rendered.user.click(screen.getByTestId("hcp-tab"));
  await screen.findAllByTestId("hcp-customer-row");
  return rendered;
}

async function openCustomerSync(name = "Carl Baker") {
  const rendered = await openHcpTab();
  const row = screen.getAllByTestId("hcp-customer-row").find((r) => r.textContent?.includes(name))!;
  await rendered.user.click(row);
  const view = await screen.findByTestId("hcp-customer-view");
  await rendered.user.click(within(view).getByTestId("sync-button"));
  const dialog = await screen.findByTestId("sync-dialog");
  return { ...rendered, dialog };
}

describe("Housecall Pro panel", () => {
  it("is a tab beside GoHighLevel, reachable with the arrow keys", async () => {
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    const ghl = screen.getByRole("tab", { name: "GoHighLevel" });
    expect(ghl).toHaveAttribute("aria-selected", "true");
    ghl.focus();
    await user.keyboard("{ArrowRight}");
    const hcp = screen.getByRole("tab", { name: "Housecall Pro" });
    expect(hcp).toHaveFocus();
    expect(hcp).toHaveAttribute("aria-selected", "true");
    expect(await screen.findByRole("tabpanel", { name: "Housecall Pro" })).toBeInTheDocument();
    await user.keyboard("{ArrowLeft}");
    expect(ghl).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("contact-search")).toBeVisible();
  });

  it("lists customers with a Linked badge, searches as you type and loads more", async () => {
    const { user } = await openHcpTab();
    expect(screen.getByTestId("hcp-count")).toHaveTextContent("60 customers");
    const rows = screen.getAllByTestId("hcp-customer-row");
    expect(rows).toHaveLength(50);
    expect(rows[0]).toHaveAttribute("data-customer-id", "cus_1");
    expect(within(rows[0]!).getByText("anna@example.com")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("(303) 555-0100")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("1 Main St, Denver, CO, 80202")).toBeInTheDocument();
    expect(within(rows[0]!).getByTestId("hcp-linked-badge")).toHaveTextContent("Linked");
    expect(within(rows[1]!).queryByTestId("hcp-linked-badge")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("hcp-load-more"));
    await waitFor(() => expect(screen.getAllByTestId("hcp-customer-row")).toHaveLength(60));
    expect(api.hcpCustomers).toHaveBeenLastCalledWith("", 2);
    expect(screen.queryByTestId("hcp-load-more")).not.toBeInTheDocument();

    await user.type(screen.getByTestId("hcp-search"), "carl");
    await waitFor(() => expect(screen.getAllByTestId("hcp-customer-row")).toHaveLength(1));
    expect(screen.getByTestId("hcp-count")).toHaveTextContent("1 customer match “carl”");
    // Debounced: no request for the letters typed on the way.
    expect(api.hcpCustomers.mock.calls.map(([query]) => query)).toEqual(["", "", "carl"]);
  });

  it("asks to set up Housecall Pro in Settings instead of showing an error", async () => {
    api.hcpCustomers.mockRejectedValue({ code: "hcp_not_configured", message: "not set up", details: null });
    api.hcpStatus.mockResolvedValue({ configured: false, baseUrl: "", demo: false });
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    await user.click(screen.getByTestId("hcp-tab"));
    const prompt = await screen.findByTestId("hcp-setup");
    expect(screen.queryByTestId("error-message")).not.toBeInTheDocument();
    await user.click(within(prompt).getByRole("button", { name: "Open Settings" }));
    const settings = await screen.findByTestId("settings-dialog");
    expect(within(settings).getByRole("tab", { name: "Housecall Pro" })).toHaveAttribute("aria-selected", "true");
    expect(within(settings).getByTestId("hcp-status")).toHaveTextContent("Not set up yet");
  });

  it("shows the selected customer, and opens its linked GoHighLevel contact", async () => {
    const { user } = await openHcpTab();
    await user.click(screen.getAllByTestId("hcp-customer-row")[0]!);
    const view = await screen.findByTestId("hcp-customer-view");
    expect(view).toHaveAttribute("data-customer-id", "cus_1");
    expect(within(view).getByRole("heading", { name: "Anna Smith" })).toBeInTheDocument();
    expect(within(view).getByTestId("sync-button")).toHaveTextContent("Sync to GoHighLevel");
    await user.click(within(view).getByRole("button", { name: "Open the GoHighLevel contact" }));
    expect(await screen.findByTestId("contact-name")).toHaveTextContent("Anna Smith");
    expect(screen.getByTestId("ghl-tab")).toHaveAttribute("aria-selected", "true");
  });
});

describe("sync dialog", () => {
  it("compares both sides first, then lists the changes per side", async () => {
    const pending = deferred<SyncPreview>();
    api.syncPreview.mockReturnValue(pending.promise);
    const { dialog } = await openCustomerSync();
    expect(within(dialog).getByRole("status")).toHaveTextContent("Comparing both sides…");
    expect(api.syncPreview).toHaveBeenCalledWith({ side: "hcp", id: "cus_2" }, null);
    await act(async () => pending.resolve(preview()));
    expect(await within(dialog).findByTestId("sync-matching")).toHaveTextContent("same email address");
    const changes = within(dialog).getAllByTestId("sync-change");
    expect(changes.map((c) => [c.dataset.side, c.dataset.field])).toEqual([
      ["ghl", "phone"],
      ["ghl", "city"],
      ["hcp", "email"],
    ]);
    expect(within(dialog).getByTestId("sync-changes-ghl")).toHaveTextContent("Changes in GoHighLevel");
    expect(within(dialog).getByTestId("sync-changes-hcp")).toHaveTextContent("Changes in Housecall Pro");
    expect(changes[0]).toHaveTextContent("Phone: — → +1 (303) 555-0100");
    // Shown as everywhere else in the app, and never broken across two lines.
    expect(within(changes[0]!).getByText("+1 (303) 555-0100")).toHaveClass("sync-to", "sync-phone");
    expect(changes[2]).toHaveTextContent("Email: old@example.com → carl@example.com");
    expect(within(dialog).queryByTestId("sync-nothing")).not.toBeInTheDocument();
  });

  it("sends the choice made for each conflict, then tells what was done", async () => {
    api.syncPreview.mockResolvedValue(
      preview({
        matching: "linked",
        matchingText: "Linked by an earlier sync (last synced 2026-11-03)",
        toGhl: [],
        toHcp: [],
        conflicts: [
          { field: "phone", label: "Phone", base: "+13035550100", hcp: "+17205550199", ghl: "+13035550123" },
          { field: "last_name", label: "Last name", base: "Baker", hcp: "Bakker", ghl: null },
          { field: "email", label: "Email", base: null, hcp: "a@example.com", ghl: "b@example.com" },
        ],
      }),
    );
    const done = deferred<SyncResult>();
    api.syncApply.mockReturnValue(done.promise);
    const { dialog, user } = await openCustomerSync();
    const conflicts = await within(dialog).findAllByTestId("sync-conflict");
    expect(conflicts.map((c) => c.dataset.field)).toEqual(["phone", "last_name", "email"]);
    expect(conflicts[1]).toHaveTextContent("GoHighLevel: —");
    // "Change nothing" is the default.
    expect(within(conflicts[0]!).getByRole("radio", { name: "Change nothing" })).toBeChecked();
    await user.click(within(conflicts[0]!).getByRole("radio", { name: "Keep Housecall Pro" }));
    await user.click(within(conflicts[1]!).getByRole("radio", { name: "Keep GoHighLevel" }));
    await user.click(within(dialog).getByTestId("sync-apply-button"));
    expect(api.syncApply).toHaveBeenCalledWith(
      { side: "hcp", id: "cus_2" },
      [
        { field: "phone", keep: "hcp" },
        { field: "last_name", keep: "ghl" },
        { field: "email", keep: "nothing" },
      ],
      null,
    );
    expect(within(dialog).getByRole("status")).toHaveTextContent("Syncing…");
    const linkedBefore = api.hcpCustomers.mock.calls.length;
    await act(async () => done.resolve({ ...RESULT, changedInGhl: 1, changedInHcp: 1, unresolved: 1 }));
    expect(await within(dialog).findByTestId("sync-result")).toHaveTextContent(
      "Synced: 1 change in GoHighLevel, 1 in Housecall Pro, 1 conflict left as they were",
    );
    // The HCP list is read again (the customer may be linked now).
    await waitFor(() => expect(api.hcpCustomers.mock.calls.length).toBeGreaterThan(linkedBefore));
    expect(within(dialog).queryByTestId("sync-open-contact")).not.toBeInTheDocument();
  });

  it("lets the person choose between matching contacts, and previews again with that choice", async () => {
    api.syncPreview.mockImplementation((_target, choice) =>
      Promise.resolve(
        choice === null
          ? preview({
              matching: "ambiguous",
              matchingText: "2 records match. Choose the GoHighLevel contact to sync with, or create a new one.",
              toGhl: [],
              toHcp: [],
              candidates: [
                { id: "ghl-anna", name: "Anna Smith", email: "anna@example.com", phone: null, matchedBy: "email" },
                { id: "ghl-bob", name: "Bob Jones", email: null, phone: "+13035550100", matchedBy: "phone" },
              ],
            })
          : preview({ matchingText: "The GoHighLevel contact you chose" }),
      ),
    );
    api.syncApply.mockResolvedValue(RESULT);
    const { dialog, user } = await openCustomerSync();
    const candidates = await within(dialog).findAllByTestId("match-candidate");
    expect(candidates).toHaveLength(2);
    expect(within(dialog).getByRole("radio", { name: "Create a new one" })).toBeInTheDocument();
    expect(within(dialog).queryByTestId("sync-apply-button")).not.toBeInTheDocument();
    const next = within(dialog).getByRole("button", { name: "Continue" });
    expect(next).toBeDisabled();
    await user.click(within(candidates[1]!).getByRole("radio"));
    await user.click(next);
    expect(await within(dialog).findByText("The GoHighLevel contact you chose")).toBeInTheDocument();
    expect(api.syncPreview).toHaveBeenLastCalledWith({ side: "hcp", id: "cus_2" }, { existingId: "ghl-bob" });
    await user.click(within(dialog).getByTestId("sync-apply-button"));
    expect(api.syncApply).toHaveBeenCalledWith({ side: "hcp", id: "cus_2" }, [], { existingId: "ghl-bob" });
  });

  it("keeps Sync disabled while a field has a problem, naming it", async () => {
    api.syncPreview.mockResolvedValue(
      preview({ problems: [{ side: "hcp", field: "email", label: "Email", message: "“maria@@example” is not a valid email address." }] }),
    );
    const { dialog } = await openCustomerSync();
    const problem = await within(dialog).findByTestId("sync-problem");
    expect(problem).toHaveTextContent("Email in Housecall Pro: “maria@@example” is not a valid email address.");
    expect(problem).toHaveAttribute("data-side", "hcp");
    expect(within(dialog).getByTestId("sync-apply-button")).toBeDisabled();
  });

  it("says when there is nothing to sync, and notes a resumed sync and new tasks", async () => {
    api.syncPreview.mockResolvedValue(
      preview({
        matching: "new",
        toGhl: [],
        toHcp: [],
        willSend: false,
        resuming: true,
        followUpTasks: [{ title: "Call to welcome", dueDate: "2026-11-23T15:00:00Z" }],
      }),
    );
    const { dialog } = await openCustomerSync();
    expect(await within(dialog).findByTestId("sync-nothing")).toHaveTextContent("Nothing to sync — both sides already agree");
    expect(within(dialog).getByTestId("sync-resuming")).toBeInTheDocument();
    expect(within(dialog).getByTestId("sync-task")).toHaveTextContent("“Call to welcome”");
  });

  it("offers Retry when the sync stops part-way, calling it again with the same arguments", async () => {
    api.syncPreview.mockResolvedValue(
      preview({ conflicts: [{ field: "phone", label: "Phone", base: null, hcp: "+17205550199", ghl: "+13035550123" }] }),
    );
    const stopped: AppError = {
      code: "sync_stopped",
      message: "Housecall Pro couldn’t be reached while updating the customer.",
      details: { step: "update the Housecall Pro customer" },
    };
    api.syncApply.mockRejectedValueOnce(stopped).mockResolvedValueOnce({ ...RESULT, created: "ghl", tasksCreated: ["Call to welcome"] });
    const { dialog, user } = await openCustomerSync();
    await user.click(within(await within(dialog).findByTestId("sync-conflict")).getByRole("radio", { name: "Keep GoHighLevel" }));
    await user.click(within(dialog).getByTestId("sync-apply-button"));
    const error = await within(dialog).findByTestId("sync-error");
    expect(error).toHaveTextContent("The sync stopped part-way");
    expect(error).toHaveTextContent("Housecall Pro couldn’t be reached while updating the customer.");
    await user.click(within(error).getByRole("button", { name: "Retry" }));
    expect(api.syncApply).toHaveBeenCalledTimes(2);
    expect(api.syncApply.mock.calls[1]).toEqual(api.syncApply.mock.calls[0]);
    expect(api.syncApply.mock.calls[1]).toEqual([{ side: "hcp", id: "cus_2" }, [{ field: "phone", keep: "ghl" }], null]);
    expect(await within(dialog).findByTestId("sync-result")).toHaveTextContent(
      "Synced: 2 changes in GoHighLevel, 1 in Housecall Pro, created the contact, added task “Call to welcome”",
    );
    await user.click(within(dialog).getByRole("button", { name: "Open contact" }));
    await waitFor(() => expect(screen.queryByTestId("sync-dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("ghl-tab")).toHaveAttribute("aria-selected", "true");
    expect(api.getContact).toHaveBeenCalledWith("ghl-carl");
  });

  it("closes with Esc and gives focus back to the Sync button", async () => {
    api.syncPreview.mockResolvedValue(preview());
    const { dialog, user } = await openCustomerSync();
    await within(dialog).findAllByTestId("sync-change");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("sync-dialog")).not.toBeInTheDocument();
    expect(within(screen.getByTestId("hcp-customer-view")).getByTestId("sync-button")).toHaveFocus();
    expect(api.syncApply).not.toHaveBeenCalled();
  });
});

describe("result wording", () => {
  it("reads naturally for each kind of result", () => {
    expect(describeSyncResult({ ...RESULT, changedInGhl: 3, changedInHcp: 1, created: "ghl", tasksCreated: ["Call to welcome"] })).toBe(
      "Synced: 3 changes in GoHighLevel, 1 in Housecall Pro, created the contact, added task “Call to welcome”",
    );
    expect(describeSyncResult({ ...RESULT, changedInGhl: 0, changedInHcp: 2 })).toBe("Synced: 2 changes in Housecall Pro");
    expect(describeSyncResult({ ...RESULT, changedInGhl: 0, changedInHcp: 0, nothingSent: true })).toBe(
      "Nothing to sync — both sides already agree",
    );
    expect(describeSyncResult({ ...RESULT, changedInGhl: 0, changedInHcp: 0, created: "hcp", tasksCreated: ["A", "B"] })).toBe(
      "Synced: created the customer, added tasks “A” and “B”",
    );
  });
});

describe("contact view", () => {
  const LOG: SyncLogLine[] = [
    { at: "2026-11-20T09:30:00Z", to: "ghl", label: "Phone", from: null, value: "+13035550100", actor: "Dana (office)" },
    { at: "2026-11-02T09:30:00Z", to: "hcp", label: "Email", from: "old@example.com", value: "anna@example.com", actor: "Dana (office)" },
  ];

  it("shows the linked Housecall Pro side and the sync log", async () => {
    api.linkedCustomer.mockImplementation((id) => Promise.resolve(id === "ghl-anna" ? CUSTOMERS[0]! : null));
    api.syncLog.mockResolvedValue(LOG);
    const { user } = renderApp({ initialContactId: "ghl-anna" });
    const side = await screen.findByTestId("hcp-side");
    expect(await within(side).findByText("Anna Smith")).toBeInTheDocument();
    expect(side).toHaveTextContent("1 Main St, Denver, CO, 80202");
    expect(side).toHaveTextContent("(303) 555-0100");
    const log = screen.getByTestId("sync-log");
    const lines = await within(log).findAllByTestId("sync-log-line");
    expect(lines[0]).toHaveTextContent("→ GoHighLevel");
    expect(lines[0]).toHaveTextContent("Phone: — → +1 (303) 555-0100");
    expect(lines[0]).toHaveTextContent("by Dana (office)");
    expect(lines[1]).toHaveTextContent("→ Housecall Pro");
    expect(api.syncLog).toHaveBeenCalledWith({ side: "ghl", id: "ghl-anna" });

    api.syncPreview.mockResolvedValue(preview({ target: { side: "ghl", id: "ghl-anna" } }));
    const button = screen.getByTestId("sync-button");
    expect(button).toHaveTextContent("Sync with Housecall Pro");
    await user.click(button);
    await within(await screen.findByTestId("sync-dialog")).findAllByTestId("sync-change");
    expect(api.syncPreview).toHaveBeenCalledWith({ side: "ghl", id: "ghl-anna" }, null);
  });

  it("hides every Housecall Pro piece when it isn't set up and the contact isn't linked", async () => {
    api.hcpStatus.mockResolvedValue({ configured: false, baseUrl: "", demo: false });
    renderApp({ initialContactId: "ghl-bob" });
    expect(await screen.findByTestId("contact-name")).toHaveTextContent("Bob Jones");
    await waitFor(() => expect(api.linkedCustomer).toHaveBeenCalledWith("ghl-bob"));
    expect(screen.queryByTestId("hcp-side")).not.toBeInTheDocument();
    expect(screen.queryByTestId("sync-log")).not.toBeInTheDocument();
    expect(screen.queryByTestId("sync-button")).not.toBeInTheDocument();
  });
});

describe("settings", () => {
  async function openSettings(section: "Housecall Pro" | "Sync") {
    api.oauthSettings.mockResolvedValue({
      clientId: "client-1",
      hasClientSecret: true,
      authorizeHost: "standard",
      customAuthorizeUrl: null,
      redirectUris: [],
      editingEnabled: true,
      managedByFile: null,
    });
    const rendered = renderApp();
    await screen.findByText("2 contacts");
    await rendered.user.click(screen.getByTestId("oauth-settings-button"));
    const dialog = await screen.findByTestId("settings-dialog");
    await rendered.user.click(within(dialog).getByRole("tab", { name: section }));
    return { ...rendered, dialog };
  }

  it("saves a Housecall Pro key after checking it, never showing the saved one", async () => {
    api.saveHcpKey
      .mockRejectedValueOnce({ code: "unauthorized", message: "Housecall Pro didn’t accept this API key.", details: null })
      .mockResolvedValueOnce({ configured: true, baseUrl: "https://api.housecallpro.com", demo: false });
    const { dialog, user } = await openSettings("Housecall Pro");
    const form = await within(dialog).findByTestId("hcp-key-form");
    expect(within(form).getByTestId("hcp-status")).toHaveTextContent("Connected");
    const input = within(form).getByLabelText("New API key");
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveValue("");
    await user.click(within(form).getByRole("button", { name: "Save key" }));
    expect(input).toHaveAccessibleDescription(/Enter the API key/);
    expect(input).toHaveFocus();
    expect(api.saveHcpKey).not.toHaveBeenCalled();
    await user.type(input, "wrong-key");
    await user.click(within(form).getByRole("button", { name: "Save key" }));
    await waitFor(() => expect(input).toHaveAccessibleDescription(/didn’t accept this API key/));
    await user.clear(input);
    await user.type(input, " hcp-key-1 ");
    await user.click(within(form).getByRole("button", { name: "Save key" }));
    expect(api.saveHcpKey).toHaveBeenLastCalledWith({ apiKey: "hcp-key-1" });
    expect(await screen.findByText("Housecall Pro key saved")).toBeInTheDocument();
    expect(input).toHaveValue("");
  });

  it("checks and saves the sync settings: custom fields and follow-up tasks", async () => {
    api.syncSettings.mockResolvedValue(SETTINGS);
    api.saveSyncSettings.mockImplementation(async (form) => ({ ...SETTINGS, ...form }));
    const { dialog, user } = await openSettings("Sync");
    const form = await within(dialog).findByTestId("sync-settings-form");
    expect(within(form).getByTestId("sync-mapping")).toHaveTextContent("lead_source ↔ source");
    const idField = within(form).getByLabelText("Housecall Pro id");
    await user.clear(idField);
    await user.click(within(form).getByRole("button", { name: "Save sync settings" }));
    expect(idField).toHaveFocus();
    expect(idField).toHaveAccessibleDescription(/custom field that keeps the Housecall Pro id/);
    await user.type(idField, "contact.hcp_id");

    await user.click(within(form).getByRole("button", { name: "Add a task" }));
    const days = within(form).getByLabelText("Task 2 due in (days)");
    await user.click(within(form).getByRole("button", { name: "Save sync settings" }));
    expect(within(form).getByLabelText("Task 2 title")).toHaveFocus();
    expect(api.saveSyncSettings).not.toHaveBeenCalled();
    await user.type(within(form).getByLabelText("Task 2 title"), "Send the welcome pack");
    await user.clear(days);
    await user.type(days, "400");
    await user.click(within(form).getByRole("button", { name: "Save sync settings" }));
    expect(days).toHaveAccessibleDescription(/from 0 to 365/);
    await user.clear(days);
    await user.type(days, "3");
    await user.selectOptions(within(form).getByLabelText("Task 2 at (UTC)"), "09:00 UTC");
    await user.click(within(form).getByRole("button", { name: "Remove task 1" }));
    await user.clear(within(form).getByLabelText("Work phone (optional)"));
    await user.click(within(form).getByRole("button", { name: "Save sync settings" }));
    expect(api.saveSyncSettings).toHaveBeenCalledWith({
      homePhoneField: "contact.hcp_home_phone",
      workPhoneField: "",
      hcpIdField: "contact.hcp_id",
      followUpTasks: [{ title: "Send the welcome pack", body: "", dueInDays: 3, dueHour: 9 }],
    });
    await waitFor(() => expect(screen.queryByTestId("settings-dialog")).not.toBeInTheDocument());
    expect(screen.getByText("Sync settings saved")).toBeInTheDocument();
    expect(screen.getByTestId("oauth-settings-button")).toHaveFocus();
  });

  it("shows the server's refusal of the sync settings", async () => {
    api.syncSettings.mockResolvedValue(SETTINGS);
    api.saveSyncSettings.mockRejectedValue({ code: "validation", message: "Custom field keys must differ.", details: null });
    const { dialog, user } = await openSettings("Sync");
    const form = await within(dialog).findByTestId("sync-settings-form");
    await user.click(within(form).getByRole("button", { name: "Save sync settings" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("Custom field keys must differ.");
  });
});
