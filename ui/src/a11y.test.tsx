// Accessibility of the main screens: axe-core runs on each, rendered with the mocked
// backend, and must find nothing. jsdom has no layout or paint, so axe's colour
// contrast rule is off here; the theme colours' contrast is checked numerically below.
import { screen, within } from "@testing-library/react";
import axe from "axe-core";
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { HcpCustomerSummary, OutboxItem, SyncPreview, SyncSettingsView } from "./bindings";
import { cacheStatus } from "./test/backendMock";
import { appSettingsView } from "./test/appSettings";
import { contactDetail, contactSummary, renderApp, sessionOf, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

// axe probes for icon ligatures with a canvas, which jsdom lacks: say so quietly.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

/** Runs axe on `root` and fails with every violation, its rule and the nodes it found. */
async function expectNoViolations(root: Element = document.body) {
  const results = await axe.run(root, {
    // Only violations are looked at: skipping the passes list halves the run.
    resultTypes: ["violations"],
    rules: {
      // Needs real layout and rendering (a browser): see the contrast tests below.
      "color-contrast": { enabled: false },
    },
  });
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact ?? "?"}): ${v.help}\n  ${v.nodes.map((n) => n.html.slice(0, 160)).join("\n  ")}`,
  );
  expect(found, found.join("\n")).toEqual([]);
}

const ANNA = contactSummary("ghl-anna", "Anna Smith", {
  email: "anna@example.com",
  phone: "+13035550142",
  tags: ["vip"],
});
const BOB = contactSummary("ghl-bob", "Bob Jones", { email: "bob@example.com" });

const GENERAL = appSettingsView();

const SYNC_SETTINGS: SyncSettingsView = {
  mapping: ["first_name / last_name ↔ firstName / lastName"],
  homePhoneField: "contact.hcp_home_phone",
  workPhoneField: "",
  hcpIdField: "contact.hcp_customer_id",
  followUpTasks: [{ title: "Call the new customer", body: "", dueInDays: 1, dueHour: 15 }],
};

const CUSTOMER: HcpCustomerSummary = {
  id: "cus_1",
  name: "Carl Baker",
  email: "carl@example.com",
  phone: "(303) 555-0100",
  company: null,
  address: "1 Main St, Denver, CO, 80202",
  updatedAt: "2026-11-01T10:00:00Z",
  linkedContactId: null,
};

const PREVIEW: SyncPreview = {
  target: { side: "hcp", id: "cus_1" },
  matching: "matched",
  matchingText: "The GoHighLevel contact with the same email address",
  candidates: [],
  hcp: null,
  ghl: null,
  toGhl: [{ field: "phone", label: "Phone", from: null, to: "+13035550100" }],
  toHcp: [{ field: "email", label: "Email", from: "old@example.com", to: "carl@example.com" }],
  conflicts: [],
  problems: [],
  followUpTasks: [],
  willSend: true,
  resuming: false,
};

const OUTBOX: OutboxItem[] = [
  {
    id: 7,
    contactId: "ghl-anna",
    contactName: "Anna Smith",
    description: "Edit Anna Smith",
    state: "conflict",
    message: null,
    conflicts: [{ field: "email", label: "Email", mine: "anna@new.example", theirs: "anna@example.com" }],
    createdAt: new Date(Date.now() - 60 * 60_000).toISOString(),
  },
];

beforeEach(() => {
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue({ contacts: [ANNA, BOB], total: 2, nextCursor: null });
  api.getContact.mockImplementation(async (id) => contactDetail([ANNA, BOB].find((c) => c.id === id) ?? ANNA));
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
  api.oauthSettings.mockResolvedValue({
    clientId: "client-123",
    hasClientSecret: true,
    authorizeHost: "standard",
    customAuthorizeUrl: null,
    redirectUris: ["http://127.0.0.1:47615/callback"],
    editingEnabled: false,
    managedByFile: null,
  });
  api.hcpStatus.mockResolvedValue({ configured: true, baseUrl: "https://api.housecallpro.com", demo: false });
  api.syncSettings.mockResolvedValue(SYNC_SETTINGS);
  api.appSettings.mockResolvedValue(GENERAL);
  api.hcpCustomers.mockResolvedValue({ customers: [CUSTOMER], page: 1, totalPages: 1, total: 1 });
  api.hcpCustomer.mockResolvedValue(CUSTOMER);
  api.syncPreview.mockResolvedValue(PREVIEW);
});

// axe takes a second or two per screen in jsdom, more when the whole suite runs at once.
describe("accessibility (axe-core)", { timeout: 30_000 }, () => {
  it("sign-in screen", async () => {
    api.session.mockResolvedValue(sessionOf([]));
    renderApp();
    await screen.findByTestId("sign-in-screen");
    await expectNoViolations();
  });

  it("contact list with a contact open", async () => {
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    await expectNoViolations();
    await user.click(screen.getAllByTestId("contact-row")[0]!);
    await screen.findByTestId("contact-view");
    await expectNoViolations();
  });

  it.each([
    ["HighLevel app", "settings-tab-highlevel", "oauth-settings-form"],
    ["Housecall Pro", "settings-tab-hcp", "hcp-key-form"],
    ["Sync", "settings-tab-sync", "sync-settings-form"],
    ["General", "settings-tab-general", "general-settings-form"],
  ])("settings dialog, %s tab", async (_name, tabId, loadedId) => {
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    await user.click(screen.getByTestId("oauth-settings-button"));
    const dialog = await screen.findByTestId("settings-dialog");
    await user.click(within(dialog).getByTestId(tabId));
    await within(dialog).findByTestId(loadedId);
    await expectNoViolations();
  });

  it("sync dialog", async () => {
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    await user.click(screen.getByTestId("hcp-tab"));
    await user.click(await screen.findByTestId("hcp-customer-row"));
    const view = await screen.findByTestId("hcp-customer-view");
    await user.click(within(view).getByTestId("sync-button"));
    const dialog = await screen.findByTestId("sync-dialog");
    await within(dialog).findAllByTestId("sync-change");
    await expectNoViolations();
  });

  it("outbox dialog", async () => {
    api.outboxItems.mockResolvedValue(OUTBOX);
    api.watchCache.mockResolvedValue({
      status: cacheStatus({ outbox: { waiting: 0, conflicts: 1, rejected: 0 } }),
      stop: () => undefined,
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("outbox-button"));
    const dialog = await screen.findByTestId("outbox-dialog");
    await within(dialog).findAllByTestId("outbox-item");
    await expectNoViolations();
  });
});

// ---------- Theme colours: WCAG contrast, light and dark ----------

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const h = hex.replace("#", "");
  const full = h.length === 3 ? [...h].map((c) => c + c).join("") : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(parseHex(a)), luminance(parseHex(b))].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The `--name: #hex` variables of the first `:root { }` block after `from` in app.css. */
