// For `vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()))`:
// every command of backend.ts becomes a `vi.fn()` for the test to answer; the pure error
// helpers stay real. The cache commands answer like a quiet, online, up-to-date cache
// unless a test says otherwise (`cacheStatus` builds statuses to answer with).
import { vi } from "vitest";
import type * as Backend from "../backend";
import type { CacheStatus } from "../bindings";

const KEEP = new Set(["toAppError", "isAppError"]);

/** An online, idle, fully downloaded cache of "loc1" with an empty outbox. */
export function cacheStatus(overrides: Partial<CacheStatus> = {}): CacheStatus {
  return {
    locationId: "loc1",
    cachedContacts: 5000,
    online: true,
    activity: "idle",
    progress: null,
    downloadComplete: true,
    downloadPaused: false,
    lastRefreshedAt: null,
    outbox: { waiting: 0, conflicts: 0, rejected: 0 },
    unreadActivity: 0,
    notice: null,
    lastError: null,
    generation: 0,
    taskWalk: null,
    ...overrides,
  };
}

// Defaults that keep tests about other things quiet; `restoreMocks` puts them back
// before every test.
const DEFAULTS: Partial<Record<keyof typeof Backend, (...args: never[]) => unknown>> = {
  watchCache: () => Promise.resolve({ status: cacheStatus(), stop: () => undefined }),
  refreshCache: () => Promise.resolve(null),
  pauseDownload: () => Promise.resolve(null),
  resumeDownload: () => Promise.resolve(null),
  // As if GoHighLevel couldn't be asked: nothing is re-read.
  refreshContact: () => Promise.resolve(false),
  outboxItems: () => Promise.resolve([]),
  activity: () => Promise.resolve([]),
  // Housecall Pro not set up, nothing linked: the contact view shows no HCP pieces.
  hcpStatus: () => Promise.resolve({ configured: false, baseUrl: "", demo: false }),
  linkedCustomer: () => Promise.resolve(null),
  hcpCustomer: () => Promise.reject({ code: "not_found", message: "No such customer in the test", details: null }),
  syncLog: () => Promise.resolve([]),
  overview: () => import("../hooks/overview").then((m) => m.emptyOverview()),
  hcpCustomers: () =>
    Promise.reject({ code: "hcp_not_configured", message: "Housecall Pro is not set up", details: null }),
};

export async function mockBackend(): Promise<typeof Backend> {
  const actual = await vi.importActual<typeof Backend>("../backend");
  const mocked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(actual)) {
    if (typeof value !== "function" || KEEP.has(name)) {
      mocked[name] = value;
      continue;
    }
    const fallback = DEFAULTS[name as keyof typeof Backend];
    mocked[name] = fallback ? vi.fn(fallback) : vi.fn();
  }
  return mocked as typeof Backend;
}
