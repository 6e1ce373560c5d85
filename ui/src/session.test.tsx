// Signing in and out, switching locations, reconnecting, the OAuth settings, and the
// duplicate check in the new-contact form — with backend.ts mocked.
import { act, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, ContactPage, ContactSummary, OAuthSettings, SessionInfo } from "./bindings";
import { account, contactDetail, contactSummary, deferred, renderApp, sessionOf, SIGNED_IN } from "./test/helpers";

vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()));

import * as backend from "./backend";

const api = vi.mocked(backend);

const SIGNED_OUT: SessionInfo = sessionOf([]);
const SUMMIT = account({ locationId: "loc2", name: "Summit Roofing", method: "privateToken" });

function error(code: AppError["code"], message = "", details: unknown = null): AppError {
  return { code, message, details };
}

const ANNA = contactSummary("anna", "Anna Smith", { email: "anna@example.com", phone: "+13035550142" });
/** Contacts per location: what each location's list shows. */
const CONTACTS: Record<string, ContactSummary[]> = { loc1: [ANNA], loc2: [contactSummary("zed", "Zed Roof")] };
let active = "loc1";

function page(contacts: ContactSummary[]): ContactPage {
  return { contacts, total: contacts.length, nextCursor: null };
}

const SETTINGS: OAuthSettings = {
  clientId: "client-123",
  hasClientSecret: true,
  authorizeHost: "standard",
  customAuthorizeUrl: null,
  redirectUris: ["http://127.0.0.1:47615/callback", "http://127.0.0.1:47616/callback"],
  editingEnabled: false,
  managedByFile: null,
};

beforeEach(() => {
  active = "loc1";
  api.session.mockResolvedValue(SIGNED_IN);
  api.listContacts.mockImplementation(async () => page(CONTACTS[active] ?? []));
  api.getContact.mockImplementation(async (id) => contactDetail(Object.values(CONTACTS).flat().find((c) => c.id === id)!));
  api.listContactTasks.mockResolvedValue([]);
  api.listContactNotes.mockResolvedValue([]);
  api.listContactAppointments.mockResolvedValue([]);
  api.cancelSignIn.mockResolvedValue(null);
  api.oauthSettings.mockResolvedValue(SETTINGS);
  api.findDuplicateContact.mockResolvedValue(null);
});