function themeVariables(css: string, from: number): Record<string, string> {
  const start = css.indexOf(":root {", from);
  const block = css.slice(start, css.indexOf("}", start));
  const vars: Record<string, string> = {};
  for (const match of block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;/g)) vars[match[1]!] = match[2]!;
  return vars;
}

// Read from disk: the test config leaves CSS out of the module graph (`css: false`).
const CSS = readFileSync("src/styles/app.css", "utf8");
const LIGHT = themeVariables(CSS, 0);
const DARK = { ...LIGHT, ...themeVariables(CSS, CSS.indexOf("@media (prefers-color-scheme: dark)")) };

// Text colours on the backgrounds they are used on; 4.5:1 for text (WCAG AA).
const TEXT_PAIRS: readonly [string, string][] = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-2"],
  ["text", "surface-3"],
  ["text-2", "surface"],
  ["text-2", "surface-2"],
  ["text-2", "surface-3"],
  ["text-3", "surface"],
  ["text-3", "surface-2"],
  ["text-3", "bg"],
  ["accent", "surface"],
  ["accent", "accent-soft"],
  ["text", "selected"],
  ["danger", "surface"],
  ["danger", "danger-soft"],
  ["success", "surface"],
  ["success", "success-soft"],
  ["warning", "surface"],
  ["warning", "warning-soft"],
  ["chip-text", "chip-bg"],
  ["header-text", "header-bg"],
  ["header-muted", "header-bg"],
];

describe.each([
  ["light", LIGHT],
  ["dark", DARK],
])("%s theme contrast", (_name, vars) => {
  it("defines the colours checked", () => {
    for (const [fg, bg] of TEXT_PAIRS) {
      expect(vars[fg], `--${fg}`).toMatch(/^#/);
      expect(vars[bg], `--${bg}`).toMatch(/^#/);
    }
  });

  it.each(TEXT_PAIRS)("--%s on --%s reaches 4.5:1", (fg, bg) => {
    const ratio = contrast(vars[fg]!, vars[bg]!);
    expect(ratio, `${vars[fg]} on ${vars[bg]}: ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
  });

  it("focus rings stand out from the surface (3:1, non-text)", () => {
    expect(contrast(vars.focus!, vars.surface!)).toBeGreaterThanOrEqual(3);
    expect(contrast(vars.focus!, vars.bg!)).toBeGreaterThanOrEqual(3);
  });
});

it("computes contrast like WCAG (black on white is 21:1)", () => {
  expect(contrast("#000", "#fff")).toBeCloseTo(21, 5);
  expect(contrast("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
});
