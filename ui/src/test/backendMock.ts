// For `vi.mock("./backend", () => import("./test/backendMock").then((m) => m.mockBackend()))`:
// every command of backend.ts becomes a `vi.fn()` for the test to answer; the pure error
// helpers stay real.
import { vi } from "vitest";
import type * as Backend from "../backend";

const KEEP = new Set(["toAppError", "isAppError"]);

export async function mockBackend(): Promise<typeof Backend> {
  const actual = await vi.importActual<typeof Backend>("../backend");
  const mocked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(actual)) {
    mocked[name] = typeof value === "function" && !KEEP.has(name) ? vi.fn() : value;
  }
  return mocked as typeof Backend;
}