describe("sign-in screen", () => {
  it("signs in with HighLevel: waiting with Cancel focused, then the location's contacts", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    const signIn = deferred<SessionInfo>();
    api.signInWithHighLevel.mockReturnValue(signIn.promise);
    const { user } = renderApp();
    const screenEl = await screen.findByTestId("sign-in-screen");
    expect(within(screenEl).getByRole("heading", { level: 1, name: "Switchboard" })).toBeInTheDocument();
    expect(screenEl).toHaveTextContent("the built-in sandbox’s consent page opens in your browser");

    await user.click(screen.getByTestId("sign-in-oauth-button"));
    const waiting = screen.getByTestId("sign-in-waiting");
    expect(waiting).toHaveTextContent("Waiting for you to finish in your browser…");
    expect(within(waiting).getByRole("status")).toBeInTheDocument();
    expect(screen.getByTestId("sign-in-cancel")).toHaveFocus();

    await act(async () => signIn.resolve(SIGNED_IN));
    expect(await screen.findByTestId("active-location-name")).toHaveTextContent("Rocky Mountain Heating");
    expect(await screen.findByText("1 contact")).toBeInTheDocument();
    expect(screen.queryByTestId("sign-in-screen")).not.toBeInTheDocument();
  });

  it("cancels the browser sign-in and gives focus back to the button", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    const signIn = deferred<SessionInfo>();
    api.signInWithHighLevel.mockReturnValue(signIn.promise);
    api.cancelSignIn.mockImplementation(async () => {
      signIn.reject(error("sign_in_cancelled", "cancelled"));
      return null;
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-in-oauth-button"));
    await user.click(screen.getByTestId("sign-in-cancel"));
    expect(api.cancelSignIn).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId("sign-in-waiting")).not.toBeInTheDocument());
    expect(screen.queryByTestId("sign-in-error")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("sign-in-oauth-button")).toHaveFocus());
  });

  it("shows HighLevel's own text when access is denied, and Try again starts over", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    api.signInWithHighLevel
      .mockRejectedValueOnce(error("sign_in_denied", "denied", { providerMessage: "The user denied the request." }))
      .mockResolvedValueOnce(SIGNED_IN);
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-in-oauth-button"));
    const alert = await screen.findByTestId("sign-in-error");
    expect(alert).toHaveAttribute("role", "alert");
    expect(alert).toHaveTextContent("HighLevel didn’t allow access");
    expect(alert).toHaveTextContent("The user denied the request.");
    await waitFor(() => expect(screen.getByTestId("sign-in-oauth-button")).toHaveFocus());

    await user.click(within(alert).getByTestId("sign-in-retry"));
    expect(api.signInWithHighLevel).toHaveBeenCalledTimes(2);
    expect(await screen.findByTestId("active-location-name")).toHaveTextContent("Rocky Mountain Heating");
  });

  it("says when nobody finished in time, and when sign-in failed", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    api.signInWithHighLevel
      .mockRejectedValueOnce(error("sign_in_timed_out", "timed out"))
      .mockRejectedValueOnce(error("sign_in_failed", "The answer didn't match this sign-in (state mismatch)."));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-in-oauth-button"));
    expect(await screen.findByTestId("sign-in-error")).toHaveTextContent("The sign-in took too long");
    await user.click(screen.getByTestId("sign-in-retry"));
    await waitFor(() => expect(screen.getByTestId("sign-in-error")).toHaveTextContent("state mismatch"));
  });

  it("explains that an administrator must set up the app, and opens its settings", async () => {
    api.session.mockResolvedValue({ ...SIGNED_OUT, oauthReady: false, mode: "live" });
    const { user } = renderApp();
    const button = await screen.findByTestId("sign-in-oauth-button");
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(/An administrator must set up the HighLevel app/);
    expect(screen.getByTestId("sign-in-screen")).not.toHaveTextContent("sandbox");
    expect(screen.getByTestId("sign-in-token-button")).toBeEnabled();
    await user.click(screen.getByTestId("oauth-settings-button"));
    expect(await screen.findByTestId("oauth-settings-form")).toBeInTheDocument();
  });

  it("tells once why the saved sign-ins were set aside", async () => {
    const notice = "The list of signed-in locations could not be read. It was set aside; please sign in again.";
    api.session.mockResolvedValue({ ...SIGNED_OUT, notice });
    renderApp();
    expect(await screen.findByTestId("session-notice")).toHaveTextContent(notice);
  });

  it("explains a not_configured refusal", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    api.signInWithHighLevel.mockRejectedValue(error("not_configured", "no client id"));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-in-oauth-button"));
    expect(await screen.findByTestId("sign-in-error")).toHaveTextContent(
      "An administrator must enter the HighLevel app’s client ID and secret",
    );
  });

  it("signs in with a Private Integration Token: refused, then accepted", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    api.signInWithToken
      .mockRejectedValueOnce(error("unauthorized", "Invalid JWT"))
      .mockResolvedValueOnce(sessionOf([SUMMIT]));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-in-token-button"));
    const form = screen.getByTestId("token-form");
    const locationInput = form.querySelector<HTMLInputElement>('[name="locationId"]')!;
    const tokenInput = form.querySelector<HTMLInputElement>('[name="token"]')!;
    expect(locationInput).toHaveFocus();
    expect(locationInput).toHaveAccessibleDescription(/Settings → Business Profile/);
    expect(tokenInput).toHaveAttribute("type", "password");
    expect(tokenInput).toHaveAccessibleDescription(/Settings → Private Integrations/);

    await user.click(screen.getByTestId("token-form-submit"));
    expect(api.signInWithToken).not.toHaveBeenCalled();
    expect(locationInput).toHaveAccessibleDescription(/Enter the location ID/);

    await user.type(locationInput, "loc2");
    await user.type(tokenInput, "bad");
    await user.click(within(form).getByRole("button", { name: "Show" }));
    expect(tokenInput).toHaveAttribute("type", "text");
    await user.click(screen.getByTestId("token-form-submit"));
    expect(api.signInWithToken).toHaveBeenCalledWith({ locationId: "loc2", token: "bad" });
    await waitFor(() => expect(tokenInput).toHaveAttribute("aria-invalid", "true"));
    expect(tokenInput).toHaveAccessibleDescription(/HighLevel refused this token/);
    expect(tokenInput).toHaveFocus();

    await user.clear(tokenInput);
    await user.type(tokenInput, "pit-good");
    active = "loc2";
    await user.click(screen.getByTestId("token-form-submit"));
    expect(await screen.findByTestId("active-location-name")).toHaveTextContent("Summit Roofing");
    expect(await screen.findByText("Zed Roof")).toBeInTheDocument();
  });

  it("puts a validation refusal next to the field it names", async () => {
    api.session.mockResolvedValue(SIGNED_OUT);
    api.signInWithToken.mockRejectedValue(error("validation", "locationId: no such location"));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-in-token-button"));
    const form = screen.getByTestId("token-form");
    await user.type(form.querySelector<HTMLInputElement>('[name="locationId"]')!, "nope");
    await user.type(form.querySelector<HTMLInputElement>('[name="token"]')!, "t");
    await user.click(screen.getByTestId("token-form-submit"));
    await waitFor(() =>
      expect(form.querySelector('[name="locationId"]')).toHaveAccessibleDescription(/no such location/),
    );
  });
});

