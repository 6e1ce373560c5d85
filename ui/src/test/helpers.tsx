// Shared by the component tests: rendering the app with a fresh query client, promises
// settled by hand, and session fixtures.
import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { LocationAccount, SessionInfo } from "../bindings";
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
