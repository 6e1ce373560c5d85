// Change alerts in the UI: the header's Activity button and its feed (unread count from
// the cache status, entries that open their contact, "Mark all read") and Settings →
// Alerts (add, turn off and delete rules, for everyone or chosen contacts).
import { act, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ActivityItem, AlertRules, AlertRuleView, CacheStatus } from "./bindings";
import { describeActivity } from "./hooks/alerts";
import { cacheStatus } from "./test/backendMock";
import { contactDetail, contactSummary, renderApp, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

const ANNA = contactSummary("anna", "Anna Smith", { phone: "+13035550101" });
const BOB = contactSummary("bob", "Bob Jones", { email: "bob@example.com" });

function entry(overrides: Partial<ActivityItem> = {}): ActivityItem {
  return {
    id: 7,
    contactId: "anna",
    contactName: "Anna Smith",
    kind: "fieldChanged",
    subject: "Phone",
    from: "+13035550101",
    to: "+13035550199",
    happenedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    read: false,
    ...overrides,
  };
}

const FIELDS: AlertRules["fields"] = [
  { key: "name", label: "Name" },
  { key: "phone", label: "Phone" },
  { key: "tags", label: "Tags" },
];

function rule(overrides: Partial<AlertRuleView> = {}): AlertRuleView {
  return {
    id: 3,
    kind: "fieldChanged",
    field: "phone",
    tag: null,
    contacts: null,
    enabled: true,
    createdAt: "2024-05-01T10:00:00Z",
    ...overrides,
  };
}

/** Makes `watchCache` answer with `initial`; the returned function sends later statuses. */
function watchWith(initial: CacheStatus) {
  let listener: ((status: CacheStatus) => void) | null = null;
  api.watchCache.mockImplementation(async (onStatus) => {
    listener = onStatus;
    return { status: initial, stop: () => undefined };
  });
  return (status: CacheStatus) => {
    const deliver = listener;
    if (deliver === null) throw new Error("not watching yet");
    act(() => deliver(status));
  };
}

async function expectNoViolations() {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  const found = results.violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.html.slice(0, 160)).join("\n  ")}`);
  expect(found, found.join("\n")).toEqual([]);
}

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockImplementation(async ({ query }) => {
    const all = [ANNA, BOB];
    const q = (query ?? "").toLowerCase();
    const contacts = all.filter((c) => c.displayName.toLowerCase().includes(q));
    return { contacts, total: contacts.length, nextCursor: null };
  });
  api.getContact.mockImplementation(async (id) => contactDetail([ANNA, BOB].find((c) => c.id === id) ?? ANNA));
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
  api.markActivityRead.mockResolvedValue(null);
});

describe("activity feed", () => {
  it("shows the unread count, lists what changed and opens the contact of an entry", async () => {
    const send = watchWith(cacheStatus());
    api.activity.mockResolvedValue([entry(), entry({ id: 6, contactId: "bob", contactName: "Bob Jones", kind: "tagAdded", subject: "vip", from: null, to: null, read: true })]);
    const { user } = renderApp();
    const button = await screen.findByTestId("activity-button");
    expect(button).toHaveAttribute("data-unread", "0");
    expect(button).toHaveAccessibleName("Activity");

    send(cacheStatus({ unreadActivity: 1 }));
    expect(button).toHaveAttribute("data-unread", "1");
    expect(button).toHaveAccessibleName("Activity, 1 unread");
    expect(within(button).getByTestId("activity-unread")).toHaveTextContent("1");

    await user.click(button);
    const feed = await screen.findByTestId("activity-feed");
    const entries = await within(feed).findAllByTestId("activity-entry");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent("Anna Smith");
    expect(entries[0]).toHaveTextContent("Phone: +1 (303) 555-0101 → +1 (303) 555-0199");
    expect(entries[0]).toHaveTextContent("5 minutes ago");
    expect(entries[0]).toHaveAttribute("data-read", "false");
    expect(entries[1]).toHaveTextContent("Tagged “vip”");
    await expectNoViolations();

    await user.click(entries[0]!);
    expect(api.markActivityRead).toHaveBeenCalledWith(7);
    await waitFor(() => expect(screen.queryByTestId("activity-feed")).not.toBeInTheDocument());
    const view = await screen.findByTestId("contact-view");
    expect(within(view).getAllByText("Anna Smith").length).toBeGreaterThan(0);
  });

  it("marks everything read, and reads the feed again when new entries arrive", async () => {
    const send = watchWith(cacheStatus({ unreadActivity: 1 }));
    api.activity.mockResolvedValue([entry()]);
    const { user } = renderApp();
    await user.click(await screen.findByTestId("activity-button"));
    const feed = await screen.findByTestId("activity-feed");
    await within(feed).findByTestId("activity-entry");

    api.activity.mockResolvedValue([entry({ id: 8, subject: "Email", from: null, to: "a@b.co" }), entry()]);
    send(cacheStatus({ unreadActivity: 2 }));
    await waitFor(() => expect(within(feed).getAllByTestId("activity-entry")).toHaveLength(2));
    expect(within(feed).getAllByTestId("activity-entry")[0]).toHaveTextContent("Email set to a@b.co");

    await user.click(within(feed).getByTestId("activity-mark-all-read"));
    expect(api.markActivityRead).toHaveBeenCalledWith(null);
  });

  it("says so when there is nothing yet", async () => {
    const { user } = renderApp();
    await user.click(await screen.findByTestId("activity-button"));
    const feed = await screen.findByTestId("activity-feed");
    expect(await within(feed).findByText(/Nothing yet/)).toBeInTheDocument();
    expect(within(feed).getByTestId("activity-mark-all-read")).toBeDisabled();
  });
});

/** Settings → Alerts, reached from the feed's "Alert rules" button. */
async function openAlertSettings(user: ReturnType<typeof renderApp>["user"]) {
  await user.click(await screen.findByTestId("activity-button"));
  await user.click(await screen.findByTestId("activity-rules"));
  const dialog = await screen.findByTestId("settings-dialog");
  expect(within(dialog).getByTestId("settings-tab-alerts")).toHaveAttribute("aria-selected", "true");
  return within(dialog).findByTestId("alert-settings");
}

describe("settings → alerts", () => {
  it("adds a rule for every contact", async () => {
    api.alertRules.mockResolvedValue({ rules: [], fields: FIELDS, hcpConfigured: false });
    api.saveAlertRule.mockResolvedValue(rule());
    const { user } = renderApp();
    const panel = await openAlertSettings(user);
    expect(within(panel).getByText(/No alert rules yet/)).toBeInTheDocument();
    await expectNoViolations();

    await user.selectOptions(within(panel).getByTestId("alert-field"), "phone");
    await user.click(within(panel).getByTestId("alert-rule-save"));
    expect(api.saveAlertRule).toHaveBeenCalledWith({ kind: "fieldChanged", field: "phone", tag: undefined, contactIds: undefined, enabled: true });
  });

  it("limits a rule to contacts picked with a search, and insists on one", async () => {
    api.alertRules.mockResolvedValue({ rules: [], fields: FIELDS, hcpConfigured: false });
    api.saveAlertRule.mockResolvedValue(rule({ kind: "tagAdded", field: null, tag: "vip" }));
    const { user } = renderApp();
    const panel = await openAlertSettings(user);
    await user.selectOptions(within(panel).getByTestId("alert-kind"), "tagAdded");
    await user.click(within(panel).getByTestId("alert-rule-save"));
    expect(within(panel).getByText("Enter the tag to watch for.")).toBeInTheDocument();
    await user.type(within(panel).getByTestId("alert-tag"), " vip ");
    await user.click(within(panel).getByTestId("alert-scope-chosen"));
    await user.click(within(panel).getByTestId("alert-rule-save"));
    expect(within(panel).getByText("Choose at least one contact, or watch all contacts.")).toBeInTheDocument();
    expect(api.saveAlertRule).not.toHaveBeenCalled();

    await user.type(within(panel).getByTestId("alert-contact-search"), "bob");
    await user.click(await within(panel).findByTestId("alert-contact-option"));
    expect(within(panel).getByTestId("alert-chosen-contact")).toHaveTextContent("Bob Jones");
    await user.click(within(panel).getByTestId("alert-rule-save"));
    expect(api.saveAlertRule).toHaveBeenCalledWith({ kind: "tagAdded", field: undefined, tag: "vip", contactIds: ["bob"], enabled: true });
  });

  it("explains whose tasks the overdue rule watches", async () => {
    api.alertRules.mockResolvedValue({ rules: [], fields: FIELDS, hcpConfigured: false });
    const { user } = renderApp();
    const panel = await openAlertSettings(user);
    await user.selectOptions(within(panel).getByTestId("alert-kind"), "taskOverdue");
    expect(within(panel).getByTestId("alert-overdue-note")).toHaveTextContent("every open task of the watched contacts");
    await user.selectOptions(within(panel).getByTestId("alert-kind"), "hcpChanged");
    expect(within(panel).getByTestId("alert-hcp-note")).toHaveTextContent("Housecall Pro is not set up yet");
  });

  it("turns a rule off and deletes it", async () => {
    const chosen = rule({ contacts: [{ id: "anna", name: "Anna Smith" }] });
    api.alertRules.mockResolvedValue({ rules: [chosen], fields: FIELDS, hcpConfigured: true });
    api.saveAlertRule.mockResolvedValue({ ...chosen, enabled: false });
    api.deleteAlertRule.mockResolvedValue(null);
    const { user } = renderApp();
    const panel = await openAlertSettings(user);
    const row = within(panel).getByTestId("alert-rule");
    expect(row).toHaveTextContent("Phone changes");
    expect(row).toHaveTextContent("Anna Smith");
    await expectNoViolations();

    await user.click(within(row).getByTestId("alert-rule-enabled"));
    expect(api.saveAlertRule).toHaveBeenCalledWith({ id: 3, kind: "fieldChanged", field: "phone", tag: undefined, contactIds: ["anna"], enabled: false });
    await user.click(within(row).getByTestId("alert-rule-delete"));
    expect(api.deleteAlertRule).toHaveBeenCalledWith(3);
  });
});

describe("describeActivity", () => {
  it("says what changed in one line", () => {
    expect(describeActivity(entry({ from: null, to: null }))).toBe("Phone changed");
    expect(describeActivity(entry({ to: null }))).toBe("Phone cleared (was +1 (303) 555-0101)");
    expect(describeActivity(entry({ kind: "taskOverdue", subject: "Call back" }))).toBe("Task overdue: Call back");
    expect(describeActivity(entry({ kind: "hcpChanged", subject: "Anna S." }))).toBe("Housecall Pro customer Anna S. changed");
  });
});