describe("locations", () => {
  const TWO = sessionOf([account(), SUMMIT]);

  it("switches location from the keyboard and shows that location's contacts", async () => {
    api.session.mockResolvedValue(TWO);
    api.switchLocation.mockImplementation(async (id) => {
      active = id;
      return { ...TWO, activeLocationId: id };
    });
    const { user } = renderApp();
    expect(await screen.findByText("Anna Smith")).toBeInTheDocument();
    const switcher = screen.getByTestId("location-switcher");
    expect(switcher).toHaveAttribute("aria-haspopup", "menu");
    switcher.focus();
    await user.keyboard("{ArrowDown}");
    const menu = screen.getByRole("menu", { name: "Locations" });
    const options = within(menu).getAllByTestId("location-option");
    expect(options.map((o) => o.dataset.locationId)).toEqual(["loc1", "loc2"]);
    expect(options[0]).toHaveAttribute("aria-checked", "true");
    expect(options[0]).toHaveFocus();
    expect(within(menu).getByTestId("add-location")).toHaveTextContent("Add a location…");

    await user.keyboard("{ArrowDown}{Enter}");
    expect(api.switchLocation).toHaveBeenCalledWith("loc2");
    expect(await screen.findByText("Zed Roof")).toBeInTheDocument();
    expect(screen.getByTestId("active-location-name")).toHaveTextContent("Summit Roofing");
    expect(screen.queryByText("Anna Smith")).not.toBeInTheDocument();
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });

  it("closes the menu with Esc and gives focus back", async () => {
    api.session.mockResolvedValue(TWO);
    const { user } = renderApp();
    const switcher = await screen.findByTestId("location-switcher");
    await user.click(switcher);
    expect(switcher).toHaveAttribute("aria-expanded", "true");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(switcher).toHaveFocus();
  });

  it("adds a location from the menu, and goes back", async () => {
    api.session.mockResolvedValue(TWO);
    const { user } = renderApp();
    await user.click(await screen.findByTestId("location-switcher"));
    await user.click(screen.getByTestId("add-location"));
    expect(screen.getByTestId("sign-in-screen")).toHaveTextContent("Sign in to another HighLevel location");
    await user.click(screen.getByRole("button", { name: /Back to Rocky Mountain Heating/ }));
    expect(await screen.findByTestId("active-location-name")).toBeInTheDocument();
  });

  it("signs out keeping the cache; the next location becomes active", async () => {
    api.session.mockResolvedValue(TWO);
    api.signOut.mockImplementation(async () => {
      active = "loc2";
      return sessionOf([SUMMIT]);
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-out-button"));
    const dialog = screen.getByRole("alertdialog", { name: "Sign out of Rocky Mountain Heating?" });
    const checkbox = within(dialog).getByTestId("sign-out-delete-cache");
    expect(checkbox).not.toBeChecked();
    await user.click(within(dialog).getByTestId("confirm-sign-out"));
    expect(api.signOut).toHaveBeenCalledWith("loc1", false);
    expect(await screen.findByText("Zed Roof")).toBeInTheDocument();
    expect(screen.getByTestId("active-location-name")).toHaveTextContent("Summit Roofing");
    expect(screen.getByTestId("toast")).toHaveTextContent("Signed out of Rocky Mountain Heating");
  });

  it("signs out deleting the cache; with no location left, the sign-in screen shows", async () => {
    api.signOut.mockResolvedValue(SIGNED_OUT);
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-out-button"));
    await user.click(screen.getByTestId("sign-out-delete-cache"));
    await user.click(screen.getByTestId("confirm-sign-out"));
    expect(api.signOut).toHaveBeenCalledWith("loc1", true);
    expect(await screen.findByTestId("sign-in-screen")).toBeInTheDocument();
    expect(screen.getByTestId("toast")).toHaveTextContent("Its contacts were deleted from this computer.");
  });

  it("keeps the dialog open with the reason when signing out fails", async () => {
    api.signOut.mockRejectedValue(error("keyring_unavailable", "no keyring"));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sign-out-button"));
    await user.click(screen.getByTestId("confirm-sign-out"));
    expect(await within(screen.getByRole("alertdialog")).findByRole("alert")).toHaveTextContent("Couldn’t sign out");
  });
});

describe("reconnect", () => {
  it("shows a banner when a command needs a new sign-in, keeps the screen, and reloads after Reconnect", async () => {
    api.listContacts.mockRejectedValueOnce(error("reauth_required", "expired"));
    const signIn = deferred<SessionInfo>();
    api.signInWithHighLevel.mockReturnValue(signIn.promise);
    const { user } = renderApp();
    const banner = await screen.findByTestId("reconnect-banner");
    expect(banner).toHaveTextContent("Your sign-in to Rocky Mountain Heating has expired.");
    expect(screen.getByTestId("contact-search")).toBeInTheDocument(); // the screen stays

    await user.click(within(banner).getByTestId("reconnect-button"));
    expect(within(banner).getByTestId("sign-in-waiting")).toBeInTheDocument();
    expect(within(banner).getByTestId("sign-in-cancel")).toHaveFocus();
    await act(async () => signIn.resolve(SIGNED_IN));
    await waitFor(() => expect(screen.queryByTestId("reconnect-banner")).not.toBeInTheDocument());
    expect(await screen.findByText("Anna Smith")).toBeInTheDocument();
    expect(api.listContacts).toHaveBeenCalledTimes(2);
  });

  it("reconnects a token location with the token form", async () => {
    api.session.mockResolvedValue(sessionOf([{ ...SUMMIT, needsReconnect: true }]));
    active = "loc2";
    api.signInWithToken.mockResolvedValue(sessionOf([SUMMIT]));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("reconnect-button"));
    const dialog = screen.getByRole("dialog", { name: "Reconnect Summit Roofing" });
    const form = within(dialog).getByTestId("token-form");
    expect(form.querySelector('[name="locationId"]')).toHaveValue("loc2");
    expect(form.querySelector('[name="locationId"]')).toHaveAttribute("readonly");
    expect(form.querySelector('[name="token"]')).toHaveFocus();
    await user.type(form.querySelector<HTMLInputElement>('[name="token"]')!, "fresh");
    await user.click(within(form).getByTestId("token-form-submit"));
    expect(api.signInWithToken).toHaveBeenCalledWith({ locationId: "loc2", token: "fresh" });
    await waitFor(() => expect(screen.queryByTestId("reconnect-banner")).not.toBeInTheDocument());
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});

describe("OAuth settings", () => {
  it("keeps the stored secret when the field is left empty", async () => {
    api.saveOAuthSettings.mockImplementation(async (form) => ({ ...SETTINGS, clientId: form.clientId, editingEnabled: form.editingEnabled }));
    const { user } = renderApp();
    const opener = await screen.findByTestId("oauth-settings-button");
    await user.click(opener);
    const form = await screen.findByTestId("oauth-settings-form");
    const secret = form.querySelector<HTMLInputElement>('[name="clientSecret"]')!;
    expect(secret).toHaveAttribute("type", "password");
    expect(secret).toHaveValue("");
    expect(secret).toHaveAccessibleDescription(/Stored in the keyring/);
    expect(within(form).getByTestId("redirect-uris")).toHaveTextContent("http://127.0.0.1:47615/callback");
    expect(form).toHaveTextContent("register every one of these");

    await user.click(within(form).getByTestId("copy-redirect-uris"));
    expect(await navigator.clipboard.readText()).toBe(SETTINGS.redirectUris.join("\n"));
    expect(within(form).getByText("Copied")).toBeInTheDocument();

    const clientId = form.querySelector<HTMLInputElement>('[name="clientId"]')!;
    await user.clear(clientId);
    await user.type(clientId, "client-456");
    await user.click(within(form).getByLabelText("Allow editing (asks HighLevel for contacts.write)"));
    await user.click(within(form).getByLabelText(/Custom URL/));
    await user.click(within(form).getByTestId("oauth-settings-save"));
    const url = form.querySelector<HTMLInputElement>('[name="customAuthorizeUrl"]')!;
    expect(url).toHaveFocus();
    expect(api.saveOAuthSettings).not.toHaveBeenCalled();
    await user.type(url, "https://app.example.com/oauth/chooselocation");
    await user.click(within(form).getByTestId("oauth-settings-save"));
    expect(api.saveOAuthSettings).toHaveBeenCalledWith({
      clientId: "client-456",
      clientSecret: null,
      authorizeHost: "custom",
      customAuthorizeUrl: "https://app.example.com/oauth/chooselocation",
      editingEnabled: true,
    });
    await waitFor(() => expect(screen.queryByTestId("oauth-settings-form")).not.toBeInTheDocument());
    expect(screen.getByTestId("toast")).toHaveTextContent("HighLevel app settings saved");
    expect(opener).toHaveFocus();
  });

  it("sends a new secret when one is typed", async () => {
    api.saveOAuthSettings.mockResolvedValue(SETTINGS);
    const { user } = renderApp();
    await user.click(await screen.findByTestId("oauth-settings-button"));
    const form = await screen.findByTestId("oauth-settings-form");
    await user.type(form.querySelector<HTMLInputElement>('[name="clientSecret"]')!, "s3cret");
    await user.click(within(form).getByTestId("oauth-settings-save"));
    expect(api.saveOAuthSettings).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: "s3cret", authorizeHost: "standard", customAuthorizeUrl: null }));
  });

  it("shows settings managed by a file read-only, naming the file", async () => {
    api.oauthSettings.mockResolvedValue({ ...SETTINGS, managedByFile: "/etc/switchboard/oauth.toml" });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("oauth-settings-button"));
    const form = await screen.findByTestId("oauth-settings-form");
    expect(form).toHaveTextContent("/etc/switchboard/oauth.toml");
    expect(form.querySelector('[name="clientId"]')).toHaveAttribute("readonly");
    expect(within(form).getByLabelText("Allow editing (asks HighLevel for contacts.write)")).toBeDisabled();
    expect(within(form).queryByTestId("oauth-settings-save")).not.toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("oauth-settings-form")).not.toBeInTheDocument();
  });
});

