// Shared by the component tests: rendering the app with a fresh query client, promises
// settled by hand, and session fixtures.
import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ContactDetail, ContactSummary, LocationAccount, SessionInfo } from "../bindings";
import { App } from "../App";
import { createQueryClient } from "../hooks/queries";

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function renderApp(props: { initialContactId?: string } = {}) {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { ...client.getDefaultOptions().queries, retry: false } });
  const user = userEvent.setup();
  const utils = render(
    <QueryClientProvider client={client}>
      <App {...props} />
    </QueryClientProvider>,
  );
  return { ...utils, user, client };
}

export function account(overrides: Partial<LocationAccount> = {}): LocationAccount {
  return {
    locationId: "loc1",
    name: "Rocky Mountain Heating",
    method: "oauth",
    canWrite: true,
    needsReconnect: false,
    ...overrides,
  };
}

/** Signed in to `accounts` (the first one active by default). */
export function sessionOf(accounts: LocationAccount[], overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    mode: "demo",
    version: "0.1.0",
    accounts,
    activeLocationId: accounts[0]?.locationId ?? null,
    oauthReady: true,
    notice: null,
    ...overrides,
  };
}

export const SIGNED_IN: SessionInfo = sessionOf([account()]);

/** A contact as the list shows it: `name` split into first and last, the rest empty. */
export function contactSummary(id: string, name: string, overrides: Partial<ContactSummary> = {}): ContactSummary {
  const [firstName = null, lastName = null] = name.split(" ");
  return { id, displayName: name, firstName, lastName, email: null, phone: null, companyName: null, tags: [], dateUpdated: null, pending: false, ...overrides };
}

/** The contact's detail, with nothing more than its summary filled in. */
export function contactDetail(summary: ContactSummary): ContactDetail {
  return {
    ...summary,
    source: null,
    contactType: null,
    address1: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    website: null,
    timezone: null,
    dateOfBirth: null,
    dateAdded: null,
    dnd: false,
    businessId: null,
    customFields: [],
  };
}
