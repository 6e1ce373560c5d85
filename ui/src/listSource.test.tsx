// The contact list's troubleshooting source: GoHighLevel's deprecated `GET /contacts/`
// list (list_contacts_legacy) in place of search.
import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, ContactPage, ContactSummary } from "./bindings";
import { account, contactDetail, contactSummary, deferred, renderApp, sessionOf, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

function person(id: string, name: string): ContactSummary {
  return contactSummary(id, name, { email: `${id}@example.com`, dateUpdated: "2025-01-02T10:00:00Z" });
}

const SEARCHED = [person("s1", "Anna Smith"), person("s2", "Carl Jones")];
// The old list answers differently (that is why support compares them), and pages by the
// last contact seen.
const LISTED = Array.from({ length: 250 }, (_, i) => person(`l${i}`, `Legacy Person${i}`));

function legacyPage({ query, cursor, limit }: backend.ListContactsArgs): Promise<ContactPage> {
  const found = LISTED.filter((c) => c.displayName.toLowerCase().includes(query.toLowerCase()));
  const start = cursor === null ? 0 : found.findIndex((c) => c.id === cursor) + 1;
  const contacts = found.slice(start, start + limit);
  const more = start + limit < found.length;
  return Promise.resolve({ contacts, total: found.length, nextCursor: more ? contacts.at(-1)!.id : null });
}

const LEGACY = "Older list";
const SEARCH = "Search";

beforeEach(() => {
  window.sessionStorage.clear();
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockResolvedValue({ contacts: SEARCHED, total: 2, nextCursor: null });
  api.listContactsLegacy.mockImplementation(legacyPage);
  api.getContact.mockImplementation((id) => Promise.resolve(contactDetail([...SEARCHED, ...LISTED].find((c) => c.id === id)!)));
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
});

function rowIds(): string[] {
  return screen.queryAllByTestId("contact-row").map((row) => row.dataset.contactId ?? "");
}

async function showLegacy(user: ReturnType<typeof renderApp>["user"]) {
  await screen.findByText("2 contacts");
  await user.selectOptions(screen.getByRole("combobox", { name: "List from" }), LEGACY);
  await screen.findByText("250 contacts");
}

describe("list source", () => {
  it("is search by default, offered as a small labelled choice", async () => {
    renderApp();
    expect(await screen.findByText("2 contacts")).toBeInTheDocument();
    const control = screen.getByTestId("list-source");
    expect(control).toBe(screen.getByRole("combobox", { name: "List from" }));
    expect(control).toHaveValue("search");
    expect(within(control).getAllByRole("option").map((o) => o.textContent)).toEqual([SEARCH, LEGACY]);
    expect(screen.queryByTestId("legacy-list-note")).not.toBeInTheDocument();
    expect(api.listContactsLegacy).not.toHaveBeenCalled();
  });

  it("lists from list_contacts_legacy when chosen, and says so", async () => {
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    const first = deferred<ContactPage>();
    api.listContactsLegacy.mockReturnValueOnce(first.promise);
    await user.selectOptions(screen.getByTestId("list-source"), LEGACY);

    const note = screen.getByTestId("legacy-list-note");
    expect(note).toHaveTextContent("Listing with GoHighLevel’s older contacts list");
    expect(api.listContactsLegacy).toHaveBeenCalledWith({ query: "", cursor: null, limit: 100 });
    // Search's rows never stand in for the other list while it loads.
    expect(await screen.findByText("Loading contacts…")).toBeInTheDocument();
    expect(rowIds()).toEqual([]);

    await act(async () => first.resolve(await legacyPage({ query: "", cursor: null, limit: 100 })));
    expect(await screen.findByText("250 contacts")).toBeInTheDocument();
    expect(rowIds()[0]).toBe("l0");
    expect(api.listContacts).toHaveBeenCalledTimes(1);
  });

  it("loads further pages with the old list's own cursor", async () => {
    // Short pages, so the first one ends inside the viewport and the next is fetched.
    api.listContactsLegacy.mockImplementation((args) => legacyPage({ ...args, limit: 5 }));
    const { user } = renderApp();
    await showLegacy(user);
    await waitFor(() => expect(api.listContactsLegacy).toHaveBeenCalledWith({ query: "", cursor: "l4", limit: 100 }));
    await waitFor(() => expect(rowIds()).toContain("l5"));
    expect(api.listContacts).not.toHaveBeenCalledWith(expect.objectContaining({ cursor: "l4" }));
  });

  it("searches as you type with the old list", async () => {
    const { user } = renderApp();
    await showLegacy(user);
    await user.type(screen.getByTestId("contact-search"), "person12");
    expect(await screen.findByText("11 matches for “person12”")).toBeInTheDocument();
    expect(api.listContactsLegacy).toHaveBeenLastCalledWith({ query: "person12", cursor: null, limit: 100 });
    expect(api.listContacts).not.toHaveBeenCalledWith(expect.objectContaining({ query: "person12" }));
    expect(rowIds()[0]).toBe("l12");

    await user.clear(screen.getByTestId("contact-search"));
    await user.type(screen.getByTestId("contact-search"), "nobody");
    expect(await screen.findByTestId("empty-state")).toBeInTheDocument();
    expect(screen.getByTestId("legacy-list-note")).toBeInTheDocument();
  });

  it("shows the old list's errors with Retry", async () => {
    const failure: AppError = { code: "network", message: "dns error", details: null };
    api.listContactsLegacy.mockRejectedValueOnce(failure);
    const { user } = renderApp();
    await screen.findByText("2 contacts");
    await user.selectOptions(screen.getByTestId("list-source"), LEGACY);
    const alert = await screen.findByRole("alert");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("250 contacts")).toBeInTheDocument();
    expect(api.listContactsLegacy).toHaveBeenCalledTimes(2);
  });

  it("opens contacts from the old list as usual", async () => {
    const { user } = renderApp();
    await showLegacy(user);
    await user.click(screen.getAllByTestId("contact-row")[1]!);
    expect(await screen.findByRole("heading", { name: "Legacy Person1" })).toBeInTheDocument();
    expect(api.getContact).toHaveBeenCalledWith("l1");
  });

  it("goes back to search from the note, by keyboard, keeping focus on the choice", async () => {
    const { user } = renderApp();
    await showLegacy(user);
    const control = screen.getByTestId("list-source");
    control.focus();
    await user.tab();
    const back = screen.getByRole("button", { name: "Back to search" });
    expect(back).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(screen.queryByTestId("legacy-list-note")).not.toBeInTheDocument();
    expect(control).toHaveValue("search");
    expect(control).toHaveFocus();
    expect(await screen.findByText("2 contacts")).toBeInTheDocument();
    expect(rowIds()).toEqual(["s1", "s2"]);
  });

  it("goes back to search from the control too, and searches with search again", async () => {
    const { user } = renderApp();
    await showLegacy(user);
    await user.selectOptions(screen.getByTestId("list-source"), SEARCH);
    expect(screen.queryByTestId("legacy-list-note")).not.toBeInTheDocument();
    await user.type(screen.getByTestId("contact-search"), "smith");
    await waitFor(() => expect(api.listContacts).toHaveBeenLastCalledWith({ query: "smith", cursor: null, limit: 100 }));
    expect(api.listContactsLegacy).not.toHaveBeenCalledWith(expect.objectContaining({ query: "smith" }));
  });

  it("is remembered for the session, per location", async () => {
    const first = renderApp();
    await showLegacy(first.user);
    first.unmount();

    renderApp();
    expect(await screen.findByTestId("legacy-list-note")).toBeInTheDocument();
    expect(screen.getByTestId("list-source")).toHaveValue("legacy");
    expect(await screen.findByText("250 contacts")).toBeInTheDocument();
  });

  it("starts with search in another location", async () => {
    window.sessionStorage.setItem("switchboard.listSource.loc1", "legacy");
    api.session.mockResolvedValue(sessionOf([account({ locationId: "loc2", name: "Summit Bakery" })]));
    renderApp();
    expect(await screen.findByText("2 contacts")).toBeInTheDocument();
    expect(screen.getByTestId("list-source")).toHaveValue("search");
    expect(screen.queryByTestId("legacy-list-note")).not.toBeInTheDocument();
  });
});