describe("duplicate check in the new-contact form", () => {
  it("finds the contact with this email and updates it instead", async () => {
    api.findDuplicateContact.mockImplementation(async (email) => (email === "anna@example.com" ? { contact: ANNA, matchedOn: "email" } : null));
    api.upsertContact.mockResolvedValue({ contact: contactDetail({ ...ANNA, companyName: "Smith Co" }), created: false });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("new-contact-button"));
    const dialog = screen.getByRole("dialog", { name: "New contact" });
    await user.type(within(dialog).getByLabelText("Email"), "anna@example");
    await user.type(within(dialog).getByLabelText("Company"), "Smith Co");
    expect(api.findDuplicateContact).not.toHaveBeenCalled(); // not a valid email yet
    await user.type(within(dialog).getByLabelText("Email"), ".com");
    const notice = await within(dialog).findByTestId("duplicate-notice");
    expect(api.findDuplicateContact).toHaveBeenCalledWith("anna@example.com", null);
    expect(notice).toHaveTextContent("Anna Smith already has this email.");
    expect(notice.parentElement).toHaveAttribute("aria-live", "polite");

    await user.click(within(notice).getByTestId("duplicate-upsert"));
    expect(api.upsertContact).toHaveBeenCalledWith(expect.objectContaining({ email: "anna@example.com", companyName: "Smith Co" }));
    expect(api.createContact).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("toast")).toHaveTextContent("Updated Anna Smith");
    expect(await screen.findByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
  });

  it("looks up a valid phone and opens the existing contact", async () => {
    api.findDuplicateContact.mockImplementation(async (_email, phone) => (phone === "+13035550142" ? { contact: ANNA, matchedOn: "phone" } : null));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("new-contact-button"));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Phone"), "(303) 555-0142");
    const notice = await within(dialog).findByTestId("duplicate-notice");
    expect(notice).toHaveTextContent("Anna Smith already has this phone number.");
    expect(api.findDuplicateContact).toHaveBeenCalledTimes(1); // debounced: once for the whole number
    await user.click(within(notice).getByTestId("duplicate-open"));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(await screen.findByRole("heading", { level: 2, name: "Anna Smith" })).toBeInTheDocument();
  });

  it("hides the notice as soon as the email changes", async () => {
    api.findDuplicateContact.mockImplementation(async (email) => (email === "anna@example.com" ? { contact: ANNA, matchedOn: "email" } : null));
    const { user } = renderApp();
    await user.click(await screen.findByTestId("new-contact-button"));
    const dialog = screen.getByRole("dialog");
    const email = within(dialog).getByLabelText("Email");
    await user.type(email, "anna@example.com");
    await within(dialog).findByTestId("duplicate-notice");
    await user.type(email, "x");
    expect(within(dialog).queryByTestId("duplicate-notice")).not.toBeInTheDocument();
  });
});

describe("start", () => {
  it("shows the backend's trouble with Retry when the session can't be read", async () => {
    api.session.mockRejectedValueOnce(error("keyring_unavailable", "The keyring is locked")).mockResolvedValueOnce(SIGNED_OUT);
    const { user } = renderApp();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The keyring is locked");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("sign-in-screen")).toBeInTheDocument();
  });
});
